import { RateTracker } from '../src/scaling/rate-tracker';

describe('RateTracker', () => {
  test('no rate until two samples; then requests per second over the interval, smoothed', () => {
    const rates = new RateTracker();
    expect(rates.observe('c1', 100, 1000)).toBeUndefined();
    expect(rates.observe('c1', 110, 2000)).toBeCloseTo(10);
    // 30 in the next second: halfway between the old rate and the new interval's.
    expect(rates.observe('c1', 140, 3000)).toBeCloseTo(20);
    expect(rates.rate('c1')).toBeCloseTo(20);
  });

  test('the same report seen twice changes nothing', () => {
    const rates = new RateTracker();
    rates.observe('c1', 0, 1000);
    rates.observe('c1', 50, 2000);
    expect(rates.observe('c1', 50, 2000)).toBeCloseTo(50);
  });

  test('a counter that went backwards (agent restarted) starts over instead of going negative', () => {
    const rates = new RateTracker();
    rates.observe('c1', 500, 1000);
    rates.observe('c1', 600, 2000);
    expect(rates.observe('c1', 5, 3000)).toBeUndefined();
    expect(rates.observe('c1', 15, 4000)).toBeCloseTo(10);
  });

  test('retain forgets containers no longer reported', () => {
    const rates = new RateTracker();
    rates.observe('gone', 0, 1000);
    rates.observe('gone', 10, 2000);
    rates.observe('kept', 0, 1000);
    rates.retain(new Set(['kept']));
    expect(rates.rate('gone')).toBeUndefined();
    expect(rates.observe('gone', 20, 3000)).toBeUndefined();
  });
});
