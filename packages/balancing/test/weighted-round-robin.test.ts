import { createPolicy } from '../src';
import { backends, sequence, tally } from './helpers';

describe('weighted-round-robin (smooth, as in NGINX)', () => {
  it('produces the classic sequence for {a:5, b:1, c:1}, cycle after cycle', () => {
    const cycle = ['a', 'a', 'b', 'a', 'c', 'a', 'a'];
    expect(sequence(createPolicy('weighted-round-robin'), backends({ a: 5, b: 1, c: 1 }), 21)).toEqual([...cycle, ...cycle, ...cycle]);
  });

  it.each<{ weights: Record<string, number>; cycles: number }>([
    { weights: { a: 1, b: 1, c: 2 }, cycles: 1000 },
    { weights: { a: 3, b: 2, c: 1, d: 4 }, cycles: 250 },
  ])('gives exactly weight × cycles picks each for $weights', ({ weights, cycles }) => {
    const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
    const expected = Object.fromEntries(Object.entries(weights).map(([id, w]) => [id, w * cycles]));
    expect(tally(createPolicy('weighted-round-robin'), backends(weights), total * cycles)).toEqual(expected);
  });

  it('never runs one backend back to back when weights allow interleaving', () => {
    const picks = sequence(createPolicy('weighted-round-robin'), backends({ a: 2, b: 2, c: 2 }), 60);
    expect(picks.some((id, i) => i > 0 && picks[i - 1] === id)).toBe(false);
  });

  it('keeps the survivors’ state when a backend leaves and the list is reordered', () => {
    const policy = createPolicy('weighted-round-robin');
    expect(sequence(policy, backends({ a: 5, b: 1, c: 1 }), 3)).toEqual(['a', 'a', 'b']);
    // Current weights are now a=1, b=-4: b just had its turn, so a must run five times before b again.
    // (Keyed by position, b would inherit a's state; reset, b would come back at the third pick.)
    expect(sequence(policy, backends({ b: 1, a: 5 }), 6)).toEqual(['a', 'a', 'a', 'a', 'a', 'b']);
  });

  it('lets a joining backend into the rotation in proportion to its weight', () => {
    const policy = createPolicy('weighted-round-robin');
    sequence(policy, backends({ a: 5, b: 1, c: 1 }), 4);
    const counts = tally(policy, backends({ a: 5, b: 1, c: 1, d: 3 }), 1000);
    // 100 full cycles of total weight 10; the leftover state from before the join shifts at most one pick.
    for (const [id, w] of Object.entries({ a: 5, b: 1, c: 1, d: 3 })) {
      expect(Math.abs(counts[id]! - 100 * w)).toBeLessThanOrEqual(1);
    }
  });
});
