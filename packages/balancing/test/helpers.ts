import type { Backend, BalancingPolicy, PickContext } from '../src';
import { seededRandom } from '../src';

/** Backends from `{ id: weight }`, idle and with no CPU report. */
export function backends(weights: Record<string, number>): Backend[] {
  return Object.entries(weights).map(([id, weight]) => ({ id, inflight: 0, weight }));
}

/** Deep-frozen, so any attempt by a policy to mutate its input throws in strict-mode code. */
export function frozen(list: readonly Backend[]): readonly Backend[] {
  return Object.freeze(list.map((b) => Object.freeze({ ...b })));
}

export function context(seed = 1, clientKey?: string): PickContext {
  return clientKey === undefined ? { random: seededRandom(seed) } : { random: seededRandom(seed), clientKey };
}

/** The ids of `count` successive picks. */
export function sequence(policy: BalancingPolicy, list: readonly Backend[], count: number, ctx = context()): string[] {
  return Array.from({ length: count }, () => policy.pick(list, ctx)?.id ?? '(none)');
}

/** How often each id was picked in `count` successive picks. */
export function tally(policy: BalancingPolicy, list: readonly Backend[], count: number, ctx = context()): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of sequence(policy, list, count, ctx)) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}

export function clientKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
}
