import { POLICY_NAMES, createPolicy, type Backend } from '../src';
import { backends, context, frozen, sequence } from './helpers';

// What every policy must do, whatever its strategy. Each case runs with and without a client key so
// ip-hash is covered on both of its paths.
describe.each(POLICY_NAMES.flatMap((name) => [{ name, key: undefined }, { name, key: '192.0.2.7' }]))(
  '$name (clientKey $key)',
  ({ name, key }) => {
    const pick = (list: readonly Backend[]): Backend | undefined => createPolicy(name).pick(list, context(1, key));

    it('returns undefined for an empty list', () => {
      expect(pick([])).toBeUndefined();
    });

    it('returns undefined when every weight is 0 or invalid', () => {
      expect(pick(frozen(backends({ a: 0, b: -1, c: Number.NaN, d: Number.POSITIVE_INFINITY })))).toBeUndefined();
    });

    it('returns the only backend', () => {
      const list = frozen(backends({ only: 3 }));
      expect(pick(list)).toBe(list[0]);
    });

    it('never picks a zero-weight backend, however attractive', () => {
      // The drained backend is idle, cool and first; every live one is busy and hot.
      const list = frozen([
        { id: 'drained', inflight: 0, weight: 0, cpuPct: 0 },
        { id: 'x', inflight: 9, weight: 1, cpuPct: 90 },
        { id: 'y', inflight: 9, weight: 1, cpuPct: 90 },
      ]);
      const policy = createPolicy(name);
      const ctx = context(7, key);
      const picked = Array.from({ length: 200 }, () => policy.pick(list, ctx)?.id);
      expect(picked).not.toContain('drained');
      expect(picked).not.toContain(undefined);
    });

    it('does not mutate its input (frozen backends and array)', () => {
      const list = frozen([
        { id: 'a', inflight: 1, weight: 2, cpuPct: 30 },
        { id: 'b', inflight: 0, weight: 1 },
        { id: 'c', inflight: 4, weight: 3, cpuPct: 10 },
      ]);
      const snapshot = JSON.stringify(list);
      expect(() => sequence(createPolicy(name), list, 50, context(3, key))).not.toThrow();
      expect(JSON.stringify(list)).toBe(snapshot);
    });
  },
);
