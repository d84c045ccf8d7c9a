import { createLogger, formatHostPort, EXIT_CODES, loadClientTls, onShutdownSignal, parseDaemonArgs, SecretError, secretFromEnvOrFile, TlsConfigError } from '@acs/daemon';
import { Agent } from './agent';
import { VMM_SETTINGS } from './config';

/** Entry point of `acs-vmm`. */
export function main(argv: string[] = process.argv): void {
  const { values: settings } = parseDaemonArgs(
    'acs-vmm',
    'Auto Cloud Scaler agent: one per VM; reports to the VIM and carries out its commands.',
    VMM_SETTINGS,
    argv,
  );
  const log = createLogger('vmm', settings.logLevel).child({ agentId: settings.agentId });
  let secret: Buffer | undefined;
  try {
    secret = secretFromEnvOrFile(process.env['ACS_SECRET'], settings.secretFile);
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    process.stderr.write(`acs-vmm: ${error.message}\n`);
    process.exit(EXIT_CODES.config);
  }
  if (!secret) {
    process.stderr.write(
      "acs-vmm: no agent secret: pass --secret-file PATH (the VIM writes one to <data-dir>/agent-secret) or set ACS_SECRET\n",
    );
    process.exit(EXIT_CODES.config);
  }
  let tls;
  try {
    tls = loadClientTls(settings.tlsCa, settings.tlsServername);
  } catch (error) {
    if (!(error instanceof TlsConfigError)) throw error;
    process.stderr.write(`acs-vmm: ${error.message}\n`);
    process.exit(EXIT_CODES.config);
  }
  if (settings.backoffMaxMs < settings.backoffInitialMs) {
    process.stderr.write('acs-vmm: --backoff-max-ms must be at least --backoff-initial-ms\n');
    process.exit(EXIT_CODES.config);
  }

  const agent = new Agent(
    { ...settings, secret, tls, backoff: { initialMs: settings.backoffInitialMs, maxMs: settings.backoffMaxMs } },
    log,
  );
  log.info({ vim: formatHostPort(settings.vim), tls: tls !== undefined, maxContainers: settings.maxContainers }, 'acs-vmm starting');
  onShutdownSignal(log, () => agent.stop(), settings.stopContainersOnExit ? 30_000 : undefined);
  agent.start().then(
    () =>
      agent.vim.on('fatal', (error) => {
        process.stderr.write(`acs-vmm: ${error.message}\n`);
        void agent.stop().finally(() => process.exit(EXIT_CODES.rejected));
      }),
    (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? ' (is another acs-vmm using this --front-listen port?)' : '';
      process.stderr.write(`acs-vmm: cannot start: ${error.message}${hint}\n`);
      process.exit(EXIT_CODES.failure);
    },
  );
}
