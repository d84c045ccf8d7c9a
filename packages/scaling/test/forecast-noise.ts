import { seededRandom } from '@acs/balancing';

/** Standard normal noise (Box–Muller over the repo's seeded PRNG), so every run sees the same series. */
export function gaussian(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}
