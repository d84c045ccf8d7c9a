import type { DashboardSample } from '@acs/api-types';
import { addBuckets, LatencyWindow, type Buckets } from './latency-window';
import { RateCounter } from './rate-counter';
import type { DashboardSources } from './sources';

/** Seconds of completed requests the latency quantiles are taken over: one second alone is too noisy at low rates. */
export const LATENCY_WINDOW_S = 5;

/**
 * Turns the VIM's counters into one chart point a second. Cheap on purpose (a pass over the VMs, no
 * allocation per container), so it can run for the VIM's whole life and a newly opened dashboard finds
 * the last minutes already there.
 */
export class SampleBuilder {
  private readonly offered = new RateCounter();
  private readonly served = new RateCounter();
  private readonly errors = new RateCounter();
  private readonly latency = new LatencyWindow(LATENCY_WINDOW_S);

  constructor(
    private readonly sources: DashboardSources,
    /** VMs whose CPU and container count are charted; the rest would make an unreadable chart anyway. */
    private readonly maxChartVms: number,
  ) {}

  build(): DashboardSample {
    const { cluster, services, traffic } = this.sources;
    const t = this.sources.now();
    let completedOk = 0;
    let failed = 0;
    const buckets: Buckets = {};
    const vms: DashboardSample['vms'] = {};
    let charted = 0;
    for (const vm of cluster.all()) {
      const counters = traffic.traffic(vm.id, t);
      completedOk += counters.requests - counters.inflight - counters.errors;
      failed += counters.errors;
      addBuckets(buckets, traffic.latencyBuckets(vm.id));
      if (vm.status === 'ready' && charted < this.maxChartVms) {
        charted++;
        let live = 0;
        for (const c of vm.containers) if (c.state !== 'exited') live++;
        vms[vm.id] = { cpuPct: vm.host?.cpuPct ?? null, containers: live };
      }
    }
    this.latency.push(buckets);
    const replicas = { desired: 0, ready: 0, starting: 0 };
    for (const s of services.list()) {
      replicas.desired += s.desired;
      replicas.ready += s.ready;
      replicas.starting += s.starting;
    }
    return {
      t,
      offeredRps: this.offered.next(traffic.arrivalsTotal, t),
      servedRps: this.served.next(completedOk, t),
      errorRps: this.errors.next(failed, t),
      latencyMs: this.latency.quantiles(),
      replicas,
      vms,
    };
  }
}
