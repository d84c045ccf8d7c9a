import { ArrivalSchedule } from '../src/arrivals';
import { patternRate } from '../src/patterns';

function all(s: ArrivalSchedule): number[] {
  const out: number[] = [];
  for (let t = s.next(); t !== undefined; t = s.next()) out.push(t);
  return out;
}

describe('ArrivalSchedule', () => {
  it('spaces constant arrivals evenly from t = 0', () => {
    const times = all(new ArrivalSchedule(() => 100, 'constant', 1, 1));
    expect(times).toHaveLength(100);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(0.01, 9);
  });

  it('gives Poisson arrivals the right mean and the same times for the same seed', () => {
    const a = all(new ArrivalSchedule(() => 1000, 'poisson', 10, 3));
    expect(a.length).toBeGreaterThan(9700);
    expect(a.length).toBeLessThan(10300);
    expect(all(new ArrivalSchedule(() => 1000, 'poisson', 10, 3))).toEqual(a);
  });

  it('follows a ramp', () => {
    const times = all(new ArrivalSchedule(patternRate('ramp', { rps: 0, toRps: 200, durationS: 10 }), 'constant', 10, 1));
    // ∫0..10 20t dt = 1000
    expect(Math.abs(times.length - 1000)).toBeLessThan(5);
    expect(times.filter((t) => t < 5)).toHaveLength(250);
  });

  it('offers the spike only during the spike', () => {
    const rate = patternRate('spike', { rps: 10, toRps: 100, atS: 2, spikeS: 1, durationS: 5 });
    const times = all(new ArrivalSchedule(rate, 'constant', 5, 1));
    expect(times.filter((t) => t >= 2 && t < 3).length).toBeGreaterThanOrEqual(99);
    expect(times.length).toBeLessThan(145);
  });
});
