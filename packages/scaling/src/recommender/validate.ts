import { defaultReactivePolicy, defaultThresholdPolicy } from './defaults';
import { ScalingPolicyError, type PolicyProblem } from './errors';
import {
  METRIC_NAMES,
  SCALING_STRATEGIES,
  type MetricName,
  type MetricTarget,
  type RatePolicy,
  type RateRules,
  type ReactivePolicy,
  type ReactiveRules,
  type ScalingPolicy,
  type ScalingStrategy,
  type SelectPolicy,
  type ThresholdPolicy,
  type ThresholdRule,
} from './types';

/**
 * Turns an untrusted value (a JSON body, a config file section) into a complete policy: omitted fields take
 * their defaults, anything present must be right. Throws ScalingPolicyError listing every problem.
 * Limits follow Kubernetes' HPA validation where it has one (periods 1–1800 s, windows 0–3600 s).
 */
export function validateScalingPolicy(input: unknown): ScalingPolicy {
  const problems = new Problems();
  if (!isRecord(input)) {
    problems.add('(policy)', `must be an object, got ${show(input)}`);
    throw new ScalingPolicyError(problems.list);
  }
  const strategy = readStrategy(input, problems);
  const policy = strategy === 'threshold' ? readThreshold(input, problems) : readReactive(input, problems, strategy === null);
  if (problems.list.length > 0) throw new ScalingPolicyError(problems.list);
  return policy;
}

class Problems {
  readonly list: PolicyProblem[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

type Source = Record<string, unknown>;

function isRecord(value: unknown): value is Source {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.stringify so a hostile string cannot forge log lines; long values are cut. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function checkKeys(source: Source, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(source)) {
    if (!allowed.includes(key)) problems.add(join(path, key), `is not a known field; expected one of ${allowed.join(', ')}`);
  }
}

interface NumberRule {
  integer?: boolean;
  min?: number;
  /** Strictly greater than this. */
  above?: number;
  max?: number;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer === true ? 'an integer' : 'a number';
  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`≥ ${rule.min}`);
  if (rule.above !== undefined) bounds.push(`> ${rule.above}`);
  if (rule.max !== undefined) bounds.push(`≤ ${rule.max}`);
  return bounds.length > 0 ? `${kind} ${bounds.join(' and ')}` : kind;
}

/** The value at `key`, or `fallback` when absent; on a problem records it and returns the fallback. */
function readNumber(source: Source, key: string, path: string, rule: NumberRule, fallback: number | undefined, problems: Problems): number {
  const value = source[key];
  const where = join(path, key);
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    problems.add(where, `is required (${describeRule(rule)})`);
    return Number.NaN;
  }
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.integer !== true || Number.isSafeInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) {
    problems.add(where, `must be ${describeRule(rule)}, got ${show(value)}`);
    return fallback ?? Number.NaN;
  }
  return value;
}

function readChoice<T extends string>(
  source: Source,
  key: string,
  path: string,
  choices: readonly T[],
  fallback: T | undefined,
  problems: Problems,
): T {
  const value = source[key];
  const where = join(path, key);
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  const expected = choices.join(', ');
  problems.add(where, value === undefined ? `is required (one of ${expected})` : `must be one of ${expected}, got ${show(value)}`);
  return fallback ?? choices[0]!;
}

/** The array at `key` (or undefined when absent); records a problem if present but not an array. */
function readArray(source: Source, key: string, path: string, problems: Problems): unknown[] | undefined {
  const value = source[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problems.add(join(path, key), `must be a list, got ${show(value)}`);
    return undefined;
  }
  return value as unknown[];
}

/** The object at `key` ({} when absent, so every field takes its default); null on a problem. */
function readObject(source: Source, key: string, path: string, problems: Problems): Source | null {
  const value = source[key];
  if (value === undefined) return {};
  if (!isRecord(value)) {
    problems.add(join(path, key), `must be an object, got ${show(value)}`);
    return null;
  }
  return value;
}

function readStrategy(input: Source, problems: Problems): ScalingStrategy | null {
  const value = input.strategy;
  if (value === undefined) return 'reactive';
  if (typeof value === 'string' && (SCALING_STRATEGIES as readonly string[]).includes(value)) return value as ScalingStrategy;
  problems.add('strategy', `must be one of ${SCALING_STRATEGIES.join(', ')}, got ${show(value)}`);
  return null;
}

const COMMON_KEYS = ['strategy', 'minReplicas', 'maxReplicas', 'controlPeriodMs', 'behavior'] as const;
const REACTIVE_KEYS = [...COMMON_KEYS, 'metrics'] as const;
const THRESHOLD_KEYS = [...COMMON_KEYS, 'rules', 'scaleUpForS', 'scaleDownForS', 'scaleUpStep', 'scaleDownStep'] as const;
const RATE_KEYS = ['policies', 'selectPolicy', 'cooldownS'] as const;
const REACTIVE_RATE_KEYS = [...RATE_KEYS, 'stabilizationWindowS', 'tolerance'] as const;
const SELECT_POLICIES: readonly SelectPolicy[] = ['max', 'min', 'disabled'];
const RATE_POLICY_TYPES: readonly RatePolicy['type'][] = ['containers', 'percent'];
const MAX_DURATION_S = 86_400;
/** HPA's limit on stabilizationWindowSeconds. */
const WINDOW: NumberRule = { integer: true, min: 0, max: 3600 };

