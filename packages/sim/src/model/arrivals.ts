import type { ArrivalMode } from '../config';
import { Prng } from '../prng';

/**
 * Request arrival instants, tick by tick. The instants depend only on the load and the seed, never on the
 * cluster, so every policy run with one seed faces the same requests (see Prng on common random numbers).
 */
export class ArrivalProcess {
  private readonly prng: Prng;
  private buf = new Float64Array(1024);
  /** Uniform mode: the fraction of a request carried over to the next tick. */
  private carry = 0;

  constructor(
    readonly mode: ArrivalMode,
    seed: number,
  ) {
    this.prng = new Prng(seed, 'arrivals');
  }

  /**
   * The instants in [startMs, startMs + tickMs) of this tick's arrivals, given the expected count;
   * ascending; valid until the next call.
   */
  generate(startMs: number, tickMs: number, expected: number): Float64Array {
    return this.mode === 'poisson' ? this.poisson(startMs, tickMs, expected) : this.uniform(startMs, tickMs, expected);
  }

  /** A Poisson process at the tick's mean rate: exponential gaps, so both the count and the instants vary. */
  private poisson(startMs: number, tickMs: number, expected: number): Float64Array {
    if (!(expected > 0)) return this.buf.subarray(0, 0);
    const meanGapMs = tickMs / expected;
    const endMs = startMs + tickMs;
    let n = 0;
    let t = startMs + meanGapMs * this.prng.exponential();
    while (t < endMs) {
      this.push(n++, t);
      t += meanGapMs * this.prng.exponential();
    }
    return this.buf.subarray(0, n);
  }

  /** Deterministic: whole requests of the accumulated expectation, evenly spaced, each in the middle of its share. */
  private uniform(startMs: number, tickMs: number, expected: number): Float64Array {
    this.carry += Math.max(0, expected);
    // The slack absorbs float error so that, e.g., ten ticks of 0.1 make exactly one request.
    const n = Math.floor(this.carry + 1e-9);
    this.carry = Math.max(0, this.carry - n);
    for (let i = 0; i < n; i++) this.push(i, startMs + ((i + 0.5) * tickMs) / n);
    return this.buf.subarray(0, n);
  }

  private push(i: number, t: number): void {
    if (i === this.buf.length) {
      const grown = new Float64Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[i] = t;
  }
}
