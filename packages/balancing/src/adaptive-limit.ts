/**
 * How many requests one backend may have in flight: as many as it completes in a fixed queueing budget
 * (`queueBudgetMs`), never fewer than `min` nor more than `max`.
 *
 * A fixed cap cannot suit both kinds of work a container may do. CPU-bound requests on a fraction of a
 * core gain nothing from a third request in flight, and a deep queue inside a single-threaded server is
 * served unfairly, so the queue belongs in front of it (tier 2's FIFO); cheap requests, on the other hand,
 * spend most of their time in the hops between processes, and a cap of 2 left the container idle
 * between round trips (tier 2 alone at a third of the container's zero-work throughput, bench/proxy.ts).
 *
 * The budget tells them apart without a baseline to learn. With L in flight and round trips of RTT,
 * the backend completes L ÷ RTT requests a second, so `rate × budget` grows the limit while round trips
 * stay under the budget and shrinks it once they exceed it: a request waits inside the backend for at
 * most about the budget. CPU-bound work (a 20 ms request on half a core completes 25 a second) sits at
 * the floor, where one request is served and one is ready behind it; zero-work requests (thousands a
 * second) open up to `max`. Measuring throughput rather than latency against a learned fastest time
 * also means nothing drifts under sustained load, which the latency-baseline (Vegas-style) limit this
 * replaced did: it re-learned its baseline from loaded round trips, and against a saturated CPU-bound
 * backend its limit averaged 2.5 in the first minute and 14 in the tenth.
 *
 * Not for backends that wait rather than compute (a 100 ms call to a database completes L ÷ 100 ms a
 * second at any depth): those stay at the floor; give them a fixed number instead.
 */
export interface AdaptiveLimitSettings {
  /** The floor, and what a backend gets before its first window of completions. */
  min: number;
  max: number;
  /** Time a request may wait inside the backend, in ms of the backend's own completions. */
  queueBudgetMs: number;
  /** Completions are counted over windows at least this long; the limit changes at the end of each. */
  windowMs: number;
}

/**
 * A floor of 2 keeps a CPU-bound backend busy: the next request is already there when one finishes,
 * instead of a round trip later (the fixed cap tier 2 shipped with). A 5 ms budget covers that round trip
 * through a busy front several times over while adding at most a few ms to a request's time.
 */
export const DEFAULT_ADAPTIVE_LIMIT_SETTINGS: Readonly<AdaptiveLimitSettings> = Object.freeze({
  min: 2,
  max: 16,
  queueBudgetMs: 5,
  windowMs: 100,
});

export class AdaptiveConcurrencyLimit {
  private value: number;
  private windowStart: number | undefined;
  private completions = 0;
  readonly settings: Readonly<AdaptiveLimitSettings>;

  constructor(settings: Partial<AdaptiveLimitSettings> = {}) {
    this.settings = { ...DEFAULT_ADAPTIVE_LIMIT_SETTINGS, ...settings };
    const { min, max, queueBudgetMs, windowMs } = this.settings;
    if (!(Number.isInteger(min) && min >= 1 && Number.isInteger(max) && max >= min)) throw new RangeError(`adaptive limit: need whole numbers 1 ≤ min ≤ max, got min ${min}, max ${max}`);
    if (!(queueBudgetMs > 0 && Number.isFinite(queueBudgetMs))) throw new RangeError(`adaptive limit: queueBudgetMs must be a positive number of ms, got ${queueBudgetMs}`);
    if (!(windowMs > 0 && Number.isFinite(windowMs))) throw new RangeError(`adaptive limit: windowMs must be a positive number of ms, got ${windowMs}`);
    this.value = min;
  }

  /** Requests the backend may have in flight now. */
  get limit(): number {
    return this.value;
  }

  /** One request the backend answered; `now` in ms on a monotonic clock. */
  onSuccess(now: number): void {
    if (this.windowStart === undefined) {
      this.windowStart = now;
      this.completions = 0;
    }
    this.completions++;
    const elapsed = now - this.windowStart;
    if (elapsed < this.settings.windowMs) return;
    // After an idle spell the window is long and the rate low: the limit restarts near the floor, and
    // a busy backend climbs back within a window or two.
    const perMs = this.completions / elapsed;
    this.value = Math.min(this.settings.max, Math.max(this.settings.min, Math.ceil(perMs * this.settings.queueBudgetMs)));
    this.windowStart = now;
    this.completions = 0;
  }

  /**
   * A failed attempt (connect error, timeout, 5xx): back to the floor, and the window starts again, so
   * the limit rises only on what the backend answers from here on.
   */
  onFailure(now: number): void {
    this.value = this.settings.min;
    this.windowStart = now;
    this.completions = 0;
  }
}