type CommonFields = Pick<ScalingPolicy, 'minReplicas' | 'maxReplicas' | 'controlPeriodMs'>;

function readCommon(input: Source, defaults: ScalingPolicy, problems: Problems): CommonFields {
  const minReplicas = readNumber(input, 'minReplicas', '', { integer: true, min: 1 }, defaults.minReplicas, problems);
  const maxReplicas = readNumber(input, 'maxReplicas', '', { integer: true, min: 1 }, defaults.maxReplicas, problems);
  const period = { integer: true, min: 100, max: 3_600_000 };
  const controlPeriodMs = readNumber(input, 'controlPeriodMs', '', period, defaults.controlPeriodMs, problems);
  if (minReplicas > maxReplicas) problems.add('minReplicas', `must not exceed maxReplicas (${maxReplicas}), got ${minReplicas}`);
  return { minReplicas, maxReplicas, controlPeriodMs };
}

/** `unknownStrategy`: only the common fields are checked, since which others belong depends on the strategy. */
function readReactive(input: Source, problems: Problems, unknownStrategy: boolean): ReactivePolicy {
  const defaults = defaultReactivePolicy();
  checkKeys(input, unknownStrategy ? [...REACTIVE_KEYS, ...THRESHOLD_KEYS] : REACTIVE_KEYS, '', problems);
  const common = readCommon(input, defaults, problems);
  const behavior = readObject(input, 'behavior', '', problems);
  if (unknownStrategy) return { ...defaults, ...common };
  if (behavior !== null) checkKeys(behavior, ['scaleUp', 'scaleDown'], 'behavior', problems);
  return {
    ...defaults,
    ...common,
    metrics: readMetricTargets(input, defaults.metrics, problems),
    behavior: {
      scaleUp: readReactiveRules(behavior, 'scaleUp', defaults.behavior.scaleUp, problems),
      scaleDown: readReactiveRules(behavior, 'scaleDown', defaults.behavior.scaleDown, problems),
    },
  };
}

function readThreshold(input: Source, problems: Problems): ThresholdPolicy {
  const defaults = defaultThresholdPolicy();
  checkKeys(input, THRESHOLD_KEYS, '', problems);
  const behavior = readObject(input, 'behavior', '', problems);
  if (behavior !== null) checkKeys(behavior, ['scaleUp', 'scaleDown'], 'behavior', problems);
  const duration = { min: 0, max: MAX_DURATION_S };
  return {
    ...defaults,
    ...readCommon(input, defaults, problems),
    rules: readThresholdRules(input, defaults.rules, problems),
    scaleUpForS: readNumber(input, 'scaleUpForS', '', duration, defaults.scaleUpForS, problems),
    scaleDownForS: readNumber(input, 'scaleDownForS', '', duration, defaults.scaleDownForS, problems),
    scaleUpStep: readNumber(input, 'scaleUpStep', '', { integer: true, min: 1 }, defaults.scaleUpStep, problems),
    scaleDownStep: readNumber(input, 'scaleDownStep', '', { integer: true, min: 1 }, defaults.scaleDownStep, problems),
    behavior: {
      scaleUp: readRateRules(behavior, 'scaleUp', defaults.behavior.scaleUp, problems),
      scaleDown: readRateRules(behavior, 'scaleDown', defaults.behavior.scaleDown, problems),
    },
  };
}

/** null when missing or unknown (already reported), so no metric-specific check misfires on a guess. */
function readMetricName(source: Source, path: string, problems: Problems): MetricName | null {
  const value = source.metric;
  if (typeof value === 'string' && (METRIC_NAMES as readonly string[]).includes(value)) return value as MetricName;
  readChoice(source, 'metric', path, METRIC_NAMES, undefined, problems);
  return null;
}

/** Reports a metric named twice; returns whether `metric` is new. */
function firstUse(seen: Set<MetricName>, metric: MetricName | null, path: string, problems: Problems): metric is MetricName {
  if (metric === null) return false;
  if (seen.has(metric)) {
    problems.add(join(path, 'metric'), `lists ${metric} a second time; give each metric once`);
    return false;
  }
  seen.add(metric);
  return true;
}

/** CPU is a share of the container's limit, so a target or threshold past 100 % can never be reached. */
function cpuCeiling(metric: MetricName | null): number | undefined {
  return metric === 'cpu' ? 100 : undefined;
}

