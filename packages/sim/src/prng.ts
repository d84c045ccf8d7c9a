/**
 * A seeded pseudo-random generator: xoshiro128** (period 2^128 − 1), seeded through splitmix32 from the run's
 * seed and a stream name. Math.random cannot be seeded, and same seed → byte-identical output is a
 * requirement.
 *
 * Each consumer gets its own named stream ('arrivals', 'startup', 'trace'), so drawing one more start-up
 * jitter does not shift every later arrival: two policies run with the same seed see exactly the same
 * requests at the same instants (common random numbers), which is what makes their comparison fair.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number, stream: string) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a whole number ≥ 0, got ${String(seed)}`);
    // Both halves of the seed and the stream's hash go into the splitmix state, so seeds above 2^32 differ too.
    let state = (Math.floor(seed / 0x1_0000_0000) ^ hashString(stream)) >>> 0;
    state = (splitmix(state).state ^ seed) >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const step = splitmix(state);
      state = step.state;
      words.push(step.value);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // The all-zero state is the one xoshiro cannot leave; splitmix practically never yields it, but be sure.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Exponential with mean 1; 1 − u lies in (0, 1], so the log is always finite. */
  exponential(): number {
    return -Math.log(1 - this.float());
  }

  /** Standard normal (Box–Muller, one value per call: caching the pair would make a call's result depend on call parity). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return { state: next, value: (z ^ (z >>> 16)) >>> 0 };
}

/** FNV-1a: turns a stream name into 32 bits. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
