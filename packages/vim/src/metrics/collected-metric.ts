import type { HistogramCounts } from '@acs/daemon';
import type { Metric } from 'prom-client';
import { toPrometheusBuckets } from './histogram-counts';

/** One exposed line: `metricName{labels} value`. */
export interface SeriesValue {
  metricName: string;
  labels: Record<string, string>;
  value: number;
}

export interface CollectedMetricOptions {
  name: string;
  help: string;
  type: 'histogram' | 'summary';
  /** Every line of the metric at scrape time. */
  read: () => SeriesValue[];
}

/**
 * A histogram or summary whose lines are read at scrape time from state the code already keeps:
 * Tier1Front's per-VM latency histograms, the p50/p99 the VMMs report per container. prom-client's own
 * Histogram must be fed on every request, hashing its labels each time; this costs the request path
 * nothing and the scrape one pass over the buckets. prom-client's Summary cannot take quantiles computed
 * elsewhere at all.
 */
export class CollectedMetric {
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram' | 'summary';

  constructor(private readonly options: CollectedMetricOptions) {
    this.name = options.name;
    this.help = options.help;
    this.type = options.type;
  }

  get(): { name: string; help: string; type: 'histogram' | 'summary'; aggregator: 'sum'; values: SeriesValue[] } {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.options.read() };
  }

  /** Nothing to reset: the state read is the source's. */
  reset(): void {}

  /**
   * The registry only uses name, type, get() and reset(), which this class has; prom-client's type
   * admits only its own four classes, hence the one cast, here.
   */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}

/** The `_bucket`, `_sum` and `_count` lines of one histogram series, in the exposed unit. */
export function histogramSeries(name: string, labels: Record<string, string>, histogram: HistogramCounts, scale: number): SeriesValue[] {
  const { buckets, sum, count } = toPrometheusBuckets(histogram, scale);
  const lines: SeriesValue[] = buckets.map((b) => ({ metricName: `${name}_bucket`, labels: { ...labels, le: b.le }, value: b.cumulative }));
  lines.push({ metricName: `${name}_sum`, labels, value: sum }, { metricName: `${name}_count`, labels, value: count });
  return lines;
}
