import type { HistogramCounts } from '@acs/daemon';

/** One `_bucket` series of a Prometheus histogram: the count of values at or below `le`. */
export interface PrometheusBucket {
  le: string;
  cumulative: number;
}

/**
 * A fixed-bucket histogram as Prometheus exposes one: cumulative buckets in the exposed unit, the sum
 * and the count. `scale` converts the recorded unit to the exposed one (0.001 for ms → seconds).
 */
export function toPrometheusBuckets(histogram: HistogramCounts, scale: number): { buckets: PrometheusBucket[]; sum: number; count: number } {
  const labels = bucketLabels(histogram.bounds, scale);
  const buckets: PrometheusBucket[] = [];
  let cumulative = 0;
  for (let i = 0; i < histogram.bounds.length; i++) {
    cumulative += histogram.counts[i] ?? 0;
    buckets.push({ le: labels[i]!, cumulative });
  }
  // Prometheus requires a +Inf bucket; a histogram whose last bound is finite gets one holding the count.
  if (histogram.bounds[histogram.bounds.length - 1] !== Infinity) buckets.push({ le: '+Inf', cumulative });
  return { buckets, sum: histogram.sum * scale, count: cumulative };
}

/** `le` labels per bounds array and scale, formatted once: every VM's histogram shares the same bounds. */
const labelCache = new WeakMap<readonly number[], Map<number, string[]>>();

function bucketLabels(bounds: readonly number[], scale: number): string[] {
  let byScale = labelCache.get(bounds);
  if (!byScale) labelCache.set(bounds, (byScale = new Map<number, string[]>()));
  let labels = byScale.get(scale);
  if (!labels) byScale.set(scale, (labels = bounds.map((b) => (b === Infinity ? '+Inf' : String(roundScaled(b * scale))))));
  return labels;
}

/** Adds histograms with the same bounds (e.g. every VM's) into one. */
export function sumHistograms(bounds: readonly number[], histograms: Iterable<HistogramCounts>): HistogramCounts {
  const counts = new Array<number>(bounds.length).fill(0);
  let sum = 0;
  for (const h of histograms) {
    if (h.bounds.length !== bounds.length) throw new RangeError(`histogram with ${h.bounds.length} buckets added to one with ${bounds.length}`);
    h.counts.forEach((n, i) => (counts[i]! += n));
    sum += h.sum;
  }
  return { bounds, counts, sum };
}

/** What was recorded between two readings of the same cumulative histogram (`later` − `earlier`). */
export function histogramDelta(later: HistogramCounts, earlier: HistogramCounts): HistogramCounts {
  return {
    bounds: later.bounds,
    // A reading lower than before (the histogram was reset) counts as nothing recorded, never as negative.
    counts: later.counts.map((n, i) => Math.max(0, n - (earlier.counts[i] ?? 0))),
    sum: Math.max(0, later.sum - earlier.sum),
  };
}

/**
 * Quantile `q` estimated as Prometheus' histogram_quantile does: linear within the bucket that holds it
 * (from the previous bound, or 0); in the +Inf bucket, the largest finite bound. Undefined when empty.
 */
export function estimateQuantile(histogram: HistogramCounts, q: number): number | undefined {
  const count = histogram.counts.reduce((a, b) => a + b, 0);
  if (count === 0) return undefined;
  const rank = q * count;
  let seen = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const inBucket = histogram.counts[i]!;
    const lower = i === 0 ? 0 : histogram.bounds[i - 1]!;
    const upper = histogram.bounds[i]!;
    if (seen + inBucket >= rank && inBucket > 0) {
      if (upper === Infinity) return lower;
      return lower + ((upper - lower) * (rank - seen)) / inBucket;
    }
    seen += inBucket;
  }
  return histogram.bounds[histogram.bounds.length - 1];
}

/** 0.5 ms × 0.001 is 0.0005, not 0.0005000000000000001: bucket labels must be stable and readable. */
function roundScaled(value: number): number {
  return Number(value.toPrecision(12));
}
