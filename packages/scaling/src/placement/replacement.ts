import { canStopOn, compareIds, compareStopOrder } from './load';
import type { PlacementContainer, PlacementSnapshot, PlacementVm } from './types';

/**
 * How the reconcile loop of one service keeps its replicas off draining and down VMs, level-triggered,
 * every round:
 *
 *   counts = countServiceReplicas(snapshot, service)
 *   counts.usable < desired  →  placeMany(snapshot, request, desired − counts.usable)
 *   counts.usable > desired  →  chooseVictims(snapshot, service, counts.usable − desired, strategy)
 *   releasableFromDrainingVms(snapshot, service, desired)  →  drain and stop each one
 *
 * Replicas on draining or down VMs are not `usable`, so `placeMany` starts their replacements with no extra
 * rule, and placement never picks those VMs. A replica on a draining VM keeps serving until enough
 * replacements are ready (make before break); one on a down VM cannot be reached, so it is only replaced.
 * When a down VM comes back its replicas count again, and `chooseVictims` scales in the surplus.
 *
 * A ready VM whose Docker Engine is down is neither down nor draining: its replicas stay `usable` and are
 * not moved (the engine may be back within seconds, and under live restore they keep running), but
 * placement puts nothing new there and no stop is sent to it until the engine answers again.
 */

export type ReplacementReason = 'vm-down' | 'vm-draining';

export interface ReplacementNeed {
  containerId: string;
  vmId: string;
  state: 'starting' | 'ready';
  reason: ReplacementReason;
}

export interface ServiceReplicaCounts {
  /** Ready replicas on ready, non-draining VMs. */
  ready: number;
  /** Starting replicas on ready, non-draining VMs. */
  starting: number;
  /** ready + starting: what the reconcile loop compares with the desired count. */
  usable: number;
  /** Starting or ready replicas on draining VMs, awaiting replacement. */
  onDrainingVms: number;
  /** Starting or ready replicas last seen on VMs that are not ready, awaiting replacement. */
  onDownVms: number;
}

export function countServiceReplicas(snapshot: PlacementSnapshot, service: string): ServiceReplicaCounts {
  const counts = { ready: 0, starting: 0, usable: 0, onDrainingVms: 0, onDownVms: 0 };
  for (const vm of snapshot) {
    const where = placeOf(vm);
    for (const c of live(vm, service)) {
      if (where === 'vm-down') counts.onDownVms++;
      else if (where === 'vm-draining') counts.onDrainingVms++;
      else if (c.state === 'ready') counts.ready++;
      else counts.starting++;
    }
  }
  counts.usable = counts.ready + counts.starting;
  return counts;
}

/** Replicas of `service` on VMs that are down (any status but ready) or draining, down first, then by VM and container id. */
export function containersNeedingReplacement(snapshot: PlacementSnapshot, service: string): ReplacementNeed[] {
  // Down first: those replicas are already lost, while those on draining VMs still serve.
  const downFirst = (n: ReplacementNeed): number => (n.reason === 'vm-down' ? 0 : 1);
  return needsOf(snapshot, service)
    .map(({ need }) => need)
    .sort((a, b) => downFirst(a) - downFirst(b) || compareIds(a.vmId, b.vmId) || compareIds(a.containerId, b.containerId));
}

/**
 * The replicas on draining VMs that can be stopped now, in the order to stop them, without the ready
 * replicas of `service` falling below `desired`: starting ones always (they serve nothing), ready ones as
 * far as ready replacements elsewhere allow, fewest in flight first, then the newest. Replicas on a
 * draining VM whose Docker Engine is down wait until it answers (the stop could not run), and do not count
 * as ready meanwhile.
 */
export function releasableFromDrainingVms(snapshot: PlacementSnapshot, service: string, desired: number): ReplacementNeed[] {
  const stoppable = new Set(snapshot.filter(canStopOn).map((vm) => vm.id));
  const needs = needsOf(snapshot, service)
    .filter(({ need }) => need.reason === 'vm-draining' && stoppable.has(need.vmId))
    .sort((a, b) => compareStopOrder(a.container, b.container));
  const starting = needs.filter(({ need }) => need.state === 'starting');
  const ready = needs.filter(({ need }) => need.state === 'ready');
  const readyElsewhere = countServiceReplicas(snapshot, service).ready;
  const allowed = Math.max(0, Math.min(ready.length, readyElsewhere + ready.length - desired));
  return [...starting, ...ready.slice(0, allowed)].map(({ need }) => need);
}

function needsOf(snapshot: PlacementSnapshot, service: string): Array<{ need: ReplacementNeed; container: LiveContainer }> {
  const out: Array<{ need: ReplacementNeed; container: LiveContainer }> = [];
  for (const vm of snapshot) {
    const reason = placeOf(vm);
    if (reason === undefined) continue;
    for (const c of live(vm, service)) {
      out.push({ need: { containerId: c.id, vmId: vm.id, state: c.state, reason }, container: c });
    }
  }
  return out;
}

function placeOf(vm: PlacementVm): ReplacementReason | undefined {
  if (vm.status !== 'ready') return 'vm-down';
  return vm.draining ? 'vm-draining' : undefined;
}

type LiveContainer = PlacementContainer & { state: 'starting' | 'ready' };

/** Replicas that still count: a draining container is already being stopped and needs no decision. */
function live(vm: PlacementVm, service: string): LiveContainer[] {
  return vm.containers.filter((c): c is LiveContainer => c.service === service && c.state !== 'draining');
}
