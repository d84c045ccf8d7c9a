/**
 * Counts ingested reports and how late they arrive (VIM receive time − agent sample time).
 *
 * A fixed log-scale histogram: one array increment per report, no allocation, so it can sit on the
 * hot path at tens of thousands of reports a second. Lag is only meaningful when agent and VIM clocks
 * agree (same host, or NTP).
 */
const BUCKET_BOUNDS_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, Infinity];

export interface ReportStatsSnapshot {
  reportsTotal: number;
  lagMs: { count: number; p50: number; p90: number; p99: number; max: number; buckets: Record<string, number> };
}

export class ReportStats {
  private total = 0;
  private counts = new Array<number>(BUCKET_BOUNDS_MS.length).fill(0);
  private maxLag = 0;

  record(lagMs: number): void {
    this.total++;
    const lag = lagMs < 0 ? 0 : lagMs;
    if (lag > this.maxLag) this.maxLag = lag;
    let i = 0;
    while (lag > BUCKET_BOUNDS_MS[i]!) i++;
    this.counts[i]!++;
  }

  /** Clears the lag histogram (not the total), so a benchmark can measure one window. */
  resetLag(): void {
    this.counts.fill(0);
    this.maxLag = 0;
  }

  snapshot(): ReportStatsSnapshot {
    const count = this.counts.reduce((a, b) => a + b, 0);
    const quantile = (q: number): number => {
      if (count === 0) return 0;
      const rank = Math.ceil(q * count);
      let seen = 0;
      for (let i = 0; i < this.counts.length; i++) {
        seen += this.counts[i]!;
        if (seen >= rank) return Math.min(BUCKET_BOUNDS_MS[i]!, this.maxLag);
      }
      return this.maxLag;
    };
    const buckets: Record<string, number> = {};
    BUCKET_BOUNDS_MS.forEach((bound, i) => (buckets[bound === Infinity ? '+Inf' : String(bound)] = this.counts[i]!));
    return {
      reportsTotal: this.total,
      lagMs: { count, p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), max: this.maxLag, buckets },
    };
  }
}
