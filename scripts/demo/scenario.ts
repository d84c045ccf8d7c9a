/**
 * The demo's load: ramp up, hold, spike, settle, ramp down. Pure: phases and the rate function, scaled in
 * time by one factor, so a test can run the same story in seconds.
 */

export interface DemoRates {
  /** Where the ramp starts and ends (req/s). */
  lowRps: number;
  /** The plateau (req/s). */
  baseRps: number;
  /** The spike (req/s). */
  peakRps: number;
}

export interface Phase {
  name: string;
  fromS: number;
  toS: number;
  /** Rate at the phase's start and end (req/s); linear in between. */
  fromRps: number;
  toRps: number;
}

/** Phase lengths at scale 1, in seconds: four minutes in all. */
export const BASE_PHASES_S = { rampUp: 60, hold: 60, spike: 20, settle: 40, rampDown: 60 } as const;
export const BASE_TOTAL_S = Object.values(BASE_PHASES_S).reduce((a, b) => a + b, 0);
/**
 * For the lab's defaults (0.5 CPU and 20 ms of work a request: 25 req/s per container at its limit, 15 at
 * the 60 % CPU target): about 1 container at the low end, 2 on the plateau, 4 in the spike.
 */
export const DEFAULT_RATES: DemoRates = { lowRps: 4, baseRps: 24, peakRps: 60 };

export class ScenarioError extends Error {}

/** The phases, each `scale` times its length at scale 1. */
export function demoPhases(rates: DemoRates, scale: number): Phase[] {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new ScenarioError(`the time scale must be a positive number, got ${scale}`);
  for (const [name, value] of Object.entries(rates)) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new ScenarioError(`${name} must be a rate of 0 req/s or more, got ${value}`);
  }
  if (!(rates.lowRps <= rates.baseRps && rates.baseRps <= rates.peakRps)) {
    throw new ScenarioError(`the rates must rise from low to base to peak, got ${rates.lowRps}, ${rates.baseRps}, ${rates.peakRps} req/s`);
  }
  const { lowRps: low, baseRps: base, peakRps: peak } = rates;
  const shape: Array<[string, number, number, number]> = [
    ['ramp up', BASE_PHASES_S.rampUp, low, base],
    ['hold', BASE_PHASES_S.hold, base, base],
    ['spike', BASE_PHASES_S.spike, peak, peak],
    ['settle', BASE_PHASES_S.settle, base, base],
    ['ramp down', BASE_PHASES_S.rampDown, base, low],
  ];
  const phases: Phase[] = [];
  let at = 0;
  for (const [name, lengthS, fromRps, toRps] of shape) {
    const toS = at + lengthS * scale;
    phases.push({ name, fromS: at, toS, fromRps, toRps });
    at = toS;
  }
  return phases;
}

export function scenarioLengthS(phases: Phase[]): number {
  return phases.length === 0 ? 0 : phases[phases.length - 1]!.toS;
}

/** Offered rate (req/s) at t seconds after the start; 0 outside the scenario. */
export function scenarioRate(phases: Phase[]): (tS: number) => number {
  return (t) => {
    const phase = phases.find((p) => t >= p.fromS && t < p.toS);
    if (phase === undefined) return 0;
    const f = (t - phase.fromS) / (phase.toS - phase.fromS);
    return phase.fromRps + (phase.toRps - phase.fromRps) * f;
  };
}
