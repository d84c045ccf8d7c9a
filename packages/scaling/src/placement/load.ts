import type { PlacementContainer, PlacementVm, PlacementVmLoad } from './types';

export function vmLoad(vm: PlacementVm, service: string): PlacementVmLoad {
  let serviceContainers = 0;
  let totalContainers = 0;
  let committedCpus = 0;
  for (const c of vm.containers) {
    committedCpus += cpusOf(c);
    if (c.state === 'draining') continue;
    totalContainers++;
    if (c.service === service) serviceContainers++;
  }
  return { vm, serviceContainers, totalContainers, committedCpus, hostCpuPct: knownCpu(vm.hostCpuPct) };
}

/**
 * Whether a stop sent to the VM now could run: its runtime answers (unknown counts as yes). A stop sent to
 * a VM whose Docker Engine is down would drain the container and then fail, leaving it out of rotation.
 */
export function canStopOn(vm: PlacementVm): boolean {
  return vm.dockerUp !== false;
}

export function cpusOf(c: PlacementContainer): number {
  // A limit that is not a positive number cannot be enforced, so it commits nothing.
  return Number.isFinite(c.cpus) && c.cpus > 0 ? c.cpus : 0;
}

/** NaN would make every comparison false and freeze the choice, so it counts as unknown. */
export function knownCpu(pct: number | undefined): number | undefined {
  return pct === undefined || Number.isNaN(pct) ? undefined : pct;
}

/** Element-by-element, lower first; then the id, compared by code unit so the order never depends on locale. */
export function compareKeys(a: readonly number[], aId: string, b: readonly number[], bId: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return compareIds(aId, bId);
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The container to stop first among several: fewest requests in flight (the drain ends soonest), then the
 * newest, as Kubernetes' ReplicaSet does (its caches are the coldest and it has proven the least), then id.
 * Unknown start times count as oldest.
 */
export function compareStopOrder(a: PlacementContainer, b: PlacementContainer): number {
  return (a.inflight ?? 0) - (b.inflight ?? 0) || compareNewestFirst(a, b);
}

export function compareNewestFirst(a: PlacementContainer, b: PlacementContainer): number {
  return (b.startedAt ?? -Infinity) - (a.startedAt ?? -Infinity) || compareIds(a.id, b.id);
}

/** Share of the VM's cores its containers' limits would commit with `extraCpus` more; a VM with no cores is full. */
export function committedShare(load: PlacementVmLoad, extraCpus: number): number {
  const committed = load.committedCpus + extraCpus;
  if (load.vm.cpuCapacity > 0) return committed / load.vm.cpuCapacity;
  return committed > 0 ? Infinity : 0;
}
