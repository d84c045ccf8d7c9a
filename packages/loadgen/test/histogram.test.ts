import { HISTOGRAM_RELATIVE_ERROR, LatencyHistogram } from '../src/histogram';
import { seededRandom } from '@acs/balancing';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('LatencyHistogram', () => {
  it('matches the exact percentiles of a log-uniform sample from 0.1 ms to 60 s within 1%', () => {
    const random = seededRandom(42);
    const h = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const v = 0.1 * Math.exp(random() * Math.log(600_000));
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(h.quantile(q) - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
    expect(h.count).toBe(100_000);
    expect(h.max).toBe(values[values.length - 1]);
  });

  it('keeps every single value within 1% across the range', () => {
    for (let v = 0.1; v <= 60_000; v *= 1.0137) {
      const h = new LatencyHistogram();
      h.record(v);
      h.record(v * 10); // so the clamp to max does not hide the bucket midpoint
      h.record(v / 10 > 0.1 ? v / 10 : v);
      expect(Math.abs(h.quantile(0.5) - v) / v).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
  });

  it('gives the exponential distribution its known percentiles', () => {
    const random = seededRandom(7);
    const h = new LatencyHistogram();
    for (let i = 0; i < 200_000; i++) h.record(-50 * Math.log(1 - random()));
    // Exp(mean 50 ms): p50 = 50 ln 2, p99 = 50 ln 100; sampling error at n = 200k is well under 2%.
    expect(h.quantile(0.5) / (50 * Math.LN2)).toBeCloseTo(1, 1);
    expect(h.quantile(0.99) / (50 * Math.log(100))).toBeCloseTo(1, 1);
  });

  it('is empty-safe', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });
});
