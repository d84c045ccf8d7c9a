import { UsageError } from './errors';
import { traceRateAt, type Trace } from '@acs/sim';

export const PATTERN_NAMES = ['constant', 'step', 'ramp', 'sine', 'spike'] as const;
export type PatternName = (typeof PATTERN_NAMES)[number];

/** Offered rate (req/s) at t seconds after the start. */
export type RateFn = (tS: number) => number;

export interface PatternParams {
  /** Base rate: constant, before the step, start of the ramp, sine mean, outside the spike. */
  rps: number;
  /** After the step, end of the ramp, during the spike. */
  toRps?: number;
  /** When the step or spike starts. @default durationS / 2 */
  atS?: number;
  /** Spike length. @default 5 */
  spikeS?: number;
  /** Sine period. @default 60 */
  periodS?: number;
  /** Sine amplitude. @default rps / 2 */
  amplitude?: number;
  durationS: number;
}

export const DEFAULT_PERIOD_S = 60;
export const DEFAULT_SPIKE_S = 5;

/** The rate function of a built-in pattern; an unknown name is an error, never a default. */
export function patternRate(name: string, p: PatternParams): RateFn {
  const to = (): number => {
    if (p.toRps === undefined) throw new UsageError(`--pattern ${name} needs --to-rps`);
    return p.toRps;
  };
  const atS = p.atS ?? p.durationS / 2;
  switch (name) {
    case 'constant':
      return () => p.rps;
    case 'step': {
      const high = to();
      return (t) => (t < atS ? p.rps : high);
    }
    case 'ramp': {
      const end = to();
      return (t) => p.rps + ((end - p.rps) * Math.min(1, t / p.durationS));
    }
    case 'sine': {
      const period = p.periodS ?? DEFAULT_PERIOD_S;
      const amplitude = p.amplitude ?? p.rps / 2;
      return (t) => Math.max(0, p.rps + amplitude * Math.sin((2 * Math.PI * t) / period));
    }
    case 'spike': {
      const high = to();
      const spikeS = p.spikeS ?? DEFAULT_SPIKE_S;
      return (t) => (t >= atS && t < atS + spikeS ? high : p.rps);
    }
    default:
      throw new UsageError(`unknown pattern '${name}': expected one of ${PATTERN_NAMES.join(', ')} or trace:FILE.csv`);
  }
}

/** A trace replayed with `timeScale` trace seconds per real second. */
export function traceRate(trace: Trace, timeScale: number): RateFn {
  return (t) => traceRateAt(trace, t * timeScale);
}
