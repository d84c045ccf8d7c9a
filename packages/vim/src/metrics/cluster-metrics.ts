import type { ServiceView } from '@acs/api-types';
import type { ClusterState } from '../cluster-state';
import type { CollectedMetrics } from './collected-metric';
import { collectedGauge, type Series } from './collected-series';
import type { ScrapeScope } from './scrape-scope';
import type { ServicesReader } from './services-reader';

/** Agents' liveness and report age, per VM, read at scrape time from the cluster view. */
export function registerAgentMetrics(metrics: CollectedMetrics, cluster: ClusterState, now: () => number): void {
  collectedGauge(metrics, {
    name: 'acs_agent_up',
    help: "1 while the VM's agent has a live session with the VIM, 0 once it is down.",
    labelNames: ['vm'],
    read: () => [...cluster.all()].map((vm) => [{ vm: vm.id }, vm.status === 'ready' ? 1 : 0] as const),
  });
  collectedGauge(metrics, {
    name: 'acs_vm_docker_up',
    help: "1 while the VM's Docker Engine answers its agent, 0 while it does not (the VM takes no new containers); no series while unknown (no report yet, an older agent, or the VM down).",
    labelNames: ['vm'],
    read: function* () {
      for (const vm of cluster.all()) if (vm.status === 'ready' && vm.dockerUp !== null) yield [{ vm: vm.id }, vm.dockerUp ? 1 : 0];
    },
  });
  collectedGauge(metrics, {
    name: 'acs_agent_report_age_seconds',
    help: "Seconds since the VM's agent last reported; only VMs that are up and have reported.",
    labelNames: ['vm'],
    read: function* () {
      const t = now();
      for (const vm of cluster.all()) if (vm.status === 'ready' && vm.lastReportAt !== null) yield [{ vm: vm.id }, Math.max(0, t - vm.lastReportAt) / 1000];
    },
  });
}

/** Each service's replicas by state and its desired count and bounds, from the controllers' views. */
export function registerServiceMetrics(metrics: CollectedMetrics, services: ServicesReader, scope: ScrapeScope): void {
  const views = scope.once(() => services.list());
  /** One series per service, or per service and value of `key` (state, bound). */
  const perService = <K extends string>(key: K, values: (s: ServiceView) => Record<string, number>) =>
    function* (): Generator<Series<'service' | K>> {
      for (const s of views()) for (const [k, v] of Object.entries(values(s))) yield [{ service: s.name, [key]: k } as Record<'service' | K, string>, v];
    };
  const single = (value: (s: ServiceView) => number): (() => Array<Series<'service'>>) => () => views().map((s) => [{ service: s.name }, value(s)] as const);
  collectedGauge(metrics, {
    name: 'acs_service_replicas',
    help: 'Containers of each service by state: ready (serving), starting (not ready yet), draining (being stopped).',
    labelNames: ['service', 'state'],
    read: perService('state', (s) => ({ ready: s.ready, starting: s.starting, draining: s.draining })),
  });
  collectedGauge(metrics, {
    name: 'acs_service_desired_replicas',
    help: "The number of containers each service's control loop is steering towards.",
    labelNames: ['service'],
    read: single((s) => s.desired),
  });
  collectedGauge(metrics, {
    name: 'acs_service_replica_bounds',
    help: "Each service's policy bounds on its count (bound: min, max).",
    labelNames: ['service', 'bound'],
    read: perService('bound', (s) => ({ min: s.minReplicas, max: s.maxReplicas })),
  });
  collectedGauge(metrics, {
    name: 'acs_service_actions_in_progress',
    help: "Each service's scaling batches in progress (ActionLog), by kind (scale-out, scale-in, …): at most one of each.",
    labelNames: ['service', 'action'],
    read: perService('action', (s) => {
      const byKind: Record<string, number> = {};
      for (const a of s.actionsInProgress) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
      return byKind;
    }),
  });
  collectedGauge(metrics, {
    name: 'acs_service_autoscale_enabled',
    help: '1 while the autoscaler sets the count, 0 while it is pinned by hand.',
    labelNames: ['service'],
    read: single((s) => (s.autoscale ? 1 : 0)),
  });
}
