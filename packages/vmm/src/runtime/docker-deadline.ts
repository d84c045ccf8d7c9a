/**
 * How long one Docker Engine call may go unanswered before the engine counts as not answering. A stopped
 * engine refuses at once; this bounds the hung one (accepting connections, answering nothing), which
 * would otherwise hold the reconcile loop, and with it the agent's view of the engine, forever. Well above
 * what a listing takes on a loaded host (tens of ms), so a busy engine is not reported down.
 */
export const DOCKER_CALL_TIMEOUT_MS = 5000;

/**
 * Runs `call` with a signal that aborts it when it has not settled within `timeoutMs`. The timer is cleared
 * once the call settles, so a stream whose response arrived in time (events) is never cut later.
 */
export async function withinDeadline<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`the Docker Engine did not answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
