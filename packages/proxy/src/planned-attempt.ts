import type { AttemptOutcome, ForwardingPlan, ForwardTarget } from './forwarder';

/**
 * What every engine's attempt owes the plan: `onUpstreamDone` at most once and only before the end, and
 * `onEnd` exactly once with the attempt's duration. One place, so both engines keep the in-flight
 * counts of the balancers right in the same way.
 */
export abstract class PlannedAttempt {
  private ended = false;
  private released = false;
  // Sub-millisecond: a zero-work hop takes well under 1 ms, and the adaptive in-flight limit and the
  // latency histograms both need to tell 0.3 ms from 0.9 ms.
  private readonly startedAt = performance.now();

  constructor(
    readonly target: ForwardTarget,
    readonly plan: ForwardingPlan,
  ) {}

  /** Reports the outcome to the plan, exactly once. */
  end(outcome: Omit<AttemptOutcome, 'durationMs' | 'upstreamDone'>): void {
    if (this.ended) return;
    this.ended = true;
    this.plan.onEnd(this.target, { status: outcome.status, failure: outcome.failure, durationMs: performance.now() - this.startedAt, upstreamDone: this.released });
  }

  /** Tells the plan the target is done with the request (see ForwardingPlan.onUpstreamDone), once, before the end. */
  upstreamDone(): void {
    if (this.ended || this.released) return;
    this.released = true;
    this.plan.onUpstreamDone?.(this.target);
  }
}
