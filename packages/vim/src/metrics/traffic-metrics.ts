import type { ContainerReport } from '@acs/protocol';
import type { ClusterState } from '../cluster-state';
import type { Tier1Front } from '../traffic/tier1-front';
import { histogramSeries, type CollectedMetrics, type SeriesValue } from './collected-metric';
import { collectedCounter, collectedGauge, type Series } from './collected-series';

const MS = 0.001;

/**
 * Both tiers' request metrics, read at scrape time. Tier 1 from Tier1Front's per-VM counters (every VM
 * the VIM has seen, down ones included, so counters never vanish mid-life); tier 2 from the containers
 * the VMMs last reported, on VMs that are up.
 */
export function registerTrafficMetrics(metrics: CollectedMetrics, cluster: ClusterState, traffic: Tier1Front): void {
  const perVm = (value: (vmId: string) => number) =>
    function* (): Generator<Series<'vm'>> {
      for (const vm of cluster.all()) yield [{ vm: vm.id }, value(vm.id)];
    };
  collectedCounter(metrics, {
    name: 'acs_tier1_arrivals_total',
    help: 'Requests that reached the tier-1 front, including those answered 503 for want of a ready VM.',
    labelNames: [],
    read: () => [[{}, traffic.arrivalsTotal]],
  });
  collectedCounter(metrics, {
    name: 'acs_tier1_requests_total',
    help: 'Requests tier 1 forwarded to each VM (retries on another VM count again).',
    labelNames: ['vm'],
    read: perVm((id) => traffic.requestCounts(id).requests),
  });
  collectedCounter(metrics, {
    name: 'acs_tier1_request_errors_total',
    help: 'Requests tier 1 forwarded to each VM that failed: connect error, timeout or 5xx.',
    labelNames: ['vm'],
    read: perVm((id) => traffic.requestCounts(id).errors),
  });
  collectedGauge(metrics, {
    name: 'acs_tier1_requests_in_flight',
    help: 'Requests tier 1 has forwarded to each VM and not yet seen answered.',
    labelNames: ['vm'],
    read: perVm((id) => traffic.requestCounts(id).inflight),
  });
  metrics.add({
    name: 'acs_tier1_request_duration_seconds',
    help: 'Time to a complete response through each VM, successful requests only.',
    type: 'histogram',
    read: () => [...cluster.all()].flatMap((vm) => histogramSeries('acs_tier1_request_duration_seconds', { vm: vm.id }, traffic.latencyCounts(vm.id), MS)),
  });
  registerTier2Metrics(metrics, cluster);
}

type ContainerLabel = 'vm' | 'container' | 'service';

/** The containers of VMs that are up, with the labels every tier-2 series carries. */
function* liveContainers(cluster: ClusterState): Generator<{ labels: Record<ContainerLabel, string>; report: ContainerReport }> {
  for (const vm of cluster.all()) {
    if (vm.status !== 'ready') continue;
    for (const c of vm.containers) if (c.state !== 'exited') yield { labels: { vm: vm.id, container: c.name, service: c.service }, report: c };
  }
}

function registerTier2Metrics(metrics: CollectedMetrics, cluster: ClusterState): void {
  const labelNames = ['vm', 'container', 'service'] as const;
  const perContainer = (value: (report: ContainerReport) => number | undefined) =>
    function* (): Generator<Series<ContainerLabel>> {
      for (const { labels, report } of liveContainers(cluster)) {
        const v = value(report);
        if (v !== undefined) yield [labels, v];
      }
    };
  collectedCounter(metrics, {
    name: 'acs_tier2_requests_total',
    help: 'Requests each container has served, as its VMM last reported.',
    labelNames,
    read: perContainer((r) => r.requestsTotal),
  });
  collectedCounter(metrics, {
    name: 'acs_tier2_request_errors_total',
    help: 'Tier-2 attempts to each container that failed (connect error, timeout, 5xx), as its VMM last reported.',
    labelNames,
    // Older agents do not report it: no series rather than a made-up zero.
    read: perContainer((r) => r.errorsTotal),
  });
  collectedGauge(metrics, {
    name: 'acs_tier2_requests_in_flight',
    help: 'Requests in flight at each container, as its VMM last reported.',
    labelNames,
    read: perContainer((r) => r.inflight),
  });
  collectedGauge(metrics, {
    name: 'acs_tier2_in_flight_limit',
    help: "Requests tier 2 lets each container have in flight (fixed, or learned under 'auto'), as its VMM last reported.",
    labelNames,
    read: perContainer((r) => r.inflightLimit),
  });
  collectedGauge(metrics, {
    name: 'acs_tier2_queued_requests',
    help: "Requests waiting in each VM's tier-2 queue for a free container, as its VMM last reported.",
    labelNames: ['vm'],
    read: function* () {
      // Agents older than the count do not report it: no series rather than a made-up zero.
      for (const vm of cluster.all()) if (vm.status === 'ready' && vm.queued !== null) yield [{ vm: vm.id }, vm.queued];
    },
  });
  metrics.add({
    name: 'acs_tier2_request_duration_seconds',
    help: "Tier-2 time to a complete response from each container over the VMM's last report interval (successful requests).",
    type: 'summary',
    read: () => {
      const lines: SeriesValue[] = [];
      for (const { labels, report } of liveContainers(cluster)) {
        const latency = report.latencyMs;
        // No request in the interval: no quantile to state, rather than a made-up zero.
        if (latency === undefined || latency.count === 0) continue;
        lines.push({ metricName: 'acs_tier2_request_duration_seconds', labels: { ...labels, quantile: '0.5' }, value: latency.p50 * MS });
        lines.push({ metricName: 'acs_tier2_request_duration_seconds', labels: { ...labels, quantile: '0.99' }, value: latency.p99 * MS });
      }
      return lines;
    },
  });
}
