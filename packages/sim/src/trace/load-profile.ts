import { stepEnd, stepIndex, type Trace } from './trace';

export interface LoadProfileOptions {
  /** Multiplies every rate. @default 1 */
  rateScale: number;
  /**
   * Trace seconds per simulated second: 60 plays one trace minute in one simulated second. Rates keep their
   * level (a 100 rps minute is 100 rps for one simulated second), so total requests shrink by this factor.
   * @default 1
   */
  timeCompress: number;
}

/**
 * A trace as the simulator replays it, in simulated seconds from 0:
 *
 *   rate_sim(s) = rateScale × rate_trace(t0 + timeCompress × s)        (t0 = the trace's first row)
 *
 * so the expected requests in simulated [a, b) are rateScale / timeCompress × ∫ rate_trace over trace
 * [t0 + c·a, t0 + c·b). Compression keeps rates rather than request counts because capacity is per second:
 * a compressed day should load the cluster as the real day did, only faster. Past the trace's end the rate
 * is 0, so a run longer than its trace shows the scale-in.
 */
export class LoadProfile {
  /** Simulated seconds the trace lasts. */
  readonly durationS: number;
  private readonly t0: number;
  /** Step where the previous integration ended: ticks ask in order, so the search rarely moves far. */
  private cursor = 0;

  constructor(
    readonly trace: Trace,
    readonly options: LoadProfileOptions,
  ) {
    if (!(options.rateScale >= 0) || !Number.isFinite(options.rateScale)) throw new RangeError(`rateScale must be a finite number ≥ 0, got ${options.rateScale}`);
    if (!(options.timeCompress > 0) || !Number.isFinite(options.timeCompress)) throw new RangeError(`timeCompress must be a finite number > 0, got ${options.timeCompress}`);
    this.t0 = trace.times[0]!;
    this.durationS = (trace.endS - this.t0) / options.timeCompress;
  }

  /** Expected requests arriving in simulated [aS, bS). */
  requestsBetween(aS: number, bS: number): number {
    const c = this.options.timeCompress;
    return (this.options.rateScale / c) * this.integrate(this.t0 + c * aS, this.t0 + c * bS);
  }

  /** The offered rate at simulated second `s` (requests/s). */
  rateAt(s: number): number {
    const t = this.t0 + this.options.timeCompress * s;
    const i = stepIndex(this.trace, t);
    return i < 0 || t >= this.trace.endS ? 0 : this.options.rateScale * this.trace.rates[i]!;
  }

  /** ∫ rate over trace time [x, y), summing the overlapping steps (more precise than differences of a running sum). */
  private integrate(x: number, y: number): number {
    const { trace } = this;
    const from = Math.max(x, this.t0);
    const to = Math.min(y, trace.endS);
    if (to <= from) return 0;
    let i = this.locate(from);
    let sum = 0;
    while (i < trace.times.length && trace.times[i]! < to) {
      const lo = Math.max(from, trace.times[i]!);
      const hi = Math.min(to, stepEnd(trace, i));
      if (hi > lo) sum += trace.rates[i]! * (hi - lo);
      i++;
    }
    this.cursor = Math.max(0, i - 1);
    return sum;
  }

  private locate(t: number): number {
    const { times } = this.trace;
    const c = this.cursor;
    if (times[c]! <= t && (c + 1 >= times.length || times[c + 1]! > t)) return c;
    if (c + 1 < times.length && times[c + 1]! <= t && (c + 2 >= times.length || times[c + 2]! > t)) return c + 1;
    return Math.max(0, stepIndex(this.trace, t));
  }
}
