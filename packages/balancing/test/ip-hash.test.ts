import { createPolicy, type Backend } from '../src';
import { backends, clientKeys, context, tally } from './helpers';

const KEYS = clientKeys(10_000);

/** Key → backend id for every key, through one policy instance. */
function assign(list: readonly Backend[], keys: readonly string[] = KEYS): Map<string, string> {
  const policy = createPolicy('ip-hash');
  return new Map(keys.map((key) => [key, policy.pick(list, context(1, key))!.id]));
}

function counts(assignment: Map<string, string>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const id of assignment.values()) result[id] = (result[id] ?? 0) + 1;
  return result;
}

describe('ip-hash (weighted rendezvous)', () => {
  const three = backends({ vm1: 1, vm2: 1, vm3: 1 });

  it('maps the same key to the same backend in two fresh instances (restart stability)', () => {
    expect(assign(three)).toEqual(assign(three));
  });

  it('does not depend on the order of the list', () => {
    expect(assign([...three].reverse())).toEqual(assign(three));
  });

  it('keeps a fixed mapping across versions (changing the hash would reshuffle every client)', () => {
    const keys = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '2001:db8::1'];
    expect(Object.fromEntries(assign(three, keys))).toEqual(GOLDEN);
  });

  it('spreads 10,000 keys evenly over equal backends (each within ±10% of the mean)', () => {
    for (const n of Object.values(counts(assign(three)))) expect(Math.abs(n - 10_000 / 3)).toBeLessThan(10_000 / 3 / 10);
  });

  it('spreads keys in proportion to weight', () => {
    const result = counts(assign(backends({ big: 2, small1: 1, small2: 1 })));
    expect(result.big! / 10_000).toBeCloseTo(0.5, 1);
    expect(result.small1! / 10_000).toBeCloseTo(0.25, 1);
    expect(result.small2! / 10_000).toBeCloseTo(0.25, 1);
  });

  it('moves about 1/4 of keys when a 4th backend joins, and only onto the new one', () => {
    const before = assign(three);
    const after = assign([...three, { id: 'vm4', inflight: 0, weight: 1 }]);
    const moved = KEYS.filter((key) => before.get(key) !== after.get(key));
    expect(moved.length / KEYS.length).toBeGreaterThan(0.15);
    expect(moved.length / KEYS.length).toBeLessThan(0.35);
    expect(moved.filter((key) => after.get(key) !== 'vm4')).toEqual([]);
  });

  it('moves only the removed backend’s keys when one leaves', () => {
    const four = backends({ vm1: 1, vm2: 1, vm3: 1, vm4: 1 });
    const before = assign(four);
    const after = assign(four.filter((b) => b.id !== 'vm2'));
    // Collected rather than asserted per key: one failure lists every offending key at once.
    expect(KEYS.filter((key) => before.get(key) !== 'vm2' && after.get(key) !== before.get(key))).toEqual([]);
    // And vm2's clients are shared out, not dumped on one neighbour.
    const rehomed = new Set(KEYS.filter((key) => before.get(key) === 'vm2').map((key) => after.get(key)));
    expect(rehomed).toEqual(new Set(['vm1', 'vm3', 'vm4']));
  });

  it('treats a zero-weight backend like a removed one (drain moves only its keys)', () => {
    const before = assign(three);
    const after = assign(three.map((b) => (b.id === 'vm3' ? { ...b, weight: 0 } : b)));
    expect(KEYS.filter((key) => before.get(key) !== 'vm3' && after.get(key) !== before.get(key))).toEqual([]);
    expect([...after.values()]).not.toContain('vm3');
  });

  it.each([undefined, ''])('without a client key (%p) falls back to a random two-choice pick', (key) => {
    const policy = createPolicy('ip-hash');
    const list = [
      { id: 'idle', inflight: 0, weight: 1 },
      { id: 'busy', inflight: 5, weight: 1 },
      { id: 'busiest', inflight: 10, weight: 1 },
    ];
    const result = tally(policy, list, 3000, context(9, key));
    expect(result.busiest).toBeUndefined();
    expect(result.idle).toBeGreaterThan(result.busy!);
  });
});

/** Recorded from this implementation; FNV-1a itself matches the reference vectors ("a" → 0xe40c292c). */
const GOLDEN: Record<string, string> = {
  '192.0.2.1': 'vm1',
  '192.0.2.2': 'vm3',
  '192.0.2.3': 'vm1',
  '192.0.2.4': 'vm1',
  '192.0.2.5': 'vm2',
  '2001:db8::1': 'vm2',
};
