import { SimConfigError, type SimProblem } from './errors';

/**
 * How requests arrive within a tick. `poisson`: a Poisson process at the tick's mean rate (exponential
 * gaps from the seeded 'arrivals' stream), so counts and instants vary as real independent clients do.
 * `uniform`: no randomness; the expected count accumulates with its fraction carried to the next tick,
 * and the whole requests of a tick are spaced evenly across it.
 */
export const ARRIVAL_MODES = ['poisson', 'uniform'] as const;
export type ArrivalMode = (typeof ARRIVAL_MODES)[number];

/** One timeline row per control period (compact) or per tick (every detail, large for long runs). */
export const TIMELINE_RESOLUTIONS = ['period', 'tick'] as const;
export type TimelineResolution = (typeof TIMELINE_RESOLUTIONS)[number];

export const DEFAULT_TICK_MS = 1000;
export const DEFAULT_SEED = 1;
export const DEFAULT_ARRIVALS: ArrivalMode = 'poisson';
/** The local lab: 3 VMMs with 4 containers each (design.md §8). */
export const DEFAULT_VMS = 3;
export const DEFAULT_MAX_CONTAINERS_PER_VM = 4;
/** Four 0.5-CPU containers fill it, so placement's committed-CPU check agrees with maxContainers. */
export const DEFAULT_VM_CPUS = 2;
export const DEFAULT_CONTAINER_CPUS = 0.5;
export const DEFAULT_WORK_MS = 20;
export const DEFAULT_STARTUP_S = 30;
export const DEFAULT_STARTUP_JITTER_S = 0;
/** Requests a container holds (in service + waiting) before the balancer rejects: 4 s of work at the defaults. */
export const DEFAULT_QUEUE_LIMIT = 100;
/** The VMM's report interval (the VIM's DEFAULT_REPORT_INTERVAL_MS): the window CPU is measured over. */
export const DEFAULT_REPORT_INTERVAL_MS = 1000;
/** p99 above this many times the work per request violates the SLO: 200 ms at 20 ms, 5 service times at 0.5 CPU. */
export const DEFAULT_SLO_WORK_MULTIPLE = 10;

export interface SimConfig {
  /** Length of one simulation step. @default 1000 */
  tickMs: number;
  /** Simulated seconds to run; undefined runs for the length of the (compressed) trace. */
  durationS: number | undefined;
  /** @default 1 */
  seed: number;
  /** @default 'poisson' */
  arrivals: ArrivalMode;
  /** @default 3 */
  vms: number;
  /** CPU cores each VM offers to containers. @default 2 */
  vmCpus: number;
  /** @default 4 */
  maxContainersPerVm: number;
  /** Each container's CPU limit in cores; it serves at exactly this speed. @default 0.5 */
  containerCpus: number;
  /** CPU milliseconds one request needs (the workload's work per request). @default 20 */
  workMs: number;
  /** Start-to-ready delay of a new container. @default 30 */
  startupS: number;
  /** Each start takes startupS plus a uniform draw from [0, startupJitterS] (never less than startupS). @default 0 */
  startupJitterS: number;
  /** Requests one container may hold, in service and waiting; the balancer rejects beyond. @default 100 */
  queueLimit: number;
  /** p99 latency above this, in a tick, makes the tick an SLO violation. @default 10 × workMs */
  sloMs: number;
  /** How often containers are sampled for the recommender (CPU window, rate smoothing). @default 1000 */
  reportIntervalMs: number;
  /**
   * Containers running (and ready) at t = 0. Undefined: what the first tick's offered load needs at the
   * needed utilisation, within [minReplicas, maxReplicas].
   */
  initialReplicas: number | undefined;
  /**
   * The CPU utilisation the "needed" count is computed at (over-/under-provisioning figures), percent.
   * Undefined: the reactive policy's CPU target, or 100 when the policy has none.
   */
  neededUtilisationPct: number | undefined;
  /** @default 'period' */
  timeline: TimelineResolution;
}

export type SimConfigInput = Partial<SimConfig>;

