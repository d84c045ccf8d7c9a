import { AdaptiveConcurrencyLimit } from '../src/adaptive-limit';

/**
 * A backend saturated by demand (there is always another request waiting): with `limit` requests in
 * flight each takes `rtt(limit)` ms. Feeds the limiter one completion per step and returns the limits
 * it chose, so a test can look at where it settles.
 */
function drive(limiter: AdaptiveConcurrencyLimit, rtt: (inflight: number) => number, steps: number): number[] {
  const seen: number[] = [];
  let now = 0;
  for (let i = 0; i < steps; i++) {
    const inflight = limiter.limit;
    const sample = rtt(inflight);
    // Completions of `inflight` concurrent requests arrive rtt/inflight apart.
    now += sample / inflight;
    limiter.onSuccess(sample, inflight, now);
    seen.push(limiter.limit);
  }
  return seen;
}

const settled = (limits: number[]): number[] => limits.slice(-500);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('AdaptiveConcurrencyLimit', () => {
  test('cheap requests, dominated by the network round trip, open the limit up', () => {
    // 0.3 ms of hops plus 0.05 ms of work per request in flight: time reaches 2.5 × the lone request's
    // (0.35 ms) near 11 in flight.
    const limits = drive(new AdaptiveConcurrencyLimit(), (n) => 0.3 + 0.05 * n, 5000);
    const late = settled(limits);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(8);
    expect(mean(late)).toBeGreaterThan(9);
    expect(Math.max(...late)).toBeLessThanOrEqual(12);
  });

  test('CPU-bound requests keep the limit at about two: one served, one ready behind it', () => {
    // 40 ms of CPU per request on a share of a core, served together: time grows with the count.
    const limits = drive(new AdaptiveConcurrencyLimit(), (n) => 40 * n, 3000);
    const late = settled(limits);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...late)).toBeLessThanOrEqual(4);
    expect(mean(late)).toBeLessThan(3.5);
  });

  test('one slow sample among fast ones does not cut the limit (response times are smoothed)', () => {
    const limiter = new AdaptiveConcurrencyLimit({ initial: 8, max: 16 });
    let now = 0;
    for (let i = 0; i < 200; i++) limiter.onSuccess(0.4, 8, (now += 0.05));
    const before = limiter.limit;
    limiter.onSuccess(5, 8, (now += 0.05)); // a GC pause
    expect(limiter.limit).toBeGreaterThanOrEqual(before);
  });

  test('never leaves [min, max]', () => {
    const fast = drive(new AdaptiveConcurrencyLimit({ initial: 2, min: 2, max: 6 }), () => 1, 2000);
    expect(Math.max(...fast)).toBe(6);
    const slow = drive(new AdaptiveConcurrencyLimit({ initial: 2, min: 2, max: 6 }), (n) => 10 ** n, 2000);
    expect(Math.min(...slow)).toBe(2);
  });

  test('does not grow while the limit is not in use', () => {
    const limiter = new AdaptiveConcurrencyLimit();
    for (let i = 0; i < 1000; i++) limiter.onSuccess(1, 0, i);
    expect(limiter.limit).toBe(1);
  });

  test('a failure backs off, at most once per baseline round trip', () => {
    const limiter = new AdaptiveConcurrencyLimit({ initial: 10, min: 1, max: 16 });
    limiter.onSuccess(5, 10, 0);
    limiter.onFailure(100);
    expect(limiter.limit).toBe(9);
    limiter.onFailure(101); // the same round trip: no further cut
    expect(limiter.limit).toBe(9);
    limiter.onFailure(110);
    expect(limiter.limit).toBe(8);
  });

  test('the baseline is re-learned: a backend that became slower for good is not starved for ever', () => {
    const limiter = new AdaptiveConcurrencyLimit({ windowMs: 1000 });
    drive(limiter, (n) => 0.3 + 0.05 * n, 2000);
    expect(limiter.baselineMs).toBeLessThan(0.5);
    // Ten times slower from now on (e.g. its CPU share was cut): the baseline follows within windows.
    let now = 10_000;
    for (let i = 0; i < 60_000; i++) {
      now += 1;
      limiter.onSuccess(3 + 0.5 * limiter.limit, limiter.limit, now);
    }
    expect(limiter.baselineMs).toBeGreaterThan(3);
    expect(limiter.limit).toBeGreaterThanOrEqual(5);
  });

  test('ignores samples that are not times', () => {
    const limiter = new AdaptiveConcurrencyLimit();
    limiter.onSuccess(Number.NaN, 2, 0);
    limiter.onSuccess(-1, 2, 0);
    limiter.onSuccess(Number.POSITIVE_INFINITY, 2, 0);
    expect(limiter.baselineMs).toBe(Number.POSITIVE_INFINITY);
    expect(limiter.limit).toBe(1);
  });

  test.each([
    [{ min: 0 }, /min/],
    [{ min: 4, initial: 2, max: 8 }, /initial/],
    [{ max: 1, min: 2 }, /max/],
    [{ tolerance: 1 }, /tolerance/],
    [{ decrease: 1 }, /decrease/],
    [{ smoothing: 0 }, /smoothing/],
  ])('refuses settings %j', (settings, message) => {
    expect(() => new AdaptiveConcurrencyLimit(settings)).toThrow(message);
  });
});
