import { eligible } from '../backends';
import { keyState, pairHash01 } from '../hash';
import type { Backend, BalancingPolicy, PickContext } from '../types';
import { pickTwoChoices } from './p2c';

/**
 * Client affinity by weighted rendezvous (highest random weight) hashing: every backend gets a score
 * from hash(client, backend) and the highest wins. Unlike `hash % n`, adding a backend to n moves only
 * the ~1/(n+1) of clients that now score highest on it, and removing one moves only its own clients;
 * everyone else keeps their backend (and whatever session state it holds).
 *
 * score = -weight / ln(u) with u uniform in (0,1) makes each backend win with probability weight / total.
 * The hash is fixed and seedless, so a restarted balancer routes every client exactly as before.
 */
export class IpHashPolicy implements BalancingPolicy {
  readonly name = 'ip-hash';

  pick(backends: readonly Backend[], context: PickContext): Backend | undefined {
    const live = eligible(backends);
    // An empty key is no identity at all: hashing it would pin every such client onto one backend.
    if (context.clientKey === undefined || context.clientKey === '') return pickTwoChoices(live, context.random);
    const state = keyState(context.clientKey);
    let best: Backend | undefined;
    let bestScore = -Infinity;
    for (const backend of live) {
      const score = -backend.weight / Math.log(pairHash01(state, backend.id));
      // An exact tie is settled by id, not list position, so the answer does not depend on list order.
      if (score > bestScore || (score === bestScore && best !== undefined && backend.id < best.id)) {
        best = backend;
        bestScore = score;
      }
    }
    return best;
  }
}
