import { createPolicy, seededRandom, type Backend } from '../src';
import { backends, context, sequence } from './helpers';

describe('least-connections', () => {
  const ctx = context();

  it.each([
    { name: 'fewest inflight wins', list: [b('a', 3), b('b', 1), b('c', 2)], expected: 'b' },
    { name: 'equal inflight: more capacity wins', list: [b('a', 2, 1), b('b', 2, 4), b('c', 2, 2)], expected: 'b' },
    { name: 'fewer inflight beats more capacity', list: [b('a', 1, 1), b('b', 2, 10)], expected: 'a' },
  ])('$name', ({ list, expected }) => {
    expect(createPolicy('least-connections').pick(list, ctx)?.id).toBe(expected);
  });

  it('spreads exact ties instead of always taking the first', () => {
    // No inflight bookkeeping at all: every pick sees all-zero inflight, and should still rotate.
    expect(sequence(createPolicy('least-connections'), backends({ a: 1, b: 1, c: 1 }), 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('follows dispatch and finish', () => {
    const policy = createPolicy('least-connections');
    const list = backends({ a: 1, b: 1, c: 1 });
    const dispatch = (): string => {
      const chosen = policy.pick(list, ctx)!;
      // The test's own copies stand in for the balancer's counters.
      list.find((x) => x.id === chosen.id)!.inflight++;
      return chosen.id;
    };
    const finish = (id: string): void => {
      list.find((x) => x.id === id)!.inflight--;
    };
    expect([dispatch(), dispatch(), dispatch()]).toEqual(['a', 'b', 'c']);
    finish('b');
    expect(dispatch()).toBe('b');
    finish('c');
    finish('a');
    expect([dispatch(), dispatch()].sort()).toEqual(['a', 'c']);
  });

  it('keeps inflight level under random finishes (max − min ≤ 1 after every dispatch)', () => {
    const policy = createPolicy('least-connections');
    const list = backends({ a: 1, b: 1, c: 1, d: 1 });
    const random = seededRandom(42);
    for (let step = 0; step < 2000; step++) {
      const chosen = policy.pick(list, ctx)!.id;
      list.find((x) => x.id === chosen)!.inflight++;
      const inflights = list.map((x) => x.inflight);
      expect(Math.max(...inflights) - Math.min(...inflights)).toBeLessThanOrEqual(1);
      // Finish a request on a random busy backend about half the time, so load drifts up and down.
      const busy = list.filter((x) => x.inflight > 0);
      if (random() < 0.5 && busy.length > 0) busy[Math.floor(random() * busy.length)]!.inflight--;
    }
  });
});

function b(id: string, inflight: number, weight = 1): Backend {
  return { id, inflight, weight };
}
