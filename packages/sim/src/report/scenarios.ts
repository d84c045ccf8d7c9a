import type { SimConfigInput } from '../config';
import { dailyTrace, randomWalkTrace, rampTrace, spikeTrace, stepTrace } from '../trace/synthetic';
import type { Trace } from '../trace/trace';

/**
 * The elasticity report's scenarios: which load, played how fast and how loud, on which cluster. Both
 * policies of a scenario run on the same trace, cluster, seed and therefore the same arrivals; only the
 * decider differs.
 */

/**
 * What a scenario must show. `fewer-violations`: predictive has at most 30 % of reactive's SLO-violation
 * seconds for at most 10 % more container-seconds. `no-worse`: neither figure more than 5 % above
 * reactive's. `none`: shown for information.
 */
export type GoalKind = 'fewer-violations' | 'no-worse' | 'none';

export const GOAL_THRESHOLDS = {
  fewerViolations: { maxViolationRatio: 0.3, maxContainerSecondsRatio: 1.1 },
  noWorse: { maxViolationRatio: 1.05, maxContainerSecondsRatio: 1.05 },
} as const;

export interface ReportScenario {
  /** File-safe: the chart is `<name>.png`. */
  name: string;
  title: string;
  /** Why it is played this way, for the report. */
  description: string;
  trace: Trace;
  /** Where the trace came from: a file path or `synthetic:…`. */
  source: string;
  rateScale: number;
  timeCompress: number;
  /** Cluster and run settings over the defaults (the seed and start-up come from the report). */
  config: SimConfigInput;
  /** Scaling-policy fields over the defaults, e.g. maxReplicas to match the cluster. */
  policy: Record<string, unknown>;
  goal: GoalKind;
}

/** Default locations of the two real traces (per minute, 14 days). */
export const DEFAULT_TRACE_PATHS = {
  nasa: '/work/shared/traces/nasa_kennedy_jul1995_14d_1min.csv',
  worldcup: '/work/shared/traces/worldcup98_jun1998_14d_1min.csv',
} as const;

