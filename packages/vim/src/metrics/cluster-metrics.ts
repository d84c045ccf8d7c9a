import { Gauge, type Registry } from 'prom-client';
import type { ClusterState } from '../cluster-state';
import type { ServicesReader } from './services-reader';

/** Agents' liveness and report age, per VM, read at scrape time from the cluster view. */
export function registerAgentMetrics(registry: Registry, cluster: ClusterState, now: () => number): void {
  const registers = [registry];
  const up = new Gauge({
    name: 'acs_agent_up',
    help: "1 while the VM's agent has a live session with the VIM, 0 once it is down.",
    labelNames: ['vm'],
    registers,
    collect: () => {
      up.reset();
      for (const vm of cluster.all()) up.set({ vm: vm.id }, vm.status === 'ready' ? 1 : 0);
    },
  });
  const reportAge = new Gauge({
    name: 'acs_agent_report_age_seconds',
    help: "Seconds since the VM's agent last reported; only VMs that are up and have reported.",
    labelNames: ['vm'],
    registers,
    collect: () => {
      reportAge.reset();
      const t = now();
      for (const vm of cluster.all()) if (vm.status === 'ready' && vm.lastReportAt !== null) reportAge.set({ vm: vm.id }, Math.max(0, t - vm.lastReportAt) / 1000);
    },
  });
}

/** Each service's replicas by state and its desired count and bounds, from the controllers' views. */
export function registerServiceMetrics(registry: Registry, services: ServicesReader): void {
  const registers = [registry];
  const replicas = new Gauge({
    name: 'acs_service_replicas',
    help: 'Containers of each service by state: ready (serving), starting (not ready yet), draining (being stopped).',
    labelNames: ['service', 'state'],
    registers,
    collect: () => {
      replicas.reset();
      for (const s of services.list()) {
        replicas.set({ service: s.name, state: 'ready' }, s.ready);
        replicas.set({ service: s.name, state: 'starting' }, s.starting);
        replicas.set({ service: s.name, state: 'draining' }, s.draining);
      }
    },
  });
  const desired = new Gauge({
    name: 'acs_service_desired_replicas',
    help: "The number of containers each service's control loop is steering towards.",
    labelNames: ['service'],
    registers,
    collect: () => {
      desired.reset();
      for (const s of services.list()) desired.set({ service: s.name }, s.desired);
    },
  });
  const bounds = new Gauge({
    name: 'acs_service_replica_bounds',
    help: "Each service's policy bounds on its count (bound: min, max).",
    labelNames: ['service', 'bound'],
    registers,
    collect: () => {
      bounds.reset();
      for (const s of services.list()) {
        bounds.set({ service: s.name, bound: 'min' }, s.minReplicas);
        bounds.set({ service: s.name, bound: 'max' }, s.maxReplicas);
      }
    },
  });
  const autoscale = new Gauge({
    name: 'acs_service_autoscale_enabled',
    help: '1 while the autoscaler sets the count, 0 while it is pinned by hand.',
    labelNames: ['service'],
    registers,
    collect: () => {
      autoscale.reset();
      for (const s of services.list()) autoscale.set({ service: s.name }, s.autoscale ? 1 : 0);
    },
  });
}
