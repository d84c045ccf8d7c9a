import { createLogger, formatHostPort, EXIT_CODES, loadServerTls, onShutdownSignal, parseDaemonArgs, SecretError, secretFromEnvOrFile, TlsConfigError } from '@acs/daemon';
import { heartbeatTimeoutFor, VIM_SETTINGS } from './config';
import { loadOrCreateSecret } from './secret';
import { startVim } from './vim';
import { PROCESS_PROVIDER_SHUTDOWN_DEADLINE_MS, resolveVmScalingConfig } from './vm-scaling';

/** Entry point of `acs-vim`. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const { values: settings, configFile } = parseDaemonArgs(
    'acs-vim',
    'Auto Cloud Scaler manager: accepts VMM agents, keeps the cluster view, serves the admin API.',
    VIM_SETTINGS,
    argv,
  );
  const vmScaling = resolveVmScalingConfig(settings);
  if (!vmScaling.ok) {
    process.stderr.write(`acs-vim: invalid configuration:\n  - ${vmScaling.problems.join('\n  - ')}\n(run acs-vim --help for every setting)\n`);
    process.exit(EXIT_CODES.config);
  }
  const log = createLogger('vim', settings.logLevel);
  let secretSource;
  try {
    secretSource = loadOrCreateSecret({ envSecret: process.env['ACS_SECRET'], secretFile: settings.secretFile, dataDir: settings.dataDir });
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    log.fatal({ err: error.message }, 'cannot load the agent secret');
    process.exit(EXIT_CODES.config);
  }
  log.info({ origin: secretSource.origin, path: secretSource.path }, secretSource.origin === 'generated' ? 'generated a new agent secret' : 'agent secret loaded');

  let adminToken: string | undefined;
  try {
    adminToken = secretFromEnvOrFile(process.env['ACS_ADMIN_TOKEN'], settings.adminTokenFile)?.toString('utf8');
  } catch (error) {
    if (!(error instanceof SecretError)) throw error;
    process.stderr.write(`acs-vim: admin token: ${error.message}\n`);
    process.exit(EXIT_CODES.config);
  }
  if (adminToken === undefined && !isLoopback(settings.adminListen.host)) {
    process.stderr.write(
      `acs-vim: the admin API would listen on ${settings.adminListen.host}, beyond this machine, with no admin token: set ACS_ADMIN_TOKEN or --admin-token-file (or bind it to 127.0.0.1)\n`,
    );
    process.exit(EXIT_CODES.config);
  }
  let tls;
  try {
    tls = loadServerTls(settings.tlsCert, settings.tlsKey);
  } catch (error) {
    if (!(error instanceof TlsConfigError)) throw error;
    process.stderr.write(`acs-vim: ${error.message}\n`);
    process.exit(EXIT_CODES.config);
  }
  const heartbeatTimeoutMs = heartbeatTimeoutFor(settings);
  let vim;
  try {
    vim = await startVim({ ...settings, heartbeatTimeoutMs, secret: secretSource.secret, adminToken, tls }, log);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    log.fatal({ code: e.code, err: e.message }, e.code === 'EADDRINUSE' ? 'a port is already in use: is another acs-vim running?' : 'failed to start');
    process.exit(EXIT_CODES.failure);
  }
  log.info(
    {
      agentListen: formatHostPort({ host: vim.agentAddress.address, port: vim.agentAddress.port }),
      adminListen: formatHostPort({ host: vim.adminAddress.address, port: vim.adminAddress.port }),
      httpListen: formatHostPort({ host: vim.httpAddress.address, port: vim.httpAddress.port }),
      balancerPolicy: settings.balancerPolicy,
      adminChangesNeedToken: adminToken !== undefined,
      agentTls: tls !== undefined,
      reportIntervalMs: settings.reportIntervalMs,
      heartbeatTimeoutMs,
      pingIntervalMs: settings.pingIntervalMs,
      configFile,
    },
    'acs-vim listening',
  );
  // VMMs a process provider started drain and remove their containers before the VIM exits (up to 45 s).
  onShutdownSignal(log, () => vim.close(), settings.vmProvider === 'process' ? PROCESS_PROVIDER_SHUTDOWN_DEADLINE_MS : undefined);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