/** Fills defaults and checks every field, reporting all problems at once. */
export function resolveSimConfig(input: SimConfigInput = {}): SimConfig {
  const workMs = input.workMs ?? DEFAULT_WORK_MS;
  const config: SimConfig = {
    tickMs: input.tickMs ?? DEFAULT_TICK_MS,
    durationS: input.durationS,
    seed: input.seed ?? DEFAULT_SEED,
    arrivals: input.arrivals ?? DEFAULT_ARRIVALS,
    vms: input.vms ?? DEFAULT_VMS,
    vmCpus: input.vmCpus ?? DEFAULT_VM_CPUS,
    maxContainersPerVm: input.maxContainersPerVm ?? DEFAULT_MAX_CONTAINERS_PER_VM,
    containerCpus: input.containerCpus ?? DEFAULT_CONTAINER_CPUS,
    workMs,
    startupS: input.startupS ?? DEFAULT_STARTUP_S,
    startupJitterS: input.startupJitterS ?? DEFAULT_STARTUP_JITTER_S,
    queueLimit: input.queueLimit ?? DEFAULT_QUEUE_LIMIT,
    sloMs: input.sloMs ?? DEFAULT_SLO_WORK_MULTIPLE * workMs,
    reportIntervalMs: input.reportIntervalMs ?? DEFAULT_REPORT_INTERVAL_MS,
    initialReplicas: input.initialReplicas,
    neededUtilisationPct: input.neededUtilisationPct,
    timeline: input.timeline ?? 'period',
  };
  const problems: SimProblem[] = [];
  const check = (ok: boolean, path: keyof SimConfig, expected: string): void => {
    if (!ok) problems.push({ path, message: `must be ${expected}, got ${String(config[path])}` });
  };
  const int = (x: number, min: number, max: number): boolean => Number.isSafeInteger(x) && x >= min && x <= max;
  const num = (x: number, min: number, max: number, minExclusive = false): boolean =>
    Number.isFinite(x) && (minExclusive ? x > min : x >= min) && x <= max;

  check(int(config.tickMs, 1, 3_600_000), 'tickMs', 'a whole number of ms from 1 to 3600000');
  check(config.durationS === undefined || num(config.durationS, 0, 1e9, true), 'durationS', 'a number of seconds > 0');
  check(int(config.seed, 0, Number.MAX_SAFE_INTEGER), 'seed', 'a whole number ≥ 0');
  check((ARRIVAL_MODES as readonly string[]).includes(config.arrivals), 'arrivals', `one of ${ARRIVAL_MODES.join(', ')}`);
  check(int(config.vms, 1, 100_000), 'vms', 'a whole number from 1 to 100000');
  check(num(config.vmCpus, 0, 1e6, true), 'vmCpus', 'a number of cores > 0');
  check(int(config.maxContainersPerVm, 1, 1_000_000), 'maxContainersPerVm', 'a whole number ≥ 1');
  check(num(config.containerCpus, 0, 1e6, true), 'containerCpus', 'a number of cores > 0');
  check(num(config.workMs, 0, 3_600_000, true), 'workMs', 'a number of ms > 0');
  check(num(config.startupS, 0, 1e7), 'startupS', 'a number of seconds ≥ 0');
  check(num(config.startupJitterS, 0, 1e7), 'startupJitterS', 'a number of seconds ≥ 0');
  check(int(config.queueLimit, 1, 1e9), 'queueLimit', 'a whole number ≥ 1');
  check(num(config.sloMs, 0, 1e9, true), 'sloMs', 'a number of ms > 0');
  check(int(config.reportIntervalMs, 1, 3_600_000), 'reportIntervalMs', 'a whole number of ms from 1 to 3600000');
  check(config.initialReplicas === undefined || int(config.initialReplicas, 0, 1e9), 'initialReplicas', 'a whole number ≥ 0');
  check(config.neededUtilisationPct === undefined || num(config.neededUtilisationPct, 0, 100, true), 'neededUtilisationPct', 'a percentage in (0, 100]');
  check((TIMELINE_RESOLUTIONS as readonly string[]).includes(config.timeline), 'timeline', `one of ${TIMELINE_RESOLUTIONS.join(', ')}`);
  if (problems.length > 0) throw new SimConfigError(problems);
  return config;
}
