import { AdaptiveConcurrencyLimit, DEFAULT_ADAPTIVE_LIMIT_SETTINGS } from '../src/adaptive-limit';

/**
 * A backend saturated by demand (there is always another request waiting): with `n` requests in flight
 * each takes `rtt(n)` ms, so completions arrive rtt(n) ÷ n apart. Feeds the limiter `ms` of them and
 * returns the limit it held at each completion, so a test can look at where it settles.
 */
function drive(limiter: AdaptiveConcurrencyLimit, rtt: (inflight: number) => number, ms: number, start = 0): { limits: number[]; end: number } {
  const limits: number[] = [];
  let now = start;
  while (now < start + ms) {
    const inflight = limiter.limit;
    now += rtt(inflight) / inflight;
    limiter.onSuccess(now);
    limits.push(limiter.limit);
  }
  return { limits, end: now };
}

const lastHalf = (xs: number[]): number[] => xs.slice(Math.floor(xs.length / 2));

describe('AdaptiveConcurrencyLimit', () => {
  test('starts at the floor, 2: one request served and one ready behind it', () => {
    expect(new AdaptiveConcurrencyLimit().limit).toBe(2);
    expect(DEFAULT_ADAPTIVE_LIMIT_SETTINGS).toMatchObject({ min: 2, max: 16, queueBudgetMs: 5 });
  });

  test('cheap requests, dominated by the round trip between processes, open the limit up to max', () => {
    // 0.4 ms of hops plus 0.05 ms of work per request in flight: even 16 in flight take 1.2 ms, well
    // inside the 5 ms budget.
    const { limits } = drive(new AdaptiveConcurrencyLimit(), (n) => 0.4 + 0.05 * n, 2000);
    expect(Math.min(...lastHalf(limits))).toBe(16);
  });

  test('CPU-bound requests stay at the floor, however long they run', () => {
    // 20 ms of CPU on half a core: 40 ms alone, twice that with two in flight.
    const { limits } = drive(new AdaptiveConcurrencyLimit(), (n) => 40 * n, 60_000);
    expect(new Set(limits)).toEqual(new Set([2]));
  });

  test('settles where a round trip takes about the budget', () => {
    // 1 ms of hops plus 0.5 ms per request in flight: 8 in flight take 5 ms.
    const { limits } = drive(new AdaptiveConcurrencyLimit(), (n) => 1 + 0.5 * n, 5000);
    const settled = lastHalf(limits);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(7);
    expect(Math.max(...settled)).toBeLessThanOrEqual(9);
  });

  test('does not drift up under sustained load (no baseline to creep)', () => {
    // Ten minutes of CPU-bound saturation: still 2 at the end.
    const limiter = new AdaptiveConcurrencyLimit();
    const { limits } = drive(limiter, (n) => 40 * n, 600_000);
    expect(Math.max(...limits)).toBe(2);
  });

  test('follows a backend whose work changes: cheap → CPU-bound closes within a window or two', () => {
    const limiter = new AdaptiveConcurrencyLimit();
    const cheap = drive(limiter, (n) => 0.4 + 0.05 * n, 1000);
    expect(limiter.limit).toBe(16);
    // Now every request burns 20 ms on half a core.
    const heavy = drive(limiter, (n) => 40 * n, 2000, cheap.end);
    // Completions 40 ms apart at 16 in flight: the first 100 ms window ends on the 3rd.
    expect(new Set(heavy.limits.slice(3))).toEqual(new Set([2]));
    // And back: cheap again, open again.
    drive(limiter, (n) => 0.4 + 0.05 * n, 1000, heavy.end);
    expect(limiter.limit).toBe(16);
  });

  test('a light load proves nothing: the limit stays at the floor when few requests come', () => {
    const limiter = new AdaptiveConcurrencyLimit();
    for (let now = 0; now < 10_000; now += 50) limiter.onSuccess(now); // 20 a second
    expect(limiter.limit).toBe(2);
  });

  test('after an idle spell the first window counts the idle time, so the limit restarts low', () => {
    const limiter = new AdaptiveConcurrencyLimit();
    const { end } = drive(limiter, (n) => 0.4 + 0.05 * n, 1000);
    expect(limiter.limit).toBe(16);
    limiter.onSuccess(end + 60_000);
    expect(limiter.limit).toBe(2);
  });

  test('a failure drops it to the floor; it rises again only on answers after it', () => {
    const limiter = new AdaptiveConcurrencyLimit();
    const { end } = drive(limiter, (n) => 0.4 + 0.05 * n, 1000);
    expect(limiter.limit).toBe(16);
    limiter.onFailure(end);
    expect(limiter.limit).toBe(2);
    drive(limiter, (n) => 0.4 + 0.05 * n, 500, end);
    expect(limiter.limit).toBe(16);
  });

  test('never leaves [min, max]', () => {
    const fast = drive(new AdaptiveConcurrencyLimit({ min: 3, max: 6 }), () => 0.1, 1000);
    expect(Math.max(...fast.limits)).toBe(6);
    const slow = drive(new AdaptiveConcurrencyLimit({ min: 3, max: 6 }), (n) => 10 ** n, 100_000);
    expect(Math.min(...slow.limits)).toBe(3);
  });

  test.each([
    [{ min: 0 }, /min/],
    [{ min: 1.5 }, /whole/],
    [{ max: 1, min: 2 }, /max/],
    [{ queueBudgetMs: 0 }, /queueBudgetMs/],
    [{ queueBudgetMs: Number.NaN }, /queueBudgetMs/],
    [{ windowMs: -1 }, /windowMs/],
  ])('refuses settings %j', (settings, message) => {
    expect(() => new AdaptiveConcurrencyLimit(settings)).toThrow(message);
  });
});
