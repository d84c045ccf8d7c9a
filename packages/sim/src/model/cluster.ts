import type { ContainerMetrics, PlacementSnapshot, PlacementVm } from '@acs/scaling';
import { SimContainer } from './container';

/** The simulated cluster runs one service, as the lab does. */
export const SERVICE = 'web';

export interface SimVm {
  readonly id: string;
  readonly cpus: number;
  readonly maxContainers: number;
  /** Live containers (starting, ready, draining), in creation order. */
  containers: SimContainer[];
  /** Busy share of the VM's cores at the last report, as the VMM's host sampler would see it. */
  hostCpuPct: number | undefined;
}

export interface ClusterShape {
  vms: number;
  vmCpus: number;
  maxContainersPerVm: number;
  containerCpus: number;
  workMs: number;
}

/**
 * VMs and their containers, and the two views the VIM builds of them before deciding: the recommender's
 * metrics snapshot and placement's snapshot. The mapping copies vim/src/scaling/snapshots.ts field by
 * field, so the pure functions see what they would see in the VIM.
 */
export class Cluster {
  readonly vms: SimVm[];
  /** Every container ever started, stopped ones included, in creation order (for the run's record). */
  readonly everStarted: SimContainer[] = [];
  private live: SimContainer[] = [];
  private readonly byId = new Map<string, SimVm>();

  constructor(private readonly shape: ClusterShape) {
    const width = String(shape.vms).length;
    this.vms = Array.from({ length: shape.vms }, (_, i) => ({
      id: `vm${String(i + 1).padStart(width, '0')}`,
      cpus: shape.vmCpus,
      maxContainers: shape.maxContainersPerVm,
      containers: [],
      hostCpuPct: undefined,
    }));
    for (const vm of this.vms) this.byId.set(vm.id, vm);
  }

  /** Live containers in creation order. */
  get containers(): readonly SimContainer[] {
    return this.live;
  }

  start(vmId: string, now: number, readyAt: number): SimContainer {
    const vm = this.byId.get(vmId);
    if (vm === undefined) throw new Error(`internal: placement chose unknown VM ${vmId}`);
    const seq = this.everStarted.length + 1;
    // Zero-padded, so id order (placement's last tie-break) is creation order.
    const c = new SimContainer(seq, `c${String(seq).padStart(6, '0')}`, vmId, this.shape.containerCpus, this.shape.workMs, now, readyAt);
    vm.containers.push(c);
    this.live.push(c);
    this.everStarted.push(c);
    return c;
  }

  /** Removes stopped containers; returns how many went. */
  removeStopped(): number {
    const before = this.live.length;
    this.live = this.live.filter((c) => c.stoppedAt === null);
    for (const vm of this.vms) vm.containers = vm.containers.filter((c) => c.stoppedAt === null);
    return before - this.live.length;
  }

  /** One round of VMM reports: every container sampled, and each VM's host CPU from its containers. */
  report(now: number): void {
    for (const vm of this.vms) {
      let busyCores = 0;
      for (const c of vm.containers) {
        c.report(now);
        busyCores += (c.cpuPct / 100) * c.cpus;
      }
      vm.hostCpuPct = (100 * busyCores) / vm.cpus;
    }
  }

  /**
   * vim scalingContainers(): non-draining containers with their last report; rps only once known. In-flight
   * is every request the container has accepted, waiting ones included: what the VIM gets by adding a share
   * of tier 2's queue, which the simulator folds into each container's own.
   */
  scalingContainers(): ContainerMetrics[] {
    const out: ContainerMetrics[] = [];
    for (const c of this.live) {
      if (c.state === 'draining') continue;
      const metrics: ContainerMetrics['metrics'] = { cpu: c.cpuPct, inflight: c.inflight };
      if (c.rps !== undefined) metrics.rps = c.rps;
      out.push({ id: c.id, ready: c.state === 'ready', starting: c.state === 'starting', metrics });
    }
    return out;
  }

  /**
   * vim placementSnapshot(): every VM ready and not draining (the simulator has no VM failures), with
   * every container. One difference: `startedAt` is filled in, which the VIM leaves out, so the
   * newest-first scale-in rule of chooseVictims works as its README describes.
   */
  placementSnapshot(): PlacementSnapshot {
    return this.vms.map(
      (vm): PlacementVm => ({
        id: vm.id,
        status: 'ready',
        draining: false,
        maxContainers: vm.maxContainers,
        cpuCapacity: vm.cpus,
        hostCpuPct: vm.hostCpuPct,
        containers: vm.containers.map((c) => ({ id: c.id, service: SERVICE, cpus: c.cpus, state: c.state, inflight: c.inflight, startedAt: c.startedAt })),
      }),
    );
  }

  byState(): { starting: number; ready: number; draining: number; total: number } {
    let starting = 0;
    let ready = 0;
    let draining = 0;
    for (const c of this.live) {
      if (c.state === 'starting') starting++;
      else if (c.state === 'ready') ready++;
      else draining++;
    }
    return { starting, ready, draining, total: this.live.length };
  }
}
