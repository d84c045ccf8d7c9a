import { canStopOn, compareKeys, compareNewestFirst, compareStopOrder, vmLoad } from './load';
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

  // Loads are recomputed from a view without the containers chosen so far, which is what re-evaluates
  // the VM order after every pick.
  let remaining = usable.map((vm) => withoutChosen(vm, chosen));
  while (picks.length < count) {
    let best: { vm: PlacementVm; key: readonly number[] } | undefined;
    for (const vm of remaining) {
      if (ofService(vm, service).length === 0) continue;
      const key = strategy.victimVmKey(vmLoad(vm, service));
      if (best === undefined || compareKeys(key, vm.id, best.key, best.vm.id) < 0) best = { vm, key };
    }
    if (best === undefined) break;
    const from = best.vm;
    const victim = ofService(from, service).sort(compareStopOrder)[0];
    if (victim === undefined) break;
    picks.push({ containerId: victim.id, vmId: from.id, reason: strategy.victimReason });
    chosen.add(victim.id);
    remaining = remaining.map((vm) => (vm === from ? withoutChosen(vm, chosen) : vm));
  }
  return picks;
}

/** Containers of the service that may still be stopped: draining ones are already on their way. */
function ofService(vm: PlacementVm, service: string): PlacementContainer[] {
  return vm.containers.filter((c) => c.service === service && c.state !== 'draining');
}

function withoutChosen(vm: PlacementVm, chosen: ReadonlySet<string>): PlacementVm {
  return { ...vm, containers: vm.containers.filter((c) => !chosen.has(c.id)) };
}
