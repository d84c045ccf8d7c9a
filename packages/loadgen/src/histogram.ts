/**
 * Latency histogram with HDR-style log-linear buckets, in integer microseconds:
 *
 *   [0, 256) µs             one bucket per µs (linear)
 *   [2^e, 2^(e+1)) µs, e≥8  128 equal sub-buckets, each 2^(e-7) µs wide
 *
 * A bucket is never wider than 1/128 of its lower bound (and 1 µs ≤ 1% of 100 µs below 256 µs), and quantiles
 * report the bucket midpoint, so the relative error is ≤ 1% from 0.1 ms up to the top bucket (2^28 µs ≈ 268 s).
 * 2,816 counters, one increment per value: cheap enough for every response.
 */
export const HISTOGRAM_MAX_US = 2 ** 28 - 1;
const LINEAR_US = 256;
const SUB_BUCKETS = 128;
const SUB_BITS = 7;
const TOP_EXPONENT = 27;
const BUCKETS = LINEAR_US + (TOP_EXPONENT - 7) * SUB_BUCKETS;

/** Largest relative error of a reported quantile for values in [0.1 ms, 60 s]. */
export const HISTOGRAM_RELATIVE_ERROR = 0.01;

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private maxMs = 0;
  private minMs = Infinity;

  /** Records one latency in milliseconds; negatives count as 0, values past the top land in the top bucket. */
  record(ms: number): void {
    const v = ms > 0 ? ms : 0;
    if (v > this.maxMs) this.maxMs = v;
    if (v < this.minMs) this.minMs = v;
    this.counts[bucketOf(v)]!++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  /** The q-quantile (0 < q ≤ 1) in ms: the midpoint of the bucket holding rank ⌈q·n⌉, clamped to [min, max]. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxMs, Math.max(this.minMs, midpointMs(i)));
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return { count: this.total, p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99), p999: this.quantile(0.999), max: this.maxMs };
  }
}

function bucketOf(ms: number): number {
  const us = Math.min(HISTOGRAM_MAX_US, Math.floor(ms * 1000));
  if (us < LINEAR_US) return us;
  const e = 31 - Math.clz32(us);
  const sub = (us >>> (e - SUB_BITS)) - SUB_BUCKETS;
  return LINEAR_US + (e - 8) * SUB_BUCKETS + sub;
}

function midpointMs(index: number): number {
  if (index < LINEAR_US) return (index + 0.5) / 1000;
  const e = 8 + Math.floor((index - LINEAR_US) / SUB_BUCKETS);
  const sub = (index - LINEAR_US) % SUB_BUCKETS;
  const width = 2 ** (e - SUB_BITS);
  return ((SUB_BUCKETS + sub) * width + width / 2) / 1000;
}
