import { loadConfig } from './config';
import { startWorkload } from './server';

/** Entry point in the container (`node /app/main.js`): PID 2 under Docker's init, so SIGTERM reaches us. */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const workload = await startWorkload(config);
  const log = (msg: string, extra: Record<string, unknown> = {}): void => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'workload', container: config.container, msg, ...extra })}\n`);
  };
  log('listening', { port: workload.address.port, workMs: config.workMs });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal, inflight: workload.stats().inflight });
    workload.shutdown().then(
      () => {
        log('stopped', { served: workload.stats().served });
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`acs-workload: ${String(error)}\n`);
    process.exit(1);
  });
}
