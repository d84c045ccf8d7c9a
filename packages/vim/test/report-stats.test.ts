import { ReportStats } from '../src/report-stats';

function statsOf(lags: number[]): ReportStats {
  const stats = new ReportStats();
  for (const lag of lags) stats.record(lag);
  return stats;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ReportStats', () => {
  test('an empty histogram reports zeros', () => {
    const { reportsTotal, lagMs } = new ReportStats().snapshot();
    expect(reportsTotal).toBe(0);
    expect(lagMs).toMatchObject({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(Object.values(lagMs.buckets).every((n) => n === 0)).toBe(true);
  });

  test('bucket counts for known lags (upper bounds inclusive)', () => {
    const { lagMs } = statsOf([0, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 12, 40, 99, 150, 400, 900, 1500, 4000, 5000, 7000]).snapshot();
    expect(lagMs.buckets).toEqual({
      '0.5': 2,
      '1': 2,
      '2': 2,
      '5': 2,
      '10': 1,
      '20': 1,
      '50': 1,
      '100': 1,
      '200': 1,
      '500': 1,
      '1000': 1,
      '2000': 1,
      '5000': 2,
      '+Inf': 1,
    });
    expect(lagMs.count).toBe(19);
    expect(lagMs.max).toBe(7000);
  });

  test('quantiles over 1..100 ms are the upper bounds of the buckets holding those ranks', () => {
    const { reportsTotal, lagMs } = statsOf(range(1, 100)).snapshot();
    expect(reportsTotal).toBe(100);
    expect(lagMs.count).toBe(100);
    // 50 of the 100 lags are ≤ 50 ms; 90 and 99 fall in the (50, 100] bucket.
    expect(lagMs.p50).toBe(50);
    expect(lagMs.p90).toBe(100);
    expect(lagMs.p99).toBe(100);
    expect(lagMs.max).toBe(100);
  });

  test('a quantile never exceeds the largest lag seen', () => {
    const { lagMs } = statsOf([3, 3, 3, 3]).snapshot();
    expect(lagMs).toMatchObject({ p50: 3, p90: 3, p99: 3, max: 3 });
    const beyondLastBound = statsOf([6000, 8000]).snapshot().lagMs;
    expect(beyondLastBound).toMatchObject({ p50: 8000, p99: 8000, max: 8000 });
    expect(beyondLastBound.buckets['+Inf']).toBe(2);
  });

  test('a few slow reports show in p99 but not p50 or p90', () => {
    const { lagMs } = statsOf([...new Array<number>(980).fill(1), ...new Array<number>(20).fill(800)]).snapshot();
    expect(lagMs.p50).toBe(1);
    expect(lagMs.p90).toBe(1);
    expect(lagMs.p99).toBe(800);
    expect(lagMs.max).toBe(800);
  });

  test('negative lag (agent clock ahead) counts as 0', () => {
    const stats = statsOf([-250, -1, -0.1]);
    const { lagMs, reportsTotal } = stats.snapshot();
    expect(reportsTotal).toBe(3);
    expect(lagMs.count).toBe(3);
    expect(lagMs.buckets['0.5']).toBe(3);
    expect(lagMs).toMatchObject({ p50: 0, p90: 0, p99: 0, max: 0 });
  });

  test('resetLag clears the histogram and max but keeps the report total', () => {
    const stats = statsOf(range(1, 10).map((n) => n * 100));
    stats.resetLag();
    let snapshot = stats.snapshot();
    expect(snapshot.reportsTotal).toBe(10);
    expect(snapshot.lagMs).toMatchObject({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(Object.values(snapshot.lagMs.buckets).every((n) => n === 0)).toBe(true);

    stats.record(4);
    snapshot = stats.snapshot();
    expect(snapshot.reportsTotal).toBe(11);
    expect(snapshot.lagMs).toMatchObject({ count: 1, p50: 4, max: 4 });
  });
});
