import { eligible } from '../backends';
import { Rotation } from '../rotation';
import type { Backend, BalancingPolicy } from '../types';

/**
 * Each backend in turn, in the caller's order. The cursor survives the list changing (see `Rotation`),
 * so a VM joining or leaving does not send the next request back to the first backend every time.
 */
export class RoundRobinPolicy implements BalancingPolicy {
  readonly name = 'round-robin';
  private readonly rotation = new Rotation();

  pick(backends: readonly Backend[]): Backend | undefined {
    const live = eligible(backends);
    if (live.length === 0) return undefined;
    const index = this.rotation.start(live);
    this.rotation.record(live, index);
    return live[index];
  }
}
