/**
 * How many requests one backend may have in flight, learned from its response times (additive increase,
 * multiplicative decrease on latency, as TCP Vegas does with round-trip times).
 *
 * A fixed cap cannot suit both kinds of work a container may do. CPU-bound requests on a fraction of a
 * core gain nothing from a second request in flight beyond keeping the core busy, and a deep queue
 * inside a single-threaded server is served unfairly; cheap requests, on the other hand, spend most of
 * their time in the network hops, and a cap of 2 left the container idle between round trips (tier 2
 * alone at a fraction of its zero-work throughput, bench/proxy.ts). The signal that tells them apart is
 * the response time itself: while a request takes about as long as the fastest one seen, the backend is
 * not queueing and the limit may grow; once requests take `tolerance` times longer, they are waiting
 * inside it and the limit shrinks.
 */
export interface AdaptiveLimitSettings {
  /** Where the limit starts, and what a backend without samples gets. */
  initial: number;
  min: number;
  max: number;
  /**
   * Smoothed response time over the baseline beyond which requests are taken to be queueing. Above 2, so
   * that a CPU-bound backend (where a second request in flight doubles the time) keeps a second one
   * waiting inside it, ready the moment the first is done, instead of idling for a round trip.
   */
  tolerance: number;
  /** Weight of the newest sample in the smoothed response time: single samples jitter (GC, scheduling). */
  smoothing: number;
  /** Factor applied to the limit on a queueing sample (at most once per fastest response time). */
  decrease: number;
  /**
   * The fastest response time is re-learned over windows this long: each new window starts from the
   * previous minimum raised by `minRttDrift`, so a backend that got slower for good (a smaller CPU share)
   * is not held to a speed it no longer has, while one sample of a quiet moment keeps the baseline honest.
   */
  windowMs: number;
  minRttDrift: number;
}

/**
 * Starting at 1 lets the baseline be a request served alone: learned at 2, a CPU-bound backend (where a
 * second request doubles the time) would be allowed twice its real depth.
 */
export const DEFAULT_ADAPTIVE_LIMIT_SETTINGS: Readonly<AdaptiveLimitSettings> = Object.freeze({
  initial: 1,
  min: 1,
  max: 16,
  tolerance: 2.5,
  smoothing: 0.1,
  decrease: 0.9,
  windowMs: 30_000,
  minRttDrift: 1.1,
});

export class AdaptiveConcurrencyLimit {
  private value: number;
  private smoothedRtt: number | undefined;
  private minRtt = Infinity;
  private windowMin = Infinity;
  private windowStart: number | undefined;
  private lastDecreaseAt = -Infinity;
  readonly settings: Readonly<AdaptiveLimitSettings>;

  constructor(settings: Partial<AdaptiveLimitSettings> = {}) {
    this.settings = { ...DEFAULT_ADAPTIVE_LIMIT_SETTINGS, ...settings };
    const { initial, min, max, tolerance, decrease } = this.settings;
    if (!(min >= 1 && max >= min && initial >= min && initial <= max)) throw new RangeError(`adaptive limit: need 1 ≤ min ≤ initial ≤ max, got min ${min}, initial ${initial}, max ${max}`);
    if (!(tolerance > 1)) throw new RangeError(`adaptive limit: tolerance must be above 1, got ${tolerance}`);
    if (!(decrease > 0 && decrease < 1)) throw new RangeError(`adaptive limit: decrease must be between 0 and 1, got ${decrease}`);
    if (!(this.settings.smoothing > 0 && this.settings.smoothing <= 1)) throw new RangeError(`adaptive limit: smoothing must be in (0, 1], got ${this.settings.smoothing}`);
    this.value = initial;
  }

  /** Requests the backend may have in flight now. */
  get limit(): number {
    return Math.floor(this.value);
  }

  /** The fastest smoothed response time, which the limit is judged against (Infinity before any sample). */
  get baselineMs(): number {
    return this.minRtt;
  }

  /**
   * One completed request: how long it took, and how many were in flight when it finished (itself
   * included), which says whether the limit was actually in use.
   */
  onSuccess(rttMs: number, inflight: number, now: number): void {
    if (!(rttMs >= 0) || !Number.isFinite(rttMs)) return;
    const smoothed = this.smoothedRtt === undefined ? rttMs : this.smoothedRtt + this.settings.smoothing * (rttMs - this.smoothedRtt);
    this.smoothedRtt = smoothed;
    this.learnBaseline(smoothed, now);
    if (smoothed > this.minRtt * this.settings.tolerance) {
      this.shrink(now);
      return;
    }
    // Grow only when the limit was the constraint: an idle backend proves nothing about a larger one.
    if (inflight >= this.limit) this.value = Math.min(this.settings.max, this.value + 1 / this.value);
  }

  /** A failed attempt (connect error, timeout, 5xx): back off as for queueing. */
  onFailure(now: number): void {
    this.shrink(now);
  }

  private shrink(now: number): void {
    // Once per baseline round trip: the samples finishing in one round trip all saw the same queue.
    const spacing = Number.isFinite(this.minRtt) ? this.minRtt : 0;
    if (now - this.lastDecreaseAt < spacing) return;
    this.lastDecreaseAt = now;
    this.value = Math.max(this.settings.min, this.value * this.settings.decrease);
  }

  private learnBaseline(rttMs: number, now: number): void {
    if (this.windowStart === undefined) this.windowStart = now;
    if (now - this.windowStart >= this.settings.windowMs) {
      this.minRtt = Math.min(this.windowMin, this.minRtt * this.settings.minRttDrift);
      this.windowMin = Infinity;
      this.windowStart = now;
    }
    if (rttMs < this.windowMin) this.windowMin = rttMs;
    if (rttMs < this.minRtt) this.minRtt = rttMs;
  }
}
