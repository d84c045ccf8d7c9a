/** How a webhook delivery is retried. */
export interface DeliveryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled before each later one, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before attempt `attempt` (1-based; the first goes at once), or undefined when the attempts
 * are used up and the alert is given up on.
 */
export function delayBeforeAttempt(attempt: number, policy: DeliveryPolicy): number | undefined {
  if (attempt > policy.maxAttempts) return undefined;
  if (attempt <= 1) return 0;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 2));
}

/** Whether an answer is worth another attempt: server errors, 408 and 429 are; other 4xx will not change. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
