import { eligible } from '../backends';
import type { Backend, BalancingPolicy } from '../types';

/**
 * NGINX's smooth weighted round robin: weights {a:5, b:1, c:1} give a a b a c a a, interleaving the light
 * backends instead of sending a five in a row. State is keyed by backend id, not position, so a backend
 * joining, leaving or the list being reordered leaves everyone else's place in the cycle intact.
 */
export class WeightedRoundRobinPolicy implements BalancingPolicy {
  readonly name = 'weighted-round-robin';
  private current = new Map<string, number>();

  pick(backends: readonly Backend[]): Backend | undefined {
    const live = eligible(backends);
    if (live.length === 0) return undefined;
    // Rebuilt from the live list on every pick, which also forgets backends that left: memory stays
    // bounded however much the fleet churns, and one that comes back starts neutral at 0.
    const next = new Map<string, number>();
    let total = 0;
    let best: Backend | undefined;
    let bestCurrent = -Infinity;
    for (const backend of live) {
      const current = (this.current.get(backend.id) ?? 0) + backend.weight;
      next.set(backend.id, current);
      total += backend.weight;
      // Strictly greater, as in NGINX: the first of equal maxima wins, which makes the sequence exact.
      if (current > bestCurrent) {
        best = backend;
        bestCurrent = current;
      }
    }
    if (best === undefined) return undefined;
    next.set(best.id, bestCurrent - total);
    this.current = next;
    return best;
  }
}
