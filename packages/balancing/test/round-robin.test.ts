import { createPolicy } from '../src';
import { backends, sequence, tally } from './helpers';

describe('round-robin', () => {
  it('cycles in the given order', () => {
    expect(sequence(createPolicy('round-robin'), backends({ a: 1, b: 1, c: 1 }), 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('ignores weights other than skipping zero', () => {
    expect(sequence(createPolicy('round-robin'), backends({ a: 5, z: 0, b: 1 }), 4)).toEqual(['a', 'b', 'a', 'b']);
  });

  it.each([1, 10, 333])('picks each of 3 backends exactly n times in 3n picks (n = %i)', (n) => {
    expect(tally(createPolicy('round-robin'), backends({ a: 1, b: 1, c: 1 }), 3 * n)).toEqual({ a: n, b: n, c: n });
  });

  it('keeps its place when a backend joins instead of restarting at the first', () => {
    const policy = createPolicy('round-robin');
    expect(sequence(policy, backends({ a: 1, b: 1, c: 1 }), 2)).toEqual(['a', 'b']);
    const grown = backends({ a: 1, b: 1, c: 1, d: 1 });
    expect(sequence(policy, grown, 6)).toEqual(['c', 'd', 'a', 'b', 'c', 'd']);
    expect(tally(policy, grown, 400)).toEqual({ a: 100, b: 100, c: 100, d: 100 });
  });

  it.each([
    { removed: 'a', expected: ['c', 'd', 'b', 'c'] }, // before the cursor: no skip
    { removed: 'b', expected: ['c', 'd', 'a', 'c'] }, // the last one picked: its successor is next
    { removed: 'c', expected: ['d', 'a', 'b', 'd'] }, // just after the cursor: simply skipped
  ])('continues with the right successor when $removed leaves', ({ removed, expected }) => {
    const policy = createPolicy('round-robin');
    expect(sequence(policy, backends({ a: 1, b: 1, c: 1, d: 1 }), 2)).toEqual(['a', 'b']);
    const shrunk = backends({ a: 1, b: 1, c: 1, d: 1 }).filter((b) => b.id !== removed);
    expect(sequence(policy, shrunk, 4)).toEqual(expected);
    const after = tally(policy, shrunk, 300);
    expect(Object.values(after)).toEqual([100, 100, 100]);
  });

  it('stays fair across a reorder of the same backends', () => {
    const policy = createPolicy('round-robin');
    sequence(policy, backends({ a: 1, b: 1, c: 1 }), 1);
    expect(tally(policy, backends({ c: 1, a: 1, b: 1 }), 300)).toEqual({ a: 100, b: 100, c: 100 });
  });
});
