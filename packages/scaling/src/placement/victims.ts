import { canStopOn, compareKeys, compareNewestFirst, compareStopOrder, vmLoad } from './load';
import { MinHeap } from './min-heap';
import { createPlacementStrategy } from './registry';
import { DEFAULT_PLACEMENT_STRATEGY } from './settings';
import type { PlacementContainer, PlacementSnapshot, PlacementStrategyName, PlacementVm, VictimPick } from './types';

/**
 * Which `count` containers of `service` to stop when scaling in, in the order to stop them (fewer when
 * there are not that many). Only containers the reconcile loop counts as replicas are candidates: starting
 * or ready ones on ready, non-draining VMs (see `countServiceReplicas`). Draining containers are already
 * going; containers on draining or down VMs are handled by `releasableFromDrainingVms` and by placing
 * replacements. Containers on a VM whose Docker Engine is down are left until it answers again: the stop
 * could not run there (see `canStopOn`).
 *
 * Containers still starting go first, newest first: they serve nothing yet and are the cheapest to lose.
 * Then the strategy picks a VM, and within it the container with the fewest requests in flight (then the
 * newest). The VM is chosen afresh after each pick, so a spread service stays spread as it shrinks.
 */
export function chooseVictims(
  snapshot: PlacementSnapshot,
  service: string,
  count: number,
  strategyName: PlacementStrategyName = DEFAULT_PLACEMENT_STRATEGY,
): VictimPick[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const strategy = createPlacementStrategy(strategyName);
  const picks: VictimPick[] = [];
  const chosen = new Set<string>();
  const usable = snapshot.filter((vm) => vm.status === 'ready' && !vm.draining && canStopOn(vm));

  const starting = usable
    .flatMap((vm) => ofService(vm, service).filter((c) => c.state === 'starting').map((container) => ({ vm, container })))
    .sort((a, b) => compareNewestFirst(a.container, b.container));
  for (const { vm, container } of starting) {
    if (picks.length >= count) return picks;
    picks.push({ containerId: container.id, vmId: vm.id, reason: 'starting' });
    chosen.add(container.id);
  }

  // Each VM with candidates left sits in a heap by the strategy's key, computed from a view without the
  // containers chosen so far. Only the VM just picked from changes, so only it is re-keyed and put back:
  // the VM order is re-evaluated after every pick, as a scan over all VMs would, at O(log VMs) a pick.
  const byKey = new MinHeap<VictimSource>((a, b) => compareKeys(a.key, a.vm.id, b.key, b.vm.id));
  for (const vm of usable) {
    const view = withoutChosen(vm, chosen);
    const candidates = ofService(view, service).sort(compareStopOrder);
    if (candidates.length > 0) byKey.push({ vm: view, candidates, key: strategy.victimVmKey(vmLoad(view, service)) });
  }
  while (picks.length < count) {
    const source = byKey.pop();
    if (source === undefined) break;
    const victim = source.candidates.shift()!;
    picks.push({ containerId: victim.id, vmId: source.vm.id, reason: strategy.victimReason });
    chosen.add(victim.id);
    if (source.candidates.length === 0) continue;
    const vm = withoutChosen(source.vm, chosen);
    byKey.push({ vm, candidates: source.candidates, key: strategy.victimVmKey(vmLoad(vm, service)) });
  }
  return picks;
}

/** A VM scale-in may still take from: its view without the chosen, its candidates in stop order, its key. */
interface VictimSource {
  vm: PlacementVm;
  candidates: PlacementContainer[];
  key: readonly number[];
}

/** Containers of the service that may still be stopped: draining ones are already on their way. */
function ofService(vm: PlacementVm, service: string): PlacementContainer[] {
  return vm.containers.filter((c) => c.service === service && c.state !== 'draining');
}

function withoutChosen(vm: PlacementVm, chosen: ReadonlySet<string>): PlacementVm {
  return { ...vm, containers: vm.containers.filter((c) => !chosen.has(c.id)) };
}
