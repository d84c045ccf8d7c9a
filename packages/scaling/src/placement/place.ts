import { exclusionOf } from './eligibility';
import { compareKeys, vmLoad } from './load';
import { createPlacementStrategy } from './registry';
import { DEFAULT_PLACEMENT_SETTINGS } from './settings';
import type {
  EligibleCandidate,
  ExcludedCandidate,
  PlacementRequest,
  PlacementResult,
  PlacementSettings,
  PlacementSnapshot,
  PlacementVm,
} from './types';

/**
 * Which VM gets the next container of `request.service`. Never throws for lack of room: no eligible VM is
 * an ordinary outcome (`winner` undefined) that the reconcile loop logs as `insufficient-capacity`, with
 * `candidates` saying why each VM was passed over. The snapshot is not modified.
 */
export function place(
  snapshot: PlacementSnapshot,
  request: PlacementRequest,
  settings: Readonly<PlacementSettings> = DEFAULT_PLACEMENT_SETTINGS,
): PlacementResult {
  checkCpus(request.cpus);
  const strategy = createPlacementStrategy(settings.strategy);
  const avoid = new Set(request.avoid);
  const eligible: Array<{ vmId: string; key: readonly number[] }> = [];
  const excluded: ExcludedCandidate[] = [];
  for (const vm of snapshot) {
    const load = vmLoad(vm, request.service);
    const exclusion = exclusionOf(load, request.cpus, avoid, settings);
    if (exclusion) excluded.push({ vmId: vm.id, eligible: false, ...exclusion });
    else eligible.push({ vmId: vm.id, key: strategy.placementKey(load, request.cpus) });
  }
  eligible.sort((a, b) => compareKeys(a.key, a.vmId, b.key, b.vmId));
  const ranked = eligible.map(
    ({ vmId, key }, i): EligibleCandidate => ({ vmId, eligible: true, score: key[0] ?? 0, rank: i + 1 }),
  );
  return { strategy: strategy.name, winner: ranked[0]?.vmId, candidates: [...ranked, ...excluded] };
}

export interface MultiPlacementResult {
  /** The VM for each container placed, in order; a VM appears once per container it gets. */
  winners: string[];
  /**
   * One result per attempt, for the event log. When some containers could not be placed, the last result
   * has no winner and says why; the attempts stop there, since nothing would change for the rest.
   */
  placements: PlacementResult[];
  /** How many of the requested containers found no VM. */
  unplaced: number;
}

/**
 * Places `count` containers one at a time, counting each one as a starting container on its VM before
 * placing the next, so spread spreads them, binpack stops at a full VM and capacity limits hold for the
 * whole step. Reported host CPU is left as it was: what a new container will cost is not known yet.
 */
export function placeMany(
  snapshot: PlacementSnapshot,
  request: PlacementRequest,
  count: number,
  settings: Readonly<PlacementSettings> = DEFAULT_PLACEMENT_SETTINGS,
): MultiPlacementResult {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  let vms: PlacementVm[] = [...snapshot];
  const winners: string[] = [];
  const placements: PlacementResult[] = [];
  for (let i = 0; i < count; i++) {
    const result = place(vms, request, settings);
    placements.push(result);
    const winner = result.winner;
    if (winner === undefined) break;
    winners.push(winner);
    const planned = { id: `(planned ${i + 1})`, service: request.service, cpus: request.cpus, state: 'starting' } as const;
    vms = vms.map((vm) => (vm.id === winner ? { ...vm, containers: [...vm.containers, planned] } : vm));
  }
  return { winners, placements, unplaced: count - winners.length };
}

function checkCpus(cpus: number): void {
  if (!Number.isFinite(cpus) || cpus < 0) {
    throw new RangeError(`request cpus must be a non-negative number of cores, got ${cpus}`);
  }
}
