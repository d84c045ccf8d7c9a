import { Prng } from '../prng';
import { makeTrace, type Trace } from './trace';

/**
 * Built-in traces for experiments that need a known shape. Defaults suit the default cluster (3 VMs × 4
 * containers of 0.5 CPU at 20 ms a request: 25 requests/s each, 300 in all, 180 at the 60 % CPU target):
 * the peaks need most of it without exceeding it, the troughs 2–3 containers. All times are trace seconds
 * (compression applies as for a file), and the random ones draw from the 'trace' stream of the seed.
 */
export const SYNTHETIC_KINDS = ['step', 'spike', 'ramp', 'daily', 'random-walk'] as const;

export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

export function isSyntheticKind(name: string): name is SyntheticKind {
  return (SYNTHETIC_KINDS as readonly string[]).includes(name);
}

/** base until `upAtS`, then peak until `downAtS`, then base again. */
export interface StepOptions {
  /** @default 40 */ baseRps: number;
  /** @default 160 */ peakRps: number;
  /** @default 300 */ upAtS: number;
  /** @default 1500 */ downAtS: number;
  /** @default 2400 */ durationS: number;
}

/** A short burst: base, then `peakRps` for `lengthS` from `atS`. */
export interface SpikeOptions {
  /** @default 40 */ baseRps: number;
  /** @default 240 */ peakRps: number;
  /** @default 600 */ atS: number;
  /** @default 60 */ lengthS: number;
  /** @default 1800 */ durationS: number;
}

/** Linear from `fromRps` at `startS` to `toRps` at `endS` (one-second steps), held on both sides. */
export interface RampOptions {
  /** @default 20 */ fromRps: number;
  /** @default 200 */ toRps: number;
  /** @default 300 */ startS: number;
  /** @default 1200 */ endS: number;
  /** @default 1800 */ durationS: number;
}

/**
 * A day-long cosine, lowest at `troughAtS` (04:00 like the NASA trace), highest 12 h later, one row per
 * `stepS` with independent multiplicative Gaussian noise (sd `noise` × rate), clamped at 0.
 */
export interface DailyOptions {
  /** @default 90 */ meanRps: number;
  /** @default 70 */ amplitudeRps: number;
  /** @default 86400 */ periodS: number;
  /** @default 14400 */ troughAtS: number;
  /** Relative standard deviation of the per-row noise. @default 0.1 */ noise: number;
  /** @default 60 */ stepS: number;
  /** @default 86400 */ durationS: number;
  /** @default 1 */ seed: number;
}

/** A Gaussian random walk, one step of sd `sigmaRps` every `stepS`, reflected into [minRps, maxRps]. */
export interface RandomWalkOptions {
  /** @default 80 */ startRps: number;
  /** @default 8 */ sigmaRps: number;
  /** @default 5 */ minRps: number;
  /** @default 200 */ maxRps: number;
  /** @default 10 */ stepS: number;
  /** @default 3600 */ durationS: number;
  /** @default 1 */ seed: number;
}

export const DEFAULT_STEP: Readonly<StepOptions> = { baseRps: 40, peakRps: 160, upAtS: 300, downAtS: 1500, durationS: 2400 };
export const DEFAULT_SPIKE: Readonly<SpikeOptions> = { baseRps: 40, peakRps: 240, atS: 600, lengthS: 60, durationS: 1800 };
export const DEFAULT_RAMP: Readonly<RampOptions> = { fromRps: 20, toRps: 200, startS: 300, endS: 1200, durationS: 1800 };
export const DEFAULT_DAILY: Readonly<DailyOptions> = {
  meanRps: 90,
  amplitudeRps: 70,
  periodS: 86_400,
  troughAtS: 14_400,
  noise: 0.1,
  stepS: 60,
  durationS: 86_400,
  seed: 1,
};
export const DEFAULT_RANDOM_WALK: Readonly<RandomWalkOptions> = { startRps: 80, sigmaRps: 8, minRps: 5, maxRps: 200, stepS: 10, durationS: 3600, seed: 1 };

export function stepTrace(options: Partial<StepOptions> = {}): Trace {
  const o = { ...DEFAULT_STEP, ...options };
  return piecewise('synthetic:step', o.durationS, [
    [0, o.baseRps],
    [o.upAtS, o.peakRps],
    [o.downAtS, o.baseRps],
  ]);
}

