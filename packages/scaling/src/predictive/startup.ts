import { DEFAULT_STARTUP_MIN_SAMPLES, DEFAULT_STARTUP_P90_MS, DEFAULT_STARTUP_WINDOW } from './defaults';
import type { Estimate } from './types';

/**
 * The p90 of recent container start-to-ready times: how far ahead the forecast must look. p90 rather than
 * the mean because one slow start under load (image pull, a busy host) is exactly when capacity is
 * late; a rolling window so a faster image or warmer hosts show up within `window` starts.
 */

export interface StartupTimeOptions {
  /** Starts kept. @default 50 */
  window?: number;
  /** Starts needed before the p90 replaces the default. @default 5 */
  minSamples?: number;
  /** @default 10000 */
  defaultMs?: number;
}

export interface StartupTimeState {
  window: number;
  minSamples: number;
  defaultMs: number;
  /** Newest last. */
  durationsMs: number[];
}

export function createStartupTimeTracker(options: StartupTimeOptions = {}): StartupTimeState {
  const state = {
    window: options.window ?? DEFAULT_STARTUP_WINDOW,
    minSamples: options.minSamples ?? DEFAULT_STARTUP_MIN_SAMPLES,
    defaultMs: options.defaultMs ?? DEFAULT_STARTUP_P90_MS,
    durationsMs: [],
  };
  if (!Number.isSafeInteger(state.window) || state.window < 1) throw new RangeError(`window must be an integer ≥ 1, got ${state.window}`);
  if (!Number.isSafeInteger(state.minSamples) || state.minSamples < 1) throw new RangeError(`minSamples must be an integer ≥ 1, got ${state.minSamples}`);
  if (!Number.isFinite(state.defaultMs) || state.defaultMs < 0) throw new RangeError(`defaultMs must be a number ≥ 0, got ${state.defaultMs}`);
  return state;
}

/** A negative or non-finite duration (clock skew between hosts, a lost timestamp) is ignored. */
export function recordStartup(state: StartupTimeState, durationMs: number): StartupTimeState {
  if (!Number.isFinite(durationMs) || durationMs < 0) return state;
  const durationsMs = [...state.durationsMs, durationMs];
  return { ...state, durationsMs: durationsMs.slice(Math.max(0, durationsMs.length - state.window)) };
}

/** Nearest-rank p90 (the smallest duration at least 90 % of starts took no longer than). */
export function startupEstimate(state: StartupTimeState): Estimate {
  const samples = state.durationsMs.length;
  if (samples < state.minSamples) return { value: state.defaultMs, source: 'default', samples };
  const sorted = [...state.durationsMs].sort((a, b) => a - b);
  return { value: sorted[Math.ceil(0.9 * samples) - 1] ?? state.defaultMs, source: 'learned', samples };
}

/**
 * The forecast horizon in steps: a container asked for now is ready after the start time, and the next
 * chance to ask again is one control period later, so capacity must cover both. At least 1.
 */
export function predictionHorizonSteps(input: { startupP90Ms: number; controlPeriodMs: number; stepMs?: number }): number {
  const stepMs = input.stepMs ?? input.controlPeriodMs;
  if (!Number.isFinite(stepMs) || stepMs <= 0) throw new RangeError(`stepMs must be a number > 0, got ${String(stepMs)}`);
  const totalMs = Math.max(0, input.startupP90Ms) + Math.max(0, input.controlPeriodMs);
  if (!Number.isFinite(totalMs)) throw new RangeError('startupP90Ms and controlPeriodMs must be finite');
  return Math.max(1, Math.ceil(totalMs / stepMs - 1e-9));
}
