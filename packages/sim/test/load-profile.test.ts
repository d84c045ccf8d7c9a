import { LoadProfile, makeTrace, parseTraceCsv } from '../src';

// Per-minute rows: 60 rps for a minute, then 120, then 30.
const trace = parseTraceCsv('t_seconds,rps\n0,60\n60,120\n120,30\n', 'minutes.csv');

describe('LoadProfile: rate scaling and time compression', () => {
  it('replays the trace as is by default', () => {
    const load = new LoadProfile(trace, { rateScale: 1, timeCompress: 1 });
    expect(load.durationS).toBe(180);
    expect(load.requestsBetween(0, 60)).toBe(3600);
    expect(load.requestsBetween(30, 90)).toBe(30 * 60 + 30 * 120);
    expect(load.rateAt(59.9)).toBe(60);
    expect(load.rateAt(60)).toBe(120);
  });

  it('compresses time but keeps rates: one trace minute per simulated second at 60', () => {
    const load = new LoadProfile(trace, { rateScale: 1, timeCompress: 60 });
    expect(load.durationS).toBe(3);
    expect(load.rateAt(0.5)).toBe(60);
    expect(load.rateAt(1.5)).toBe(120);
    // A simulated second carries one trace minute at its rate level: 60 requests, not 3600.
    expect(load.requestsBetween(0, 1)).toBeCloseTo(60, 9);
    expect(load.requestsBetween(1, 2)).toBeCloseTo(120, 9);
    expect(load.requestsBetween(0.5, 1.5)).toBeCloseTo(30 + 60, 9);
    // Total requests shrink by the compression factor.
    expect(load.requestsBetween(0, 3)).toBeCloseTo((3600 + 7200 + 1800) / 60, 9);
  });

  it('averages the steps a tick spans when compressed further', () => {
    const load = new LoadProfile(trace, { rateScale: 1, timeCompress: 120 });
    expect(load.durationS).toBe(1.5);
    expect(load.requestsBetween(0, 1)).toBeCloseTo((60 + 120) / 2, 9);
  });

  it('multiplies rates by the rate scale', () => {
    const load = new LoadProfile(trace, { rateScale: 0.25, timeCompress: 60 });
    expect(load.rateAt(1.2)).toBe(30);
    expect(load.requestsBetween(0, 3)).toBeCloseTo(((60 + 120 + 30) * 0.25 * 60) / 60, 9);
  });

  it('measures time from the first row and offers nothing after the end', () => {
    const late = makeTrace('late', [1000, 1010], [5, 7], 1020);
    const load = new LoadProfile(late, { rateScale: 2, timeCompress: 10 });
    expect(load.durationS).toBe(2);
    expect(load.rateAt(0)).toBe(10);
    expect(load.rateAt(1)).toBe(14);
    expect(load.requestsBetween(0, 5)).toBeCloseTo((5 * 10 + 7 * 10) * (2 / 10), 9);
    expect(load.rateAt(2)).toBe(0);
    expect(load.requestsBetween(2, 10)).toBe(0);
  });

  it('gives the same answers in any order of questions', () => {
    const load = new LoadProfile(trace, { rateScale: 1, timeCompress: 7 });
    const forward = [0, 1, 2, 3, 4, 5, 6].map((s) => load.requestsBetween(s * 3.7, (s + 1) * 3.7));
    const backward = [6, 5, 4, 3, 2, 1, 0].map((s) => load.requestsBetween(s * 3.7, (s + 1) * 3.7)).reverse();
    expect(backward).toEqual(forward);
  });

  it('rejects a bad scale or compression', () => {
    expect(() => new LoadProfile(trace, { rateScale: -1, timeCompress: 1 })).toThrow(RangeError);
    expect(() => new LoadProfile(trace, { rateScale: 1, timeCompress: 0 })).toThrow(RangeError);
  });
});
