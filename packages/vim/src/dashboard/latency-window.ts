/**
 * Windowed latency quantiles from cumulative histograms. Tier 1 keeps one histogram per VM counting since the
 * VIM started, which says nothing about the last few seconds; the difference of two readings does.
 */

/** Cumulative counts keyed by bucket upper bound in ms ('+Inf' for the last), as Histogram.snapshot() gives them. */
export type Buckets = Record<string, number>;

/** Adds `more` into `into`, bucket by bucket. */
export function addBuckets(into: Buckets, more: Buckets): Buckets {
  for (const [bound, count] of Object.entries(more)) into[bound] = (into[bound] ?? 0) + count;
  return into;
}

/** What was counted between two readings; a bucket that went down (a VM's counters reset) counts as zero. */
export function diffBuckets(later: Buckets, earlier: Buckets): Buckets {
  const out: Buckets = {};
  for (const [bound, count] of Object.entries(later)) out[bound] = Math.max(0, count - (earlier[bound] ?? 0));
  return out;
}

/**
 * The upper bound of the bucket holding quantile `q`, as Prometheus' histogram_quantile would without
 * interpolation; the largest finite bound when it falls in '+Inf'; null when the buckets are empty.
 */
export function bucketQuantile(buckets: Buckets, q: number): number | null {
  const entries = Object.entries(buckets)
    .map(([bound, count]) => ({ bound: bound === '+Inf' ? Infinity : Number(bound), count }))
    .sort((a, b) => a.bound - b.bound);
  const total = entries.reduce((sum, e) => sum + e.count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  let lastFinite: number | null = null;
  for (const e of entries) {
    if (Number.isFinite(e.bound)) lastFinite = e.bound;
    seen += e.count;
    if (seen >= rank) return Number.isFinite(e.bound) ? e.bound : lastFinite;
  }
  return lastFinite;
}

/** Keeps the last `size` per-second deltas and answers quantiles over their sum. */
export class LatencyWindow {
  private readonly deltas: Buckets[] = [];
  private previous: Buckets | undefined;

  constructor(private readonly size: number) {}

  /** Takes the cumulative buckets of this second. */
  push(cumulative: Buckets): void {
    if (this.previous !== undefined) {
      this.deltas.push(diffBuckets(cumulative, this.previous));
      if (this.deltas.length > this.size) this.deltas.shift();
    }
    this.previous = cumulative;
  }

  quantiles(): { p50: number | null; p99: number | null } {
    const sum = this.deltas.reduce<Buckets>((acc, d) => addBuckets(acc, d), {});
    return { p50: bucketQuantile(sum, 0.5), p99: bucketQuantile(sum, 0.99) };
  }
}
