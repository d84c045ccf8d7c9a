/** A tier-1 latency objective: p99 at most `p99LimitMs`, breached once above it for `breachMs`. */
export interface SloSettings {
  p99LimitMs: number;
  breachMs: number;
}

/** Since when every sample has been over the limit; null while within it. */
export interface SloState {
  overSince: number | null;
}

export interface SloSample {
  at: number;
  /** p99 of the requests completed since the previous sample; undefined when none completed. */
  p99Ms: number | undefined;
}

/**
 * One step of the SLO watch, pure:
 *
 *   within ──p99 > limit──▶ over (since t) ──still over at t + breachMs──▶ breached (every sample from then on)
 *     ▲                        │                                               │
 *     └──── p99 ≤ limit, or no request completed ◀────────────────────────────┘
 *
 * A sample with no completed request ends a breach: nothing was served slowly. (Requests that fail are
 * not in the latency histogram; they are the error counters' business.)
 */
export function sloStep(state: SloState, sample: SloSample, settings: SloSettings): { state: SloState; breached: boolean } {
  if (sample.p99Ms === undefined || sample.p99Ms <= settings.p99LimitMs) return { state: { overSince: null }, breached: false };
  const overSince = state.overSince ?? sample.at;
  return { state: { overSince }, breached: sample.at - overSince >= settings.breachMs };
}
