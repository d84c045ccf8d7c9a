import { round3 } from '../accounting';
import type { DeciderFact } from '../control/decider';
import { PREDICTIVE_DEFAULTS, type PredictiveDeciderOptions } from '../control/predictive';
import { createDecider } from '../control/registry';
import type { SimResult, SimSummary } from '../result';
import { runSimulation, type RunOutput } from '../run';
import { GOAL_THRESHOLDS, type GoalKind, type ReportScenario } from './scenarios';

/**
 * The elasticity report: every scenario run with the reactive and the predictive decider on one seed,
 * reduced to the figures the goal is judged on. `ReportData` is plain JSON with no wall-clock value, so
 * one seed always gives the same bytes; the runs themselves are kept beside it for the charts.
 */

export interface ReportOptions {
  scenarios: readonly ReportScenario[];
  /** @default 1 */
  seed?: number;
  /** Container start-to-ready delay, the same in every scenario. @default 30 */
  startupS?: number;
  /** Predictive settings over the decider's defaults (which are the tuned ones). */
  predictive?: Partial<PredictiveDeciderOptions>;
  /** Called as each scenario finishes, e.g. for progress on stderr. */
  onScenario?: (scenario: ScenarioReport, index: number, total: number) => void;
}

export const REPORT_FORMAT = 'acs-sim-report/1';
export const REPORT_STARTUP_S = 30;

/** One policy's figures in a scenario. */
export interface PolicyFigures {
  sloViolationS: number;
  byLatencyS: number;
  byRejectionS: number;
  containerSeconds: number;
  overProvisionedContainerSeconds: number;
  underProvisionedContainerSeconds: number;
  /** Decisions that changed the desired count. */
  scalingActions: number;
  scaleUps: number;
  scaleDowns: number;
  /** Each rise of the load above ready capacity (at 100 % CPU) and how long until capacity caught up. */
  timeToCapacity: { rises: number; resolved: number; meanS: number | null; maxS: number | null; episodes: Array<{ atS: number; durationS: number | null }> };
  requests: { arrived: number; rejected: number };
  latencyP99Ms: number | null;
  peakReplicas: number;
  meanReplicas: number;
  /** The decider's own account (forecast accuracy, learned capacity); predictive only. */
  decider?: Record<string, DeciderFact>;
}

/** (predictive − reactive) / reactive; null when reactive's figure is 0 (and predictive's is not). */
export type Relative = number | null;

export interface GoalCheck {
  kind: GoalKind;
  /** null for `none`. */
  pass: boolean | null;
  /** The criteria in words. */
  criteria: string;
  /** What was measured against them. */
  detail: string;
}

export interface ScenarioReport {
  name: string;
  title: string;
  description: string;
  trace: { source: string; rateScale: number; timeCompress: number; lengthS: number; meanRps: number; maxRps: number };
  simulatedS: number;
  cluster: { vms: number; containersPerVm: number; minReplicas: number; maxReplicas: number; containerCapacityRps: number; cpuTargetPct: number; startupS: number; sloMs: number };
  reactive: PolicyFigures;
  predictive: PolicyFigures;
  relative: {
    sloViolationS: Relative;
    containerSeconds: Relative;
    overProvisionedContainerSeconds: Relative;
    scalingActions: Relative;
    meanTimeToCapacityS: Relative;
  };
  goal: GoalCheck;
  /** File names, relative to the report. */
  charts: { overview: string; zoom: string | null };
}

export interface ReportData {
  format: typeof REPORT_FORMAT;
  seed: number;
  startupS: number;
  predictive: PredictiveDeciderOptions;
  goals: typeof GOAL_THRESHOLDS;
  scenarios: ScenarioReport[];
  summary: { goals: number; passed: number; failed: string[] };
}

/** A scenario's runs, for the charts. */
export interface ScenarioRuns {
  scenario: ReportScenario;
  output: RunOutput;
  reactive: SimResult;
  predictive: SimResult;
}

export interface ReportResult {
  data: ReportData;
  runs: ScenarioRuns[];
}

/** Runs every scenario with both policies. Throws as runSimulation does for invalid settings. */
export function buildReport(options: ReportOptions): ReportResult {
  const seed = options.seed ?? 1;
  const startupS = options.startupS ?? REPORT_STARTUP_S;
  const predictive: PredictiveDeciderOptions = { ...PREDICTIVE_DEFAULTS, ...options.predictive };
  const scenarios: ScenarioReport[] = [];
  const runs: ScenarioRuns[] = [];
  options.scenarios.forEach((scenario, index) => {
    const context = { timeCompress: scenario.timeCompress, predictive: options.predictive ?? {} };
    const output = runSimulation({
      trace: scenario.trace,
      rateScale: scenario.rateScale,
      timeCompress: scenario.timeCompress,
      config: { ...scenario.config, seed, startupS },
      policy: scenario.policy,
      deciders: [createDecider('reactive', context), createDecider('predictive', context)],
    });
    const [reactive, predictiveRun] = output.runs;
    if (reactive === undefined || predictiveRun === undefined) throw new Error('internal: a report scenario must give two runs');
    const report = scenarioReport(scenario, output, reactive.summary, predictiveRun.summary);
    scenarios.push(report);
    runs.push({ scenario, output, reactive, predictive: predictiveRun });
    options.onScenario?.(report, index, options.scenarios.length);
  });
  const judged = scenarios.filter((s) => s.goal.pass !== null);
  return {
    data: {
      format: REPORT_FORMAT,
      seed,
      startupS,
      predictive,
      goals: GOAL_THRESHOLDS,
      scenarios,
      summary: { goals: judged.length, passed: judged.filter((s) => s.goal.pass === true).length, failed: judged.filter((s) => s.goal.pass === false).map((s) => s.name) },
    },
    runs,
  };
}

