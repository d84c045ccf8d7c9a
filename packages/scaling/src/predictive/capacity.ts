import {
  CAPACITY_OUTLIER_FACTOR,
  DEFAULT_CAPACITY_MIN_SAMPLES,
  DEFAULT_CAPACITY_MIN_UTILISATION_PCT,
  DEFAULT_CAPACITY_SMOOTHING,
} from './defaults';
import type { Estimate } from './types';

/**
 * Learns how many requests/s one container serves at the target CPU utilisation, from what containers
 * are seen doing. It assumes requests cost CPU in proportion (rps = k × cpu%), so each sample gives
 * k = rps / cpu% and the capacity is k × target:
 *
 * - Samples under `minUtilisationPct` CPU, or with no requests, are skipped: there a container's fixed
 *   overhead (runtime, health checks) is a large share of its CPU and k reads low.
 * - The first `minSamples` accepted samples are kept and their median starts the estimate (one odd
 *   sample cannot set it); until then the capacity is the configured default.
 * - After that, an EWMA with weight `smoothing`, each sample first clipped to within a factor of 2 of the
 *   estimate, so a burst of garbage (a GC pause, a stalled backend) moves it a little, while a real change
 *   (a slower image) is followed within a few dozen samples.
 *
 * Overhead the proportional model ignores makes k read slightly low at moderate load, so the learned
 * capacity errs towards more containers.
 */

export interface CapacityLearnerOptions {
  /** The CPU target (% of the limit) capacity is quoted at: the reactive policy's cpu target. */
  targetUtilisationPct: number;
  /** Requests/s per container until enough samples are seen. */
  defaultPerContainerRps: number;
  /** @default 20 */
  minUtilisationPct?: number;
  /** @default 10 */
  minSamples?: number;
  /** @default 0.05 */
  smoothing?: number;
}

export interface CapacityLearnerState {
  targetUtilisationPct: number;
  defaultPerContainerRps: number;
  minUtilisationPct: number;
  minSamples: number;
  smoothing: number;
  /** Learned requests/s per CPU percent; null until `minSamples` samples are in. */
  rpsPerCpuPct: number | null;
  /** Accepted samples so far. */
  samples: number;
  /** rps/cpu% of the first samples, until there are `minSamples` of them. */
  warmup: number[];
}

export interface CapacitySample {
  /** Requests/s served by one container (or the mean over the ready ones). */
  rpsPerContainer: number;
  /** Its CPU utilisation, percent of the limit. */
  cpuPct: number;
}

export function createCapacityLearner(options: CapacityLearnerOptions): CapacityLearnerState {
  const state: CapacityLearnerState = {
    targetUtilisationPct: options.targetUtilisationPct,
    defaultPerContainerRps: options.defaultPerContainerRps,
    minUtilisationPct: options.minUtilisationPct ?? DEFAULT_CAPACITY_MIN_UTILISATION_PCT,
    minSamples: options.minSamples ?? DEFAULT_CAPACITY_MIN_SAMPLES,
    smoothing: options.smoothing ?? DEFAULT_CAPACITY_SMOOTHING,
    rpsPerCpuPct: null,
    samples: 0,
    warmup: [],
  };
  const positive = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a number > 0, got ${String(value)}`);
  };
  positive('targetUtilisationPct', state.targetUtilisationPct);
  positive('defaultPerContainerRps', state.defaultPerContainerRps);
  if (!Number.isFinite(state.minUtilisationPct) || state.minUtilisationPct < 0) throw new RangeError(`minUtilisationPct must be ≥ 0, got ${state.minUtilisationPct}`);
  if (!Number.isSafeInteger(state.minSamples) || state.minSamples < 1) throw new RangeError(`minSamples must be an integer ≥ 1, got ${state.minSamples}`);
  if (!(state.smoothing > 0 && state.smoothing <= 1)) throw new RangeError(`smoothing must be within (0, 1], got ${state.smoothing}`);
  return state;
}

export function learnCapacity(state: CapacityLearnerState, sample: CapacitySample): CapacityLearnerState {
  const { rpsPerContainer: rps, cpuPct } = sample;
  if (!Number.isFinite(rps) || !Number.isFinite(cpuPct) || rps <= 0 || cpuPct < state.minUtilisationPct || cpuPct <= 0) return state;
  const ratio = rps / cpuPct;
  const samples = state.samples + 1;
  if (state.rpsPerCpuPct === null) {
    const warmup = [...state.warmup, ratio];
    if (warmup.length < state.minSamples) return { ...state, samples, warmup };
    return { ...state, samples, warmup: [], rpsPerCpuPct: median(warmup) };
  }
  const current = state.rpsPerCpuPct;
  const clipped = Math.min(current * CAPACITY_OUTLIER_FACTOR, Math.max(current / CAPACITY_OUTLIER_FACTOR, ratio));
  return { ...state, samples, rpsPerCpuPct: current + state.smoothing * (clipped - current) };
}

/** Requests/s per container at the target utilisation. */
export function capacityEstimate(state: CapacityLearnerState): Estimate {
  if (state.rpsPerCpuPct === null) return { value: state.defaultPerContainerRps, source: 'default', samples: state.samples };
  return { value: state.rpsPerCpuPct * state.targetUtilisationPct, source: 'learned', samples: state.samples };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
