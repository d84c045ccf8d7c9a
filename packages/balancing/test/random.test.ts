import { seededRandom } from '../src';

describe('seededRandom', () => {
  const draw = (seed: number, count: number): number[] => {
    const random = seededRandom(seed);
    return Array.from({ length: count }, () => random());
  };

  it('repeats the same sequence for the same seed', () => {
    expect(draw(123, 100)).toEqual(draw(123, 100));
  });

  it('gives different sequences for different seeds', () => {
    expect(draw(1, 10)).not.toEqual(draw(2, 10));
  });

  it('stays in [0, 1) and covers the interval evenly', () => {
    const values = draw(99, 100_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const deciles = new Array<number>(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]!++;
    for (const n of deciles) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('is pinned: mulberry32 from seed 0', () => {
    // A change here would silently change every seeded test and simulation in the repo.
    expect(draw(0, 3).map((v) => Math.floor(v * 2 ** 32))).toEqual(PINNED);
  });
});

/** The reference mulberry32's first outputs for seed 0 (0.2664292…, 0.0003297…, 0.2232720…). */
const PINNED = [1144304738, 1416247, 958946056];