export const SCENARIO_NAMES = ['daily', 'daily-fast', 'ramp', 'random-walk', 'step', 'spike', 'nasa', 'worldcup'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The real traces need files; the synthetic ones do not. */
export const FILE_SCENARIOS: readonly ScenarioName[] = ['nasa', 'worldcup'];

/**
 * Real traces: ×30 makes one 2 s control period one trace minute, so the forecaster sees each row of the
 * trace once, at its own resolution, and 14 days take 40,320 simulated seconds. A 30 s start-up is then
 * 15 trace minutes: the load moves on the scale of a start-up, which is what start-up time is about.
 * Rates are scaled so the 14-day peak is about 285 requests/s, 95 % of what the 3-VM lab serves at full
 * speed (12 × 25); the cluster gets 5 VMs (20 containers, maxReplicas 20) so that the peak still fits at
 * the 60 % CPU target (19 containers) and the cap never decides the outcome: only the policy does.
 */
export const REAL_TRACE_SETTINGS = {
  timeCompress: 30,
  /** Peak 6.75 × 42 = 283.5 requests/s. */
  nasaRateScale: 42,
  /** Peak 3553.9 × 0.08 = 284.3 requests/s. */
  worldcupRateScale: 0.08,
  vms: 5,
  maxReplicas: 20,
} as const;

/**
 * The synthetic daily cycle, four days so that two fit the season and two use it. At the real traces'
 * ×30 its rise (0.2 requests/s per second at most) is well inside what the 60 % CPU target absorbs during
 * a 30 s start-up, so reactive has next to nothing to remove; ×240 (a day in 6 minutes, rising up to
 * 1.2 requests/s per second) is the same cycle outrunning the start-up.
 */
export const DAILY_DAYS = 4;
export const DAILY_FAST_COMPRESS = 240;

/**
 * A ramp that outruns the start-up: 20 → 200 requests/s in 3 minutes (1 request/s per second) from 600 s.
 * The built-in ramp (20 → 200 in 15 minutes) rises 6 requests/s per 30 s start-up, which the 60 % CPU
 * target's 40 % headroom absorbs; neither policy then violates the SLO and the comparison says nothing.
 */
export const STEEP_RAMP = { fromRps: 20, toRps: 200, startS: 600, endS: 780, durationS: 1800 } as const;

/** Four hours, so the walk wanders over most of [5, 200] requests/s rather than one corner of it. */
export const RANDOM_WALK_S = 4 * 3600;

/** The synthetic scenarios, generated from `seed` (the random ones depend on it). */
export function syntheticScenarios(seed: number): ReportScenario[] {
  const daily = dailyTrace({ durationS: DAILY_DAYS * 86_400, seed });
  const ramp = rampTrace(STEEP_RAMP);
  const walk = randomWalkTrace({ durationS: RANDOM_WALK_S, seed });
  const lab = { config: {}, policy: {} };
  return [
    {
      name: 'daily',
      title: 'Daily cycle',
      description: `90 ± 70 requests/s cosine with 10 % noise per minute, ${DAILY_DAYS} days at ×${REAL_TRACE_SETTINGS.timeCompress} (one trace minute per control period, as the real traces)`,
      trace: daily,
      source: daily.name,
      rateScale: 1,
      timeCompress: REAL_TRACE_SETTINGS.timeCompress,
      ...lab,
      goal: 'fewer-violations',
    },
    {
      name: 'daily-fast',
      title: 'Daily cycle, fast',
      description: `the same ${DAILY_DAYS} days at ×${DAILY_FAST_COMPRESS}: a day in ${86_400 / DAILY_FAST_COMPRESS / 60} minutes, so the cycle outruns a 30 s start-up`,
      trace: daily,
      source: daily.name,
      rateScale: 1,
      timeCompress: DAILY_FAST_COMPRESS,
      ...lab,
      goal: 'fewer-violations',
    },
    {
      name: 'ramp',
      title: 'Steep ramp',
      description: `${STEEP_RAMP.fromRps} → ${STEEP_RAMP.toRps} requests/s from ${STEEP_RAMP.startS} s to ${STEEP_RAMP.endS} s (1 request/s per second), ${STEEP_RAMP.durationS} s`,
      trace: ramp,
      source: ramp.name,
      rateScale: 1,
      timeCompress: 1,
      ...lab,
      goal: 'fewer-violations',
    },
    {
      name: 'random-walk',
      title: 'Random walk',
      description: `from 80 requests/s, σ 8 requests/s every 10 s, reflected into [5, 200], ${RANDOM_WALK_S / 3600} h: no pattern to forecast`,
      trace: walk,
      source: walk.name,
      rateScale: 1,
      timeCompress: 1,
      ...lab,
      goal: 'no-worse',
    },
    { name: 'step', title: 'Step', description: '40 → 160 requests/s at 300 s, back at 1500 s (built-in)', trace: stepTrace(), source: 'synthetic:step', rateScale: 1, timeCompress: 1, ...lab, goal: 'none' },
    { name: 'spike', title: 'Spike', description: '40 requests/s with 240 for 60 s at 600 s (built-in)', trace: spikeTrace(), source: 'synthetic:spike', rateScale: 1, timeCompress: 1, ...lab, goal: 'none' },
  ];
}

/** The two real-trace scenarios, from traces already read. */
export function realTraceScenarios(traces: { nasa?: { trace: Trace; path: string }; worldcup?: { trace: Trace; path: string } }): ReportScenario[] {
  const s = REAL_TRACE_SETTINGS;
  const cluster = { config: { vms: s.vms }, policy: { maxReplicas: s.maxReplicas } };
  const out: ReportScenario[] = [];
  if (traces.nasa !== undefined) {
    out.push({
      name: 'nasa',
      title: 'NASA Kennedy, July 1995',
      description: `14 days per minute, rate ×${s.nasaRateScale}, time ×${s.timeCompress}; ${s.vms} VMs × 4 containers`,
      trace: traces.nasa.trace,
      source: traces.nasa.path,
      rateScale: s.nasaRateScale,
      timeCompress: s.timeCompress,
      ...cluster,
      goal: 'fewer-violations',
    });
  }
  if (traces.worldcup !== undefined) {
    out.push({
      name: 'worldcup',
      title: 'World Cup 1998, June',
      description: `14 days per minute, rate ×${s.worldcupRateScale}, time ×${s.timeCompress}; ${s.vms} VMs × 4 containers`,
      trace: traces.worldcup.trace,
      source: traces.worldcup.path,
      rateScale: s.worldcupRateScale,
      timeCompress: s.timeCompress,
      ...cluster,
      goal: 'fewer-violations',
    });
  }
  return out;
}
