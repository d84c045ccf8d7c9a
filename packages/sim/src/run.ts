import { resolvePlacementSettings, validateScalingPolicy, type PlacementSettings, type PlacementSettingsInput, type ScalingPolicy } from '@acs/scaling';
import { resolveSimConfig, type SimConfig, type SimConfigInput } from './config';
import type { Decider } from './control/decider';
import { simulate } from './engine';
import { SimConfigError } from './errors';
import type { SimResult } from './result';
import { LoadProfile } from './trace/load-profile';
import { traceStats, type Trace } from './trace/trace';

export interface RunOptions {
  trace: Trace;
  /** @default 1 */
  rateScale?: number;
  /** Trace seconds per simulated second. @default 1 */
  timeCompress?: number;
  config?: SimConfigInput;
  /** A scaling policy as JSON would give it; validateScalingPolicy fills the defaults. @default {} */
  policy?: unknown;
  placement?: PlacementSettingsInput;
  /** One run each, in this order, all on the same seed and therefore the same arrivals. */
  deciders: ReadonlyArray<Decider<unknown>>;
}

/** Everything a report needs, JSON-safe and deterministic (no wall-clock times). */
export interface RunOutput {
  /** Bumped when the shape changes incompatibly. */
  format: 'acs-sim/1';
  trace: {
    name: string;
    rateScale: number;
    timeCompress: number;
    /** Length of the trace in its own seconds. */
    lengthS: number;
    /** Offered rate after scaling, requests/s. */
    meanRps: number;
    maxRps: number;
  };
  config: SimConfig;
  policy: ScalingPolicy;
  placement: PlacementSettings;
  runs: SimResult[];
}

/**
 * Resolves and validates every input once (config, policy, placement), then runs each decider on the same
 * trace and seed. Throws SimConfigError, ScalingPolicyError, UnknownPlacementStrategyError or RangeError
 * for bad input, before any run starts.
 */
export function runSimulation(options: RunOptions): RunOutput {
  const config = resolveSimConfig(options.config);
  const policy = validateScalingPolicy(options.policy ?? {});
  const placement = resolvePlacementSettings(options.placement);
  const rateScale = options.rateScale ?? 1;
  const timeCompress = options.timeCompress ?? 1;
  const problems = [];
  if (!Number.isFinite(rateScale) || rateScale < 0) problems.push({ path: 'rateScale', message: `must be a number ≥ 0, got ${rateScale}` });
  if (!Number.isFinite(timeCompress) || timeCompress <= 0) problems.push({ path: 'timeCompress', message: `must be a number > 0, got ${timeCompress}` });
  if (config.containerCpus > config.vmCpus * placement.cpuOvercommit) {
    problems.push({ path: 'containerCpus', message: `${config.containerCpus} cores never fit on a VM of ${config.vmCpus} cores (overcommit ${placement.cpuOvercommit})` });
  }
  if (problems.length > 0) throw new SimConfigError(problems);

  const stats = traceStats(options.trace);
  const runs = options.deciders.map((decider) =>
    // A fresh profile per run: it keeps a read cursor, and runs must not depend on each other.
    simulate({ config, policy, placement, load: new LoadProfile(options.trace, { rateScale, timeCompress }) }, decider),
  );
  return {
    format: 'acs-sim/1',
    trace: {
      name: options.trace.name,
      rateScale,
      timeCompress,
      lengthS: stats.lengthS,
      meanRps: round3(stats.meanRps * rateScale),
      maxRps: round3(stats.maxRps * rateScale),
    },
    config,
    policy,
    placement,
    runs,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
