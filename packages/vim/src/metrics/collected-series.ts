import type { CollectedMetrics } from './collected-metric';

/** One series of a metric read at scrape time: its labels and its value. */
export type Series<L extends string> = readonly [labels: Record<L, string>, value: number];

export interface CollectedSpec<L extends string> {
  name: string;
  help: string;
  /** Documents the labels every series carries (the series' label records must have exactly these). */
  labelNames: readonly L[];
  /** Every series the metric has now; series not read again disappear from the next scrape. */
  read: () => Iterable<Series<L>>;
}

/** A gauge whose series are read from current state on each scrape, never set from hot paths. */
export function collectedGauge<L extends string>(metrics: CollectedMetrics, spec: CollectedSpec<L>): void {
  add(metrics, 'gauge', spec);
}

/** A counter whose series are cumulative totals the VIM already keeps (Tier1Front's, the VMMs' reports), read on each scrape. */
export function collectedCounter<L extends string>(metrics: CollectedMetrics, spec: CollectedSpec<L>): void {
  add(metrics, 'counter', spec);
}

function add<L extends string>(metrics: CollectedMetrics, type: 'gauge' | 'counter', spec: CollectedSpec<L>): void {
  metrics.add({ name: spec.name, help: spec.help, type, read: () => Array.from(spec.read(), ([labels, value]) => ({ metricName: spec.name, labels, value })) });
}
