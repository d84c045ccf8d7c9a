import { eligible, loadRatio } from '../backends';
import { Rotation, pickRotating } from '../rotation';
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
    return pickRotating(this.rotation, eligible(backends), compare);
  }
}

function compare(a: Backend, b: Backend): number {
  return a.inflight - b.inflight || loadRatio(a) - loadRatio(b);
}
