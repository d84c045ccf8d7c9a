import { Counter, Gauge, type Registry } from 'prom-client';

/** One series of a metric read at scrape time: its labels and its value. */
export type Series<L extends string> = readonly [labels: Record<L, string>, value: number];

export interface CollectedSpec<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Every series the metric has now; series not read again disappear from the next scrape. */
  read: () => Iterable<Series<L>>;
}

/** A gauge whose series are read from current state on each scrape, never set from hot paths. */
export function collectedGauge<L extends string>(registry: Registry, spec: CollectedSpec<L>): Gauge<L> {
  const gauge: Gauge<L> = new Gauge<L>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect: () => {
      gauge.reset();
      for (const [labels, value] of spec.read()) gauge.set(labels as Partial<Record<L, string>>, value);
    },
  });
  return gauge;
}

/**
 * A counter whose series are cumulative totals the VIM already keeps (Tier1Front's, the VMMs' reports),
 * read on each scrape. prom-client's Counter has no set(): reset, then increase by the total.
 */
export function collectedCounter<L extends string>(registry: Registry, spec: CollectedSpec<L>): Counter<L> {
  const counter: Counter<L> = new Counter<L>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect: () => {
      counter.reset();
      for (const [labels, value] of spec.read()) counter.inc(labels as Partial<Record<L, string>>, value);
    },
  });
  return counter;
}
