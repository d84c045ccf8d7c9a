/** The rate limit's memory of one subject (kind + service/VM). */
export interface RateLimitEntry {
  /** When an alert for this subject was last let through. */
  sentAt: number;
  /** Alerts held back since then. */
  suppressed: number;
}

export type RateLimitDecision =
  /** `suppressed`: how many were held back since the last one sent, to say so in this one. */
  | { send: true; suppressed: number; next: RateLimitEntry }
  | { send: false; next: RateLimitEntry };

/**
 * At most one alert per subject per `minIntervalMs`; the ones in between are counted, and the next
 * alert sent says how many. Pure: the subject's previous entry in, the decision and its next entry out.
 */
export function rateLimit(previous: RateLimitEntry | undefined, now: number, minIntervalMs: number): RateLimitDecision {
  // A clock stepped back counts as the window having passed rather than silencing the subject for good.
  if (previous === undefined || now - previous.sentAt >= minIntervalMs || now < previous.sentAt) {
    return { send: true, suppressed: previous?.suppressed ?? 0, next: { sentAt: now, suppressed: 0 } };
  }
  return { send: false, next: { sentAt: previous.sentAt, suppressed: previous.suppressed + 1 } };
}
