import type { Logger } from 'pino';

/** How long a graceful stop may take before the process exits anyway. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Signals this close after the first are the same request delivered twice, not a second Ctrl-C: a
 * terminal's Ctrl-C reaches the whole process group, and a launcher (npm, the lab) forwards its own
 * signal to its children as well. Exiting at once on those skipped the clean stop (containers were
 * left behind by `npm start`).
 */
export const DUPLICATE_SIGNAL_WINDOW_MS = 1000;

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. A second signal while stopping exits at once,
 * the way users expect a double Ctrl-C to behave (unless it comes within DUPLICATE_SIGNAL_WINDOW_MS of
 * the first), and so does a stop that outlives `deadlineMs`: a supervisor's SIGTERM must always end the
 * process.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, deadlineMs = DEFAULT_SHUTDOWN_DEADLINE_MS, now: () => number = Date.now): void {
  let stoppingSince: number | undefined;
  const handle = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      if (now() - stoppingSince < DUPLICATE_SIGNAL_WINDOW_MS) {
        logger.info({ signal }, 'signal repeated within a second: still stopping cleanly (send another to exit at once)');
        return;
      }
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = now();
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
