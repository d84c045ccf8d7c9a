import { eligible, loadRatio } from '../backends';
import { Rotation, pickRotating } from '../rotation';
import type { Backend, BalancingPolicy } from '../types';

/** A backend that has not reported yet is assumed saturated, so it is tried only when nothing better is. */
const UNKNOWN_CPU_PCT = 100;

/**
 * Lowest reported CPU, then lowest inflight per capacity, then rotate. CPU reports are seconds old, so
 * between two reports every request would otherwise pile onto the same momentarily idlest backend; the
 * inflight tie-break and rotation soften that when reports are equal (or all missing).
 */
export class LeastLoadedPolicy implements BalancingPolicy {
  readonly name = 'least-loaded';
  private readonly rotation = new Rotation();

  pick(backends: readonly Backend[]): Backend | undefined {
    return pickRotating(this.rotation, eligible(backends), compare);
  }
}

function cpu(backend: Backend): number {
  // NaN would make every comparison false and freeze the choice, so it counts as unknown too.
  return backend.cpuPct === undefined || Number.isNaN(backend.cpuPct) ? UNKNOWN_CPU_PCT : backend.cpuPct;
}

function compare(a: Backend, b: Backend): number {
  return cpu(a) - cpu(b) || loadRatio(a) - loadRatio(b);
}
