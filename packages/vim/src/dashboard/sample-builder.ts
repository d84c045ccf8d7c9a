import type { DashboardSample } from '@acs/api-types';
import { LatencyWindow } from './latency-window';
import { RateCounter } from './rate-counter';
import type { DashboardSources } from './sources';

/** Seconds of completed requests the latency quantiles are taken over: one second alone is too noisy at low rates. */
export const LATENCY_WINDOW_S = 5;

/**
 * Turns the VIM's counters into one chart point a second. Cheap on purpose, so it can run for the VIM's
 * whole life and a newly opened dashboard finds the last minutes already there: tier 1's totals are O(1),
 * and only the few charted VMs are looked at (the first of ten thousand agents cost the same as of three).
 */
export class SampleBuilder {
  private readonly offered = new RateCounter();
  private readonly served = new RateCounter();
  private readonly errors = new RateCounter();
  private readonly latency = new LatencyWindow(LATENCY_WINDOW_S);

  constructor(
    private readonly sources: DashboardSources,
    /** VMs whose CPU and container count are charted; more would make an unreadable chart anyway. */
    private readonly maxChartVms: number,
  ) {}

  build(): DashboardSample {
    const { cluster, services, traffic } = this.sources;
    const t = this.sources.now();
    const totals = traffic.totals();
    this.latency.push(totals.latencyBuckets);
    const vms: DashboardSample['vms'] = {};
    let charted = 0;
    for (const vm of cluster.all()) {
      if (charted >= this.maxChartVms) break;
      if (vm.status !== 'ready') continue;
      charted++;
      let live = 0;
      for (const c of vm.containers) if (c.state !== 'exited') live++;
      vms[vm.id] = { cpuPct: vm.host?.cpuPct ?? null, containers: live };
    }
    const replicas = { desired: 0, ready: 0, starting: 0 };
    for (const s of services.list()) {
      replicas.desired += s.desired;
      replicas.ready += s.ready;
      replicas.starting += s.starting;
    }
    return {
      t,
      offeredRps: this.offered.next(traffic.arrivalsTotal, t),
      servedRps: this.served.next(totals.served, t),
      errorRps: this.errors.next(totals.errors, t),
      latencyMs: this.latency.quantiles(),
      replicas,
      vms,
    };
  }
}
