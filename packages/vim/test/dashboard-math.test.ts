import { bucketQuantile, diffBuckets, LatencyWindow } from '../src/dashboard/latency-window';
import { RateCounter } from '../src/dashboard/rate-counter';

describe('bucketQuantile', () => {
  test('gives the upper bound of the bucket holding the quantile', () => {
    const buckets = { '1': 50, '5': 40, '20': 9, '100': 1, '+Inf': 0 };
    expect(bucketQuantile(buckets, 0.5)).toBe(1);
    expect(bucketQuantile(buckets, 0.9)).toBe(5);
    expect(bucketQuantile(buckets, 0.99)).toBe(20);
    expect(bucketQuantile(buckets, 1)).toBe(100);
  });

  test('is null with nothing counted, and the largest finite bound in +Inf', () => {
    expect(bucketQuantile({ '1': 0, '+Inf': 0 }, 0.5)).toBeNull();
    expect(bucketQuantile({ '1': 0, '5000': 0, '+Inf': 3 }, 0.99)).toBe(5000);
  });
});

test('diffBuckets counts a bucket that went down (counters reset) as zero', () => {
  expect(diffBuckets({ '1': 5, '+Inf': 1 }, { '1': 2, '+Inf': 4 })).toEqual({ '1': 3, '+Inf': 0 });
});

test('LatencyWindow answers over the last seconds only', () => {
  const window = new LatencyWindow(2);
  window.push({ '1': 0, '100': 0 });
  window.push({ '1': 0, '100': 10 }); // a slow second
  expect(window.quantiles()).toEqual({ p50: 100, p99: 100 });
  window.push({ '1': 10, '100': 10 });
  window.push({ '1': 20, '100': 10 }); // the slow second left the window
  expect(window.quantiles()).toEqual({ p50: 1, p99: 1 });
  window.push({ '1': 20, '100': 10 });
  window.push({ '1': 20, '100': 10 });
  expect(window.quantiles()).toEqual({ p50: null, p99: null });
});

test('RateCounter: increase per second between readings; 0 first and after a reset', () => {
  const rate = new RateCounter();
  expect(rate.next(100, 1000)).toBe(0);
  expect(rate.next(150, 1500)).toBe(100);
  expect(rate.next(10, 2500)).toBe(0);
  expect(rate.next(20, 2500)).toBe(0);
  expect(rate.next(30, 3500)).toBe(10);
});
