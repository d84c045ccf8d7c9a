/** Bucket upper bounds in ms: log-spaced from sub-millisecond to seconds. */
export const DEFAULT_LATENCY_BOUNDS_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, Infinity];

export interface HistogramSnapshot {
  count: number;
  /** Upper bound of the bucket holding each quantile, capped at the largest value seen. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  buckets: Record<string, number>;
}

/** The raw counts, per bucket (not cumulative), and the sum of every value recorded: what a Prometheus histogram exposes. */
export interface HistogramCounts {
  bounds: readonly number[];
  counts: number[];
  sum: number;
}

/**
 * A fixed-bucket histogram: one array increment per value and no allocation, so it can sit on hot
 * paths (a report, a proxied request). Quantiles are bucket bounds, as Prometheus histograms give them.
 */
export class Histogram {
  private readonly counts: number[];
  private maxValue = 0;
  private sum = 0;

  constructor(private readonly bounds: readonly number[] = DEFAULT_LATENCY_BOUNDS_MS) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  record(value: number): void {
    const v = value > 0 ? value : 0;
    if (v > this.maxValue) this.maxValue = v;
    this.sum += v;
    let i = 0;
    while (v > this.bounds[i]!) i++;
    this.counts[i]!++;
  }

  reset(): void {
    this.counts.fill(0);
    this.maxValue = 0;
    this.sum = 0;
  }

  /** A copy of the per-bucket counts with the bounds and the sum, for exporters. */
  rawCounts(): HistogramCounts {
    return { bounds: this.bounds, counts: [...this.counts], sum: this.sum };
  }

  snapshot(): HistogramSnapshot {
    const count = this.counts.reduce((a, b) => a + b, 0);
    const quantile = (q: number): number => {
      if (count === 0) return 0;
      const rank = Math.ceil(q * count);
      let seen = 0;
      for (let i = 0; i < this.counts.length; i++) {
        seen += this.counts[i]!;
        if (seen >= rank) return Math.min(this.bounds[i]!, this.maxValue);
      }
      return this.maxValue;
    };
    const buckets: Record<string, number> = {};
    this.bounds.forEach((bound, i) => (buckets[bound === Infinity ? '+Inf' : String(bound)] = this.counts[i]!));
    return { count, p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), max: this.maxValue, buckets };
  }
}
