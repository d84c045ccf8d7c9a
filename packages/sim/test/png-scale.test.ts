import { leftAxis, rightAxis, xAxisTicks, xDomain } from '../src/report/png/axes';
import {
  formatNumber,
  formatSeconds,
  niceStep,
  niceTicks,
  niceTimeStep,
  ticksCovering,
  ticksWithin,
  widen,
} from '../src/report/png/scale';
import type { ChartSeries } from '../src/report/png/types';

describe('nice ticks', () => {
  it('steps up to 1, 2 or 5 × 10^k', () => {
    expect([1.75, 0.3, 7, 10, 1, 0.1, 0.001, 0.04, 2500].map(niceStep)).toEqual([2, 0.5, 10, 10, 1, 0.1, 0.001, 0.05, 5000]);
    expect([0, -1, NaN, Infinity].map(niceStep)).toEqual([1, 1, 1, 1]);
  });

  it('covers the range with round values', () => {
    expect(niceTicks(0, 7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 12)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(-3, 7)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(niceTicks(0.1, 0.3)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(0, 45_000, 4)).toEqual([0, 20_000, 40_000, 60_000]);
  });

  it('keeps an x axis inside its data and a y axis around it', () => {
    expect(ticksWithin(3, 97, 20)).toEqual([20, 40, 60, 80]);
    expect(ticksCovering(3, 97, 20)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ticksWithin(0, 0.3, 0.1)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('turns an empty or broken range into a usable one', () => {
    expect(widen(5, 5)).toEqual([4.5, 5.5]);
    expect(widen(0, 0)).toEqual([-1, 1]);
    expect(widen(Infinity, -Infinity)).toEqual([0, 1]);
    expect(widen(NaN, 3)).toEqual([0, 1]);
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('picks clock-friendly steps for durations', () => {
    expect([0.3, 7, 40, 1000, 5000, 20_000, 50_000, 100_000, 500_000].map(niceTimeStep)).toEqual([
      0.5, 10, 60, 1800, 7200, 21_600, 86_400, 172_800, 864_000,
    ]);
  });
});

describe('labels', () => {
  it('formats numbers compactly', () => {
    expect([1500, 12_000, 1_500_000, 0, 0.25, 999.96, -2500, 0.1 + 0.2, 2e9, 42, 250_000].map((v) => formatNumber(v))).toEqual([
      '1.5k', '12k', '1.5M', '0', '0.25', '1k', '-2.5k', '0.3', '2G', '42', '250k',
    ]);
    expect(formatNumber(NaN)).toBe('NaN');
  });

  it('keeps the digits that tell neighbouring ticks apart', () => {
    expect(formatNumber(1_000_500, 500)).toBe('1.0005M');
    expect(formatNumber(1500, 500)).toBe('1.5k');
  });

  it('formats seconds as clock units', () => {
    expect([0, 45, 90, 3600, 21_600, 172_800, 129_600, 5400, 88_200, 0.5, -3600].map(formatSeconds)).toEqual([
      '0', '45s', '1m30s', '1h', '6h', '2d', '1d12h', '1h30m', '1d0h30m', '0.5s', '-1h',
    ]);
  });
});

describe('chart axes', () => {
  const line = (ys: number[]): ChartSeries => ({ label: '', color: [0, 0, 0], points: ys.map((y, i): [number, number] => [i, y]) });

  it('starts y at zero and leaves room above a maximum that lands on a tick', () => {
    expect(leftAxis([line([3, 12, 7])], 7)).toEqual({ lo: 0, hi: 14, ticks: [0, 2, 4, 6, 8, 10, 12, 14], step: 2 });
    expect(leftAxis([line([-3, 7])], 5).ticks).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(leftAxis([], 5).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(leftAxis([line([0, 0, NaN])], 5)).toMatchObject({ lo: 0, hi: 1 });
  });

  it('puts right-axis ticks on the left axis gridlines', () => {
    const left = leftAxis([line([0, 12])], 7);
    const right = rightAxis([line([40, 180])], left);
    expect(right.ticks).toHaveLength(left.ticks.length);
    expect(right.ticks).toEqual([0, 50, 100, 150, 200, 250, 300, 350]);
  });

  it('spans x over all finite points and thins labels that would touch', () => {
    expect(xDomain([{ title: '', yLabel: '', series: [line([1, 2, 3]), { ...line([]), points: [[-5, 1], [99, NaN]] }] }])).toEqual([-5, 2]);
    expect(xDomain([])).toEqual([0, 1]);
    const wide = xAxisTicks(0, 1_234_567, 1000, false, (v, step) => formatNumber(v, step), 1);
    expect(wide.ticks).toEqual([0, 200_000, 400_000, 600_000, 800_000, 1_000_000, 1_200_000]);
    const narrow = xAxisTicks(0, 1_234_567, 60, false, (v, step) => formatNumber(v, step), 1);
    expect(narrow.ticks.length).toBeLessThanOrEqual(2);
    expect(xAxisTicks(0, 86_400, 400, true, formatSeconds, 1).ticks.map(formatSeconds)).toEqual(['0', '6h', '12h', '18h', '1d']);
  });
});