export function spikeTrace(options: Partial<SpikeOptions> = {}): Trace {
  const o = { ...DEFAULT_SPIKE, ...options };
  return piecewise('synthetic:spike', o.durationS, [
    [0, o.baseRps],
    [o.atS, o.peakRps],
    [o.atS + o.lengthS, o.baseRps],
  ]);
}

export function rampTrace(options: Partial<RampOptions> = {}): Trace {
  const o = { ...DEFAULT_RAMP, ...options };
  if (!(o.endS > o.startS)) throw new RangeError(`ramp: endS must be after startS`);
  const rows: Array<[number, number]> = [[0, o.fromRps]];
  // Each one-second row carries the ramp's value at its middle, so the trace's integral matches the line's.
  for (let t = Math.ceil(o.startS); t < o.endS; t++) rows.push([t, o.fromRps + ((o.toRps - o.fromRps) * (t + 0.5 - o.startS)) / (o.endS - o.startS)]);
  rows.push([o.endS, o.toRps]);
  return piecewise('synthetic:ramp', o.durationS, rows);
}

export function dailyTrace(options: Partial<DailyOptions> = {}): Trace {
  const o = { ...DEFAULT_DAILY, ...options };
  const prng = new Prng(o.seed, 'trace');
  const rows: Array<[number, number]> = [];
  for (let t = 0; t < o.durationS; t += o.stepS) {
    const mid = t + o.stepS / 2;
    const shape = o.meanRps - o.amplitudeRps * Math.cos((2 * Math.PI * (mid - o.troughAtS)) / o.periodS);
    rows.push([t, Math.max(0, shape * (1 + o.noise * prng.normal()))]);
  }
  return piecewise('synthetic:daily', o.durationS, rows);
}

export function randomWalkTrace(options: Partial<RandomWalkOptions> = {}): Trace {
  const o = { ...DEFAULT_RANDOM_WALK, ...options };
  if (!(o.maxRps > o.minRps)) throw new RangeError('random-walk: maxRps must be above minRps');
  const prng = new Prng(o.seed, 'trace');
  const rows: Array<[number, number]> = [];
  let rate = Math.min(o.maxRps, Math.max(o.minRps, o.startRps));
  for (let t = 0; t < o.durationS; t += o.stepS) {
    rows.push([t, rate]);
    rate = reflect(rate + o.sigmaRps * prng.normal(), o.minRps, o.maxRps);
  }
  return piecewise('synthetic:random-walk', o.durationS, rows);
}

/** A synthetic trace by name with its defaults; `durationS` (trace seconds) and `seed` override them. */
export function syntheticTrace(kind: SyntheticKind, overrides: { durationS?: number; seed?: number } = {}): Trace {
  const durationS = overrides.durationS === undefined ? {} : { durationS: overrides.durationS };
  const seed = overrides.seed === undefined ? {} : { seed: overrides.seed };
  switch (kind) {
    case 'step':
      return stepTrace(durationS);
    case 'spike':
      return spikeTrace(durationS);
    case 'ramp':
      return rampTrace(durationS);
    case 'daily':
      return dailyTrace({ ...durationS, ...seed });
    case 'random-walk':
      return randomWalkTrace({ ...durationS, ...seed });
  }
}

function reflect(x: number, lo: number, hi: number): number {
  const span = hi - lo;
  // Fold into [0, 2·span) then mirror the upper half: a big step bounces rather than sticking to the edge.
  const folded = (((x - lo) % (2 * span)) + 2 * span) % (2 * span);
  return lo + (folded <= span ? folded : 2 * span - folded);
}

/** Rows at or after the end are dropped, and a row at the same time as an earlier one replaces it. */
function piecewise(name: string, durationS: number, rows: ReadonlyArray<readonly [number, number]>): Trace {
  if (!(durationS > 0) || !Number.isFinite(durationS)) throw new RangeError(`${name}: durationS must be a finite number > 0, got ${durationS}`);
  const times: number[] = [];
  const rates: number[] = [];
  for (const [t, r] of rows) {
    if (t >= durationS) break;
    if (times.length > 0 && t <= times[times.length - 1]!) {
      rates[rates.length - 1] = r;
      continue;
    }
    times.push(t);
    rates.push(r);
  }
  return makeTrace(name, times, rates, durationS);
}
