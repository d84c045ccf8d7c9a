import type { DashboardForecast, DashboardSample, DashboardSnapshot, DashboardVm } from '@acs/api-types';
import type { DashboardSources } from './sources';

export interface SnapshotLimits {
  /** VMs listed in the tree; a person reads a screenful, not ten thousand. */
  maxTreeVms: number;
  /** Newest events sent. */
  maxEvents: number;
  /** How far back the forecast chart's observed history reaches, in ms. */
  forecastHistoryMs: number;
}

/** The whole live view at one instant: the latest chart point plus the tree, the forecasts and the last events. */
export function buildSnapshot(sample: DashboardSample, sources: DashboardSources, limits: SnapshotLimits): DashboardSnapshot {
  // One sort (ready first, then by id), and only when someone watches.
  const ordered = [...sources.cluster.all()].sort((a, b) => (a.status === b.status ? a.id.localeCompare(b.id, undefined, { numeric: true }) : a.status === 'ready' ? -1 : 1));
  const vms: DashboardVm[] = ordered.slice(0, limits.maxTreeVms).map((vm) => ({
    id: vm.id,
    status: vm.status,
    draining: sources.services.isDraining(vm.id),
    dockerUp: vm.dockerUp,
    cpuPct: vm.host?.cpuPct ?? null,
    maxContainers: vm.capacity.maxContainers,
    requestsPerSecond: sources.traffic.traffic(vm.id, sample.t).requestsPerSecond,
    queued: vm.status === 'down' ? null : vm.queued,
    containers: vm.status === 'down' ? [] : vm.containers.map((c) => ({ id: c.id, name: c.name, service: c.service, state: c.state, ready: c.ready, draining: c.draining, cpuPct: c.cpuPct, inflight: c.inflight })),
  }));
  const services = sources.services.list();
  return {
    sample,
    services,
    vms,
    totalVms: ordered.length,
    forecasts: services.flatMap((s) => forecastOf(s.name, sample.t, sources, limits.forecastHistoryMs)),
    events: sources.events.query({ limit: limits.maxEvents, newestFirst: true }).events,
  };
}

function forecastOf(service: string, now: number, sources: DashboardSources, historyMs: number): DashboardForecast[] {
  if (sources.services.policyView(service).predictive?.mode === 'off') return [];
  const view = sources.services.forecastView(service);
  const from = now - historyMs;
  const history = view.history.map((h) => ({ t: Date.parse(h.at), rps: h.rps })).filter((h) => h.t >= from);
  const forecast = view.forecast.map((f) => ({ t: Date.parse(f.at), mean: f.mean, lower: f.lower, upper: f.upper }));
  return [{ service, mode: view.mode, level: view.level, history, forecast }];
}
