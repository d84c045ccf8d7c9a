import { percentile, Prng } from '../src';

describe('Prng', () => {
  it('repeats a stream for the same seed and name, and differs across names and seeds', () => {
    const draw = (seed: number, stream: string): number[] => {
      const p = new Prng(seed, stream);
      return Array.from({ length: 5 }, () => p.nextUint32());
    };
    expect(draw(1, 'arrivals')).toEqual(draw(1, 'arrivals'));
    expect(draw(1, 'arrivals')).not.toEqual(draw(1, 'startup'));
    expect(draw(1, 'arrivals')).not.toEqual(draw(2, 'arrivals'));
    expect(draw(2 ** 40, 'arrivals')).not.toEqual(draw(0, 'arrivals'));
  });

  it('gives uniform floats in [0, 1) and exponentials with mean 1', () => {
    const p = new Prng(11, 'test');
    let sum = 0;
    let expSum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = p.float();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      expSum += p.exponential();
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(expSum / n).toBeCloseTo(1, 1);
  });

  it('rejects a negative or fractional seed', () => {
    expect(() => new Prng(-1, 'x')).toThrow(RangeError);
    expect(() => new Prng(1.5, 'x')).toThrow(RangeError);
  });
});

describe('percentile', () => {
  it('is the nearest-rank value, matching a sort', () => {
    const p = new Prng(5, 'values');
    for (const n of [1, 2, 3, 10, 99, 100, 101, 1000, 4321]) {
      const values = Array.from({ length: n }, () => Math.floor(p.float() * 50));
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0.5, 0.9, 0.99, 1]) {
        expect(percentile(Float64Array.from(values), q)).toBe(sorted[Math.ceil(q * n) - 1]);
      }
    }
  });

  it('is NaN for no values', () => {
    expect(percentile(new Float64Array(0), 0.99)).toBeNaN();
  });
});
