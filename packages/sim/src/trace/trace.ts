/**
 * A load trace: request rates over time, as a step function. Row i's rate holds from its time until the
 * next row's; the last row holds for as long as the step before it (a per-minute trace's last minute
 * lasts a minute). Times are the trace's own seconds; compression into simulated time happens in
 * `LoadProfile`, never here, so one parsed trace can be replayed at any speed.
 */
export interface Trace {
  /** Where it came from, for reports: a file name or `synthetic:step`. */
  readonly name: string;
  /** Start of each step in trace seconds, strictly increasing. */
  readonly times: Float64Array;
  /** Requests per second during each step, ≥ 0. */
  readonly rates: Float64Array;
  /** End of the last step, in trace seconds. */
  readonly endS: number;
}

/** Builds a trace from rows, checking the invariants every consumer relies on. */
export function makeTrace(name: string, times: readonly number[], rates: readonly number[], endS: number): Trace {
  if (times.length === 0 || times.length !== rates.length) throw new RangeError(`trace ${name}: needs one rate per time and at least one row`);
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const r = rates[i]!;
    if (!Number.isFinite(t) || (i > 0 && t <= times[i - 1]!)) throw new RangeError(`trace ${name}: times must be finite and strictly increasing (row ${i})`);
    if (!Number.isFinite(r) || r < 0) throw new RangeError(`trace ${name}: rates must be finite and ≥ 0 (row ${i})`);
  }
  if (!Number.isFinite(endS) || endS <= times[times.length - 1]!) throw new RangeError(`trace ${name}: endS must be after the last row`);
  return { name, times: Float64Array.from(times), rates: Float64Array.from(rates), endS };
}

/** The trace's rate at trace time `t` (0 outside the trace). */
export function traceRateAt(trace: Trace, t: number): number {
  const i = stepIndex(trace, t);
  return i < 0 || t >= trace.endS ? 0 : trace.rates[i]!;
}

/** Mean, min and max rate weighted by step length, and the total requests. */
export function traceStats(trace: Trace): { minRps: number; meanRps: number; maxRps: number; requests: number; lengthS: number } {
  let min = Infinity;
  let max = 0;
  let requests = 0;
  for (let i = 0; i < trace.times.length; i++) {
    const r = trace.rates[i]!;
    min = Math.min(min, r);
    max = Math.max(max, r);
    requests += r * (stepEnd(trace, i) - trace.times[i]!);
  }
  const lengthS = trace.endS - trace.times[0]!;
  return { minRps: min, meanRps: requests / lengthS, maxRps: max, requests, lengthS };
}

export function stepEnd(trace: Trace, i: number): number {
  return i + 1 < trace.times.length ? trace.times[i + 1]! : trace.endS;
}

/** Index of the step containing `t`: the last row with time ≤ t, or −1 before the first. */
export function stepIndex(trace: Trace, t: number): number {
  const { times } = trace;
  let lo = 0;
  let hi = times.length - 1;
  if (t < times[0]!) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