function readMetricTargets(input: Source, defaults: MetricTarget[], problems: Problems): MetricTarget[] {
  const list = readArray(input, 'metrics', '', problems);
  if (list === undefined) return defaults;
  if (list.length === 0) {
    problems.add('metrics', 'must list at least one metric');
    return defaults;
  }
  const seen = new Set<MetricName>();
  const targets: MetricTarget[] = [];
  list.forEach((item, i) => {
    const path = join('metrics', i);
    if (!isRecord(item)) {
      problems.add(path, `must be an object like {"metric": "cpu", "target": 60}, got ${show(item)}`);
      return;
    }
    checkKeys(item, ['metric', 'target'], path, problems);
    const metric = readMetricName(item, path, problems);
    const target = readNumber(item, 'target', path, { above: 0, max: cpuCeiling(metric) }, undefined, problems);
    if (firstUse(seen, metric, path, problems)) targets.push({ metric, target });
  });
  return targets;
}

function readThresholdRules(input: Source, defaults: ThresholdRule[], problems: Problems): ThresholdRule[] {
  const list = readArray(input, 'rules', '', problems);
  if (list === undefined) return defaults;
  if (list.length === 0) {
    problems.add('rules', 'must list at least one rule');
    return defaults;
  }
  const seen = new Set<MetricName>();
  const rules: ThresholdRule[] = [];
  list.forEach((item, i) => {
    const path = join('rules', i);
    if (!isRecord(item)) {
      problems.add(path, `must be an object like {"metric": "cpu", "scaleUpAbove": 80, "scaleDownBelow": 30}, got ${show(item)}`);
      return;
    }
    checkKeys(item, ['metric', 'scaleUpAbove', 'scaleDownBelow'], path, problems);
    const metric = readMetricName(item, path, problems);
    const ceiling = cpuCeiling(metric);
    const scaleUpAbove = readNumber(item, 'scaleUpAbove', path, { min: 0, max: ceiling }, undefined, problems);
    const scaleDownBelow = readNumber(item, 'scaleDownBelow', path, { min: 0, max: ceiling }, undefined, problems);
    if (scaleDownBelow >= scaleUpAbove) {
      problems.add(join(path, 'scaleDownBelow'), `must be less than scaleUpAbove (${scaleUpAbove}), got ${scaleDownBelow}`);
    }
    if (firstUse(seen, metric, path, problems)) rules.push({ metric, scaleUpAbove, scaleDownBelow });
  });
  return rules;
}

type Direction = 'scaleUp' | 'scaleDown';

function readReactiveRules(behavior: Source | null, key: Direction, defaults: ReactiveRules, problems: Problems): ReactiveRules {
  const source = behavior === null ? null : readObject(behavior, key, 'behavior', problems);
  if (source === null) return defaults;
  const path = join('behavior', key);
  checkKeys(source, REACTIVE_RATE_KEYS, path, problems);
  return {
    ...readRateFields(source, path, defaults, problems),
    stabilizationWindowS: readNumber(source, 'stabilizationWindowS', path, WINDOW, defaults.stabilizationWindowS, problems),
    tolerance: readNumber(source, 'tolerance', path, { min: 0 }, defaults.tolerance, problems),
  };
}

function readRateRules(behavior: Source | null, key: Direction, defaults: RateRules, problems: Problems): RateRules {
  const source = behavior === null ? null : readObject(behavior, key, 'behavior', problems);
  if (source === null) return defaults;
  const path = join('behavior', key);
  checkKeys(source, RATE_KEYS, path, problems);
  return readRateFields(source, path, defaults, problems);
}

function readRateFields(source: Source, path: string, defaults: RateRules, problems: Problems): RateRules {
  const selectPolicy = readChoice(source, 'selectPolicy', path, SELECT_POLICIES, defaults.selectPolicy, problems);
  const cooldownS = readNumber(source, 'cooldownS', path, { min: 0, max: MAX_DURATION_S }, defaults.cooldownS, problems);
  return { policies: readRatePolicies(source, path, defaults.policies, selectPolicy, problems), selectPolicy, cooldownS };
}

function readRatePolicies(
  source: Source,
  path: string,
  defaults: RatePolicy[],
  selectPolicy: SelectPolicy,
  problems: Problems,
): RatePolicy[] {
  const list = readArray(source, 'policies', path, problems);
  if (list === undefined) return defaults;
  const listPath = join(path, 'policies');
  // As in HPA, a direction that may change needs at least one policy saying how fast.
  if (list.length === 0 && selectPolicy !== 'disabled') {
    problems.add(listPath, 'must list at least one policy (or set selectPolicy to disabled)');
  }
  const policies: RatePolicy[] = [];
  list.forEach((item, i) => {
    const itemPath = join(listPath, i);
    if (!isRecord(item)) {
      problems.add(itemPath, `must be an object like {"type": "containers", "value": 4, "periodS": 15}, got ${show(item)}`);
      return;
    }
    checkKeys(item, ['type', 'value', 'periodS'], itemPath, problems);
    policies.push({
      type: readChoice(item, 'type', itemPath, RATE_POLICY_TYPES, undefined, problems),
      value: readNumber(item, 'value', itemPath, { integer: true, min: 1 }, undefined, problems),
      periodS: readNumber(item, 'periodS', itemPath, { integer: true, min: 1, max: 1800 }, undefined, problems),
    });
  });
  return policies;
}
