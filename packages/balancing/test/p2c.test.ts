import { createPolicy } from '../src';
import { backends, context, sequence, tally } from './helpers';

describe('p2c (power of two choices)', () => {
  it('spreads 10,000 picks over equal backends evenly (each within ±10% of the mean)', () => {
    const counts = tally(createPolicy('p2c'), backends({ a: 1, b: 1, c: 1, d: 1, e: 1 }), 10_000, context(2024));
    expect(Object.keys(counts).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const n of Object.values(counts)) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it('prefers the idle backend and never picks the single busiest', () => {
    const list = [
      { id: 'idle', inflight: 0, weight: 1 },
      { id: 'busy', inflight: 5, weight: 1 },
      { id: 'busiest', inflight: 10, weight: 1 },
    ];
    const counts = tally(createPolicy('p2c'), list, 3000, context(5));
    // idle wins every pair it is drawn into: 2 of the 3 possible pairs.
    expect(counts.idle! / 3000).toBeCloseTo(2 / 3, 1);
    expect(counts.busiest).toBeUndefined();
  });

  it('with two backends always compares both, so always takes the less loaded', () => {
    const list = [
      { id: 'a', inflight: 3, weight: 1 },
      { id: 'b', inflight: 2, weight: 1 },
    ];
    expect(new Set(sequence(createPolicy('p2c'), list, 100, context(8)))).toEqual(new Set(['b']));
  });

  it('respects weight: at equal inflight the weight-2 backend gets more', () => {
    const list = [
      { id: 'double', inflight: 1, weight: 2 },
      { id: 'x', inflight: 1, weight: 1 },
      { id: 'y', inflight: 1, weight: 1 },
    ];
    const counts = tally(createPolicy('p2c'), list, 3000, context(11));
    expect(counts.double).toBeGreaterThan(counts.x! + counts.y!);
  });

  it('compares load per capacity: 2 inflight on weight 2 beats 2 inflight on weight 1', () => {
    const list = [
      { id: 'small', inflight: 2, weight: 1 },
      { id: 'large', inflight: 2, weight: 2 },
    ];
    expect(createPolicy('p2c').pick(list, context(3))?.id).toBe('large');
  });

  it('at equal load per capacity, prefers the larger backend', () => {
    const list = [
      { id: 'small', inflight: 1, weight: 1 },
      { id: 'large', inflight: 2, weight: 2 },
    ];
    expect(new Set(sequence(createPolicy('p2c'), list, 50, context(4)))).toEqual(new Set(['large']));
  });

  it('survives a random source that returns exactly 1 or 0', () => {
    const list = backends({ a: 1, b: 1, c: 1 });
    expect(createPolicy('p2c').pick(list, { random: () => 1 })).toBeDefined();
    expect(createPolicy('p2c').pick(list, { random: () => 0 })).toBeDefined();
  });

  it('is deterministic for a fixed seed', () => {
    const list = backends({ a: 1, b: 1, c: 1, d: 1 });
    expect(sequence(createPolicy('p2c'), list, 50, context(77))).toEqual(sequence(createPolicy('p2c'), list, 50, context(77)));
  });
});
