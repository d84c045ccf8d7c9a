import type { Logger } from 'pino';

/** How long a graceful stop may take before the process exits anyway. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. A second signal while stopping exits at once,
 * the way users expect a double Ctrl-C to behave, and so does a stop that outlives `deadlineMs`:
 * a supervisor's SIGTERM must always end the process.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, deadlineMs = DEFAULT_SHUTDOWN_DEADLINE_MS): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ deadlineMs }, 'graceful shutdown took too long: exiting now');
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
