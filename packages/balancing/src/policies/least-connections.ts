import { eligible, loadRatio } from '../backends';
import { Rotation, argminFrom } from '../rotation';
import type { Backend, BalancingPolicy } from '../types';

/**
 * Fewest requests in flight. Ties go first to the backend with more capacity per request, then rotate:
 * a burst arriving while everything is idle (all inflight 0) must not all land on the first backend
 * before any of them has been counted.
 */
export class LeastConnectionsPolicy implements BalancingPolicy {
  readonly name = 'least-connections';
  private readonly rotation = new Rotation();

  pick(backends: readonly Backend[]): Backend | undefined {
    const live = eligible(backends);
    if (live.length === 0) return undefined;
    const index = argminFrom(live, this.rotation.start(live), compare);
    this.rotation.record(live, index);
    return live[index];
  }
}

function compare(a: Backend, b: Backend): number {
  return a.inflight - b.inflight || loadRatio(a) - loadRatio(b);
}
