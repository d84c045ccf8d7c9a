import type { HistogramCounts } from '@acs/daemon';
import { toPrometheusBuckets } from './histogram-counts';

/** One exposed line: `metricName{labels} value`. */
export interface SeriesValue {
  metricName: string;
  labels: Record<string, string>;
  value: number;
}

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * A metric whose lines are read at scrape time from state the code already keeps: Tier1Front's per-VM
 * counters and latency histograms, the VMMs' reports, the services' views. prom-client's own Histogram
 * must be fed on every request, hashing its labels each time; this costs the request path nothing.
 * prom-client's Summary cannot take quantiles computed elsewhere at all, and its Gauge and Counter, reset
 * and set on each scrape, hash and validate every series' labels.
 */
export interface CollectedMetric {
  name: string;
  help: string;
  type: MetricKind;
  /** Every line of the metric now. */
  read: () => SeriesValue[];
}

/**
 * The collected metrics of one VIM, rendered in the Prometheus text format by {@link formatMetric}
 * rather than through prom-client's registry, one metric per turn of the event loop: at 1,000 VMs a
 * scrape is ~40,000 lines (bench:metrics), and tier 1 and the agent sessions must not wait for all of it.
 */
export class CollectedMetrics {
  private readonly metrics: CollectedMetric[] = [];

  add(metric: CollectedMetric): void {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`metric ${metric.name} is registered twice`);
    this.metrics.push(metric);
  }

  async render(): Promise<string> {
    const parts: string[] = [];
    for (const metric of this.metrics) {
      parts.push(formatMetric(metric, metric.read()));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return parts.join('');
  }
}

/** One metric in the text exposition format 0.0.4: HELP, TYPE, then its lines. */
export function formatMetric(metric: Pick<CollectedMetric, 'name' | 'help' | 'type'>, lines: readonly SeriesValue[]): string {
  let out = `# HELP ${metric.name} ${metric.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${metric.name} ${metric.type}\n`;
  for (const line of lines) {
    let labels = '';
    for (const key in line.labels) labels += `${labels === '' ? '' : ','}${key}="${escapeLabelValue(line.labels[key]!)}"`;
    out += `${line.metricName}${labels === '' ? '' : `{${labels}}`} ${formatValue(line.value)}\n`;
  }
  return out;
}

function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** The `_bucket`, `_sum` and `_count` lines of one histogram series, in the exposed unit. */
export function histogramSeries(name: string, labels: Record<string, string>, histogram: HistogramCounts, scale: number): SeriesValue[] {
  const { buckets, sum, count } = toPrometheusBuckets(histogram, scale);
  const lines: SeriesValue[] = buckets.map((b) => ({ metricName: `${name}_bucket`, labels: { ...labels, le: b.le }, value: b.cumulative }));
  lines.push({ metricName: `${name}_sum`, labels, value: sum }, { metricName: `${name}_count`, labels, value: count });
  return lines;
}