function scenarioReport(scenario: ReportScenario, output: RunOutput, r: SimSummary, p: SimSummary): ScenarioReport {
  const { config, policy, trace } = output;
  const cpu = policy.strategy === 'reactive' ? policy.metrics.find((m) => m.metric === 'cpu')?.target : undefined;
  const reactive = figures(r);
  const predictive = figures(p);
  return {
    name: scenario.name,
    title: scenario.title,
    description: scenario.description,
    trace: { source: scenario.source, rateScale: trace.rateScale, timeCompress: trace.timeCompress, lengthS: trace.lengthS, meanRps: trace.meanRps, maxRps: trace.maxRps },
    simulatedS: r.durationS,
    cluster: {
      vms: config.vms,
      containersPerVm: config.maxContainersPerVm,
      minReplicas: policy.minReplicas,
      maxReplicas: policy.maxReplicas,
      containerCapacityRps: round3((config.containerCpus * 1000) / config.workMs),
      cpuTargetPct: cpu ?? 100,
      startupS: config.startupS,
      sloMs: config.sloMs,
    },
    reactive,
    predictive,
    relative: {
      sloViolationS: relative(predictive.sloViolationS, reactive.sloViolationS),
      containerSeconds: relative(predictive.containerSeconds, reactive.containerSeconds),
      overProvisionedContainerSeconds: relative(predictive.overProvisionedContainerSeconds, reactive.overProvisionedContainerSeconds),
      scalingActions: relative(predictive.scalingActions, reactive.scalingActions),
      meanTimeToCapacityS: reactive.timeToCapacity.meanS === null || predictive.timeToCapacity.meanS === null ? null : relative(predictive.timeToCapacity.meanS, reactive.timeToCapacity.meanS),
    },
    goal: checkGoal(scenario.goal, reactive, predictive),
    charts: { overview: `${scenario.name}.png`, zoom: hasZoom(output) ? `${scenario.name}-zoom.png` : null },
  };
}

/** Runs longer than two trace days get a second chart of one day at full detail. */
export function hasZoom(output: RunOutput): boolean {
  return output.trace.lengthS > 2 * 86_400;
}

function figures(s: SimSummary): PolicyFigures {
  const f: PolicyFigures = {
    sloViolationS: s.slo.violationS,
    byLatencyS: s.slo.byLatencyS,
    byRejectionS: s.slo.byRejectionS,
    containerSeconds: s.containerSeconds,
    overProvisionedContainerSeconds: s.overProvisionedContainerSeconds,
    underProvisionedContainerSeconds: s.underProvisionedContainerSeconds,
    scalingActions: s.scaling.actions,
    scaleUps: s.scaling.scaleUps,
    scaleDowns: s.scaling.scaleDowns,
    timeToCapacity: {
      rises: s.timeToCapacity.episodes,
      resolved: s.timeToCapacity.resolved,
      meanS: s.timeToCapacity.meanS,
      maxS: s.timeToCapacity.maxS,
      episodes: s.timeToCapacity.list.map((e) => ({ atS: e.atS, durationS: e.durationS })),
    },
    requests: { arrived: s.requests.arrived, rejected: s.requests.rejected },
    latencyP99Ms: s.latencyMs.p99,
    peakReplicas: s.replicas.peak,
    meanReplicas: s.replicas.meanTotal,
  };
  if (s.decider !== undefined) f.decider = s.decider;
  return f;
}

function relative(p: number, r: number): Relative {
  if (r === 0) return p === 0 ? 0 : null;
  return Math.round(((p - r) / r) * 1e4) / 1e4;
}

/**
 * The goal of a scenario. When reactive has no violation at all there is nothing to remove, and "70 %
 * fewer" can only mean none either; the detail says so rather than passing it silently.
 */
export function checkGoal(kind: GoalKind, r: PolicyFigures, p: PolicyFigures): GoalCheck {
  if (kind === 'none') return { kind, pass: null, criteria: 'for information', detail: '' };
  const t = kind === 'fewer-violations' ? GOAL_THRESHOLDS.fewerViolations : GOAL_THRESHOLDS.noWorse;
  const criteria =
    kind === 'fewer-violations'
      ? `SLO-violation seconds ≤ ${pctText(t.maxViolationRatio)} of reactive's (at least ${pctText(1 - t.maxViolationRatio)} fewer) and container-seconds ≤ ${pctText(t.maxContainerSecondsRatio)} of reactive's`
      : `SLO-violation seconds and container-seconds each ≤ ${pctText(t.maxViolationRatio)} of reactive's`;
  const violationsOk = p.sloViolationS <= t.maxViolationRatio * r.sloViolationS + 1e-9;
  const costOk = p.containerSeconds <= t.maxContainerSecondsRatio * r.containerSeconds + 1e-9;
  const ratio = r.sloViolationS > 0 ? ` (${pctText(p.sloViolationS / r.sloViolationS)} of reactive's)` : ' (reactive had none: nothing to remove)';
  const detail = `SLO violation ${num(r.sloViolationS)} → ${num(p.sloViolationS)} s${ratio} ${violationsOk ? 'ok' : 'NOT MET'}; container-seconds ${num(r.containerSeconds)} → ${num(p.containerSeconds)} (${pctText(p.containerSeconds / r.containerSeconds)}) ${costOk ? 'ok' : 'NOT MET'}`;
  return { kind, pass: violationsOk && costOk, criteria, detail };
}

function pctText(ratio: number): string {
  return `${(Math.round(ratio * 1000) / 10).toString()} %`;
}

function num(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}
