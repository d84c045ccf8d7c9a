import type { ContainerReport } from '@acs/protocol';
import type { ContainerMetrics, PlacementSnapshot, PlacementVm } from '@acs/scaling';
import type { VmRecord } from '../cluster-state';

/**
 * Turns the cluster view into the pure snapshots @acs/scaling decides over. Nothing here decides: it
 * only says, for one service, which containers count and what each reported.
 */

/** Per-container rates the VIM derives itself (reports carry cumulative counts). */
export type RateOf = (containerId: string) => number | undefined;

/**
 * The service's containers that can carry traffic or soon will: on ready, non-draining VMs, not draining
 * themselves. Containers on a down or draining VM are left out: they are being replaced, and HPA too
 * counts only pods that exist for the workload.
 *
 * A ready container's `inflight` is its demand, not only what it holds: its own in-flight requests plus
 * its share of the requests waiting in its VM's tier-2 queue. Tier 2 lets each container hold only a few
 * requests and queues the rest, so in-flight alone saturates at that limit however much waits.
 */
export function scalingContainers(vms: Iterable<VmRecord>, service: string, drainingVms: ReadonlySet<string>, rateOf: RateOf): ContainerMetrics[] {
  const out: ContainerMetrics[] = [];
  for (const vm of vms) {
    if (vm.status !== 'ready' || drainingVms.has(vm.id)) continue;
    const share = queueShare(vm);
    for (const c of vm.containers) {
      if (c.service !== service || c.draining || c.state === 'draining' || c.state === 'stopping' || c.state === 'exited') continue;
      const ready = c.ready && c.state === 'running';
      const metrics: ContainerMetrics['metrics'] = { cpu: c.cpuPct, inflight: ready ? c.inflight + share : c.inflight };
      const rps = rateOf(c.id);
      if (rps !== undefined) metrics.rps = rps;
      out.push({ id: c.id, ready, starting: !ready && c.state === 'starting', metrics });
    }
  }
  return out;
}

/**
 * Requests waiting in tier 2 on the VMs where the service has a container in rotation (the VMs
 * scalingContainers counts): the recommender holds a scale-down while any wait. A VM's whole queue counts,
 * since any of its containers, this service's too, may be the one each waiting request gets.
 */
export function queuedFor(vms: Iterable<VmRecord>, service: string, drainingVms: ReadonlySet<string>): number {
  let queued = 0;
  for (const vm of vms) {
    if (vm.status !== 'ready' || drainingVms.has(vm.id) || !vm.queued) continue;
    if (vm.containers.some((c) => c.service === service && inTier2Rotation(c))) queued += vm.queued;
  }
  return queued;
}

/**
 * A VM's tier-2 queue spread evenly over the containers it can go to. The queue is per VM, not per
 * service: the VMM's front hands the next waiting request to whichever container in its rotation frees a
 * slot first, whatever its service (neither tier routes by service), so every container in rotation gets
 * an equal share. 0 without a count (no report yet, or an agent older than the field).
 */
function queueShare(vm: VmRecord): number {
  if (!vm.queued) return 0;
  let serving = 0;
  for (const c of vm.containers) if (inTier2Rotation(c)) serving++;
  return serving === 0 ? 0 : vm.queued / serving;
}

/** What the VMM's front sends requests to (its container manager's rotation). */
function inTier2Rotation(c: ContainerReport): boolean {
  return c.ready && !c.draining && c.state === 'running';
}

/** Every VM the VIM knows, as placement sees them (containers of all services count against capacity). */
export function placementSnapshot(
  vms: Iterable<VmRecord>,
  drainingVms: ReadonlySet<string>,
  cpusOf: (containerId: string) => number,
  /** When the VIM first saw each container: scale-in stops the newest first. */
  startedAtOf: (containerId: string) => number | undefined = () => undefined,
): PlacementSnapshot {
  const out: PlacementVm[] = [];
  for (const vm of vms) {
    out.push({
      id: vm.id,
      status: vm.status,
      draining: drainingVms.has(vm.id),
      // Null (no report yet, or an older agent) is left out: placement counts unknown as up.
      ...(vm.dockerUp === null ? {} : { dockerUp: vm.dockerUp }),
      maxContainers: vm.capacity.maxContainers,
      cpuCapacity: vm.capacity.cpus,
      hostCpuPct: vm.host?.cpuPct,
      containers: vm.containers
        .filter((c) => c.state !== 'exited')
        .map((c) => ({
          id: c.id,
          service: c.service,
          cpus: cpusOf(c.id),
          state: c.draining || c.state === 'draining' || c.state === 'stopping' ? 'draining' : c.ready && c.state === 'running' ? 'ready' : 'starting',
          inflight: c.inflight,
          ...optionalStartedAt(startedAtOf(c.id)),
        })),
    });
  }
  return out;
}

function optionalStartedAt(at: number | undefined): { startedAt?: number } {
  return at === undefined ? {} : { startedAt: at };
}
