import { slowStartWeight } from '../src';

const READY = 100_000;
const PERIOD = 60_000;

describe('slowStartWeight', () => {
  it.each<{ case: string; now: number; expected: number }>([
    { case: 'at 0% of the period: the floor', now: READY, expected: 1 },
    { case: 'at 25%', now: READY + 15_000, expected: 3.25 },
    { case: 'at 50%', now: READY + 30_000, expected: 5.5 },
    { case: 'at 100%: the full weight', now: READY + PERIOD, expected: 10 },
    { case: 'long after the period', now: READY + 10 * PERIOD, expected: 10 },
    { case: 'before readySince: the floor', now: READY - 5000, expected: 1 },
  ])('weight 10, 10% floor, $case', ({ now, expected }) => {
    expect(slowStartWeight(10, READY, now, PERIOD)).toBeCloseTo(expected, 10);
  });

  it.each([READY - 1, READY, READY + 1, READY + PERIOD])('periodMs 0 disables the ramp (now %p)', (now) => {
    expect(slowStartWeight(10, READY, now, 0)).toBe(10);
  });

  it.each<{ floor: number; atStart: number; atHalf: number }>([
    { floor: 0.25, atStart: 1, atHalf: 2.5 },
    { floor: 0.5, atStart: 2, atHalf: 3 },
    { floor: 1, atStart: 4, atHalf: 4 },
  ])('honours floorFraction $floor', ({ floor, atStart, atHalf }) => {
    expect(slowStartWeight(4, READY, READY, PERIOD, floor)).toBeCloseTo(atStart, 10);
    expect(slowStartWeight(4, READY, READY + PERIOD / 2, PERIOD, floor)).toBeCloseTo(atHalf, 10);
  });

  it.each([1, 0.001, 3, 1e-300])('never returns 0 for weight %p, and never exceeds it, rising throughout', (weight) => {
    let previous = 0;
    for (let now = READY - PERIOD; now <= READY + 2 * PERIOD; now += PERIOD / 20) {
      const w = slowStartWeight(weight, READY, now, PERIOD, 0.01);
      expect(w).toBeGreaterThan(0);
      expect(w).toBeLessThanOrEqual(weight);
      expect(w).toBeGreaterThanOrEqual(previous);
      previous = w;
    }
  });

  it('stays positive even where the floor would underflow', () => {
    expect(slowStartWeight(Number.MIN_VALUE, READY, READY, PERIOD)).toBeGreaterThan(0);
  });

  it.each([0, -1])('leaves a drained backend (weight %p) drained rather than reviving it at the floor', (weight) => {
    expect(slowStartWeight(weight, READY, READY, PERIOD)).toBe(weight);
  });

  it('treats an unknown readySince as just ready', () => {
    expect(slowStartWeight(10, Number.NaN, READY, PERIOD)).toBeCloseTo(1, 10);
  });

  it.each<{ args: [number, number]; name: string }>([
    { args: [-1, 0.1], name: 'periodMs' },
    { args: [Number.NaN, 0.1], name: 'periodMs' },
    { args: [Number.POSITIVE_INFINITY, 0.1], name: 'periodMs' },
    { args: [PERIOD, 0], name: 'floorFraction' },
    { args: [PERIOD, -0.5], name: 'floorFraction' },
    { args: [PERIOD, 1.5], name: 'floorFraction' },
    { args: [PERIOD, Number.NaN], name: 'floorFraction' },
  ])('rejects periodMs/floorFraction $args with a RangeError naming $name', ({ args: [periodMs, floor], name }) => {
    expect(() => slowStartWeight(10, READY, READY, periodMs, floor)).toThrow(RangeError);
    expect(() => slowStartWeight(10, READY, READY, periodMs, floor)).toThrow(name);
  });
});
