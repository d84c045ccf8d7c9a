import { backoffDelayMs, type BackoffPolicy } from '../src/backoff';

const POLICY: BackoffPolicy = { initialMs: 100, maxMs: 10_000 };
const fixed = (value: number) => (): number => value;

describe('backoffDelayMs', () => {
  test('attempt 0 waits between half the initial delay and the initial delay', () => {
    expect(backoffDelayMs(0, POLICY, fixed(0))).toBe(50);
    expect(backoffDelayMs(0, POLICY, fixed(0.5))).toBe(75);
    expect(backoffDelayMs(0, POLICY, fixed(0.999999))).toBe(100);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(0, POLICY);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(100);
    }
  });

  test('the step doubles with each attempt', () => {
    const upper = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, POLICY, fixed(1)));
    expect(upper).toEqual([100, 200, 400, 800, 1600, 3200, 6400]);
    const lower = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, POLICY, fixed(0)));
    expect(lower).toEqual([50, 100, 200, 400, 800, 1600, 3200]);
  });

  test('random 0 gives exactly half the step and random 1 the whole step', () => {
    expect(backoffDelayMs(3, POLICY, fixed(0))).toBe(400);
    expect(backoffDelayMs(3, POLICY, fixed(1))).toBe(800);
  });

  test('capped at maxMs: never above it, and at least half of it once capped', () => {
    expect(backoffDelayMs(7, POLICY, fixed(1))).toBe(10_000);
    expect(backoffDelayMs(7, POLICY, fixed(0))).toBe(5000);
    for (let attempt = 0; attempt < 100; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.999, 1]) {
        expect(backoffDelayMs(attempt, POLICY, fixed(r))).toBeLessThanOrEqual(POLICY.maxMs);
      }
    }
    // With an odd max, rounding must not push the delay above it either.
    expect(backoffDelayMs(20, { initialMs: 3, maxMs: 7 }, fixed(1))).toBe(7);
    expect(backoffDelayMs(20, { initialMs: 3, maxMs: 7 }, fixed(0.99))).toBeLessThanOrEqual(7);
  });

  test('huge attempt numbers stay finite and capped', () => {
    for (const attempt of [31, 1000, 1_000_000, Number.MAX_SAFE_INTEGER, Infinity]) {
      const high = backoffDelayMs(attempt, POLICY, fixed(1));
      const low = backoffDelayMs(attempt, POLICY, fixed(0));
      expect(Number.isFinite(high)).toBe(true);
      expect(high).toBe(10_000);
      expect(low).toBe(5000);
    }
    // Even when the cap is larger than any doubling could reach.
    const uncapped = backoffDelayMs(10_000, { initialMs: 600_000, maxMs: Number.MAX_SAFE_INTEGER }, fixed(1));
    expect(Number.isFinite(uncapped)).toBe(true);
    expect(uncapped).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  test('delays are whole milliseconds', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      expect(Number.isInteger(backoffDelayMs(attempt, { initialMs: 3, maxMs: 1001 }, fixed(0.37)))).toBe(true);
    }
  });

  test('uses Math.random by default', () => {
    const spy = jest.spyOn(Math, 'random').mockReturnValue(0);
    try {
      expect(backoffDelayMs(1, POLICY)).toBe(100);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
