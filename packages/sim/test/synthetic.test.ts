import { dailyTrace, randomWalkTrace, rampTrace, spikeTrace, stepTrace, syntheticTrace, SYNTHETIC_KINDS, traceRateAt, traceStats } from '../src';

describe('synthetic traces', () => {
  it('step: base, then peak from upAtS, then base from downAtS', () => {
    const t = stepTrace();
    expect(t.endS).toBe(2400);
    expect([299, 300, 1499, 1500, 2399].map((s) => traceRateAt(t, s))).toEqual([40, 160, 160, 40, 40]);
  });

  it('spike: the peak lasts exactly lengthS', () => {
    const t = spikeTrace({ atS: 100, lengthS: 30, durationS: 300, peakRps: 500, baseRps: 5 });
    expect([99, 100, 129, 130].map((s) => traceRateAt(t, s))).toEqual([5, 500, 500, 5]);
    expect(traceStats(t).requests).toBe(270 * 5 + 30 * 500);
  });

  it('ramp: held, then rising linearly second by second, then held at the top', () => {
    const t = rampTrace({ fromRps: 0, toRps: 100, startS: 100, endS: 200, durationS: 300 });
    expect(traceRateAt(t, 50)).toBe(0);
    expect(traceRateAt(t, 100)).toBeCloseTo(0.5, 9);
    expect(traceRateAt(t, 150)).toBeCloseTo(50.5, 9);
    expect(traceRateAt(t, 250)).toBe(100);
    // Each row carries the line's value at its middle, so the ramp's integral is the trapezoid's.
    expect(traceStats(t).requests).toBeCloseTo(100 * 100 / 2 + 100 * 100, 6);
    for (let s = 100; s < 200; s++) expect(traceRateAt(t, s + 1)).toBeGreaterThan(traceRateAt(t, s));
  });

  it('daily: lowest near the trough hour, highest twelve hours later, mean near meanRps', () => {
    const t = dailyTrace({ noise: 0 });
    expect(t.times.length).toBe(1440);
    const hourly = Array.from({ length: 24 }, (_, h) => traceRateAt(t, h * 3600 + 1800));
    expect(hourly.indexOf(Math.min(...hourly))).toBe(3); // 03:30 and 04:30 tie around the 04:00 trough
    expect(hourly.indexOf(Math.max(...hourly))).toBe(15);
    expect(traceStats(t).meanRps).toBeCloseTo(90, 6);
    expect(traceStats(t).minRps).toBeGreaterThanOrEqual(20 - 1e-9);
  });

  it('daily: noise is seeded: same seed same trace, another seed another', () => {
    const a = dailyTrace({ seed: 1 });
    expect([...dailyTrace({ seed: 1 }).rates]).toEqual([...a.rates]);
    expect([...dailyTrace({ seed: 2 }).rates]).not.toEqual([...a.rates]);
    const flat = dailyTrace({ noise: 0 });
    const relative = [...a.rates].map((r, i) => r / flat.rates[i]! - 1);
    const sd = Math.sqrt(relative.reduce((s, x) => s + x * x, 0) / relative.length);
    expect(sd).toBeGreaterThan(0.08);
    expect(sd).toBeLessThan(0.12);
  });

  it('random walk: seeded, within its bounds, moving every step', () => {
    const a = randomWalkTrace({ seed: 3, durationS: 36_000, minRps: 10, maxRps: 50, sigmaRps: 20 });
    expect([...a.rates].every((r) => r >= 10 && r <= 50)).toBe(true);
    expect(a.times.length).toBe(3600);
    expect(new Set(a.rates).size).toBeGreaterThan(3000);
    expect([...randomWalkTrace({ seed: 3, durationS: 36_000, minRps: 10, maxRps: 50, sigmaRps: 20 }).rates]).toEqual([...a.rates]);
    expect([...randomWalkTrace({ seed: 4, durationS: 36_000, minRps: 10, maxRps: 50, sigmaRps: 20 }).rates]).not.toEqual([...a.rates]);
  });

  it('builds every kind by name, with a duration override', () => {
    for (const kind of SYNTHETIC_KINDS) {
      const t = syntheticTrace(kind, { durationS: 500, seed: 1 });
      expect(t.name).toBe(`synthetic:${kind}`);
      expect(t.endS).toBe(500);
    }
  });
});
