import { eligible, loadRatio, randomIndex } from '../backends';
import type { Backend, BalancingPolicy, PickContext } from '../types';

/**
 * Power of two random choices: sample two distinct backends, keep the less loaded. Nearly as good as
 * least-connections at avoiding hot spots, but it needs no global minimum, so several balancers with
 * slightly stale counts do not all stampede onto the same "least" backend.
 */
export class PowerOfTwoChoicesPolicy implements BalancingPolicy {
  readonly name = 'p2c';

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    return pickTwoChoices(eligible(backends), context.random);
  }
}

/** Shared with ip-hash, which falls back to it for requests that carry no client key. */
export function pickTwoChoices(live: readonly Backend[], random: () => number): Backend | undefined {
  const n = live.length;
  if (n <= 1) return live[0];
  const i = randomIndex(random, n);
  // Drawing from n-1 and skipping i gives a distinct second choice in one draw, with no retry loop.
  let j = randomIndex(random, n - 1);
  if (j >= i) j++;
  const a = live[i]!;
  const b = live[j]!;
  const byLoad = loadRatio(a) - loadRatio(b);
  if (byLoad !== 0) return byLoad < 0 ? a : b;
  // Equal load per capacity: the bigger backend has more headroom in absolute terms. Beyond that either
  // will do, and `a` is already a uniformly random one.
  return b.weight > a.weight ? b : a;
}
