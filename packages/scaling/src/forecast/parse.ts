import { ForecastModelError } from './errors';
import type { FitMethod, FittedModel, ForecastModelKind } from './types';

/**
 * Checks a model read back from storage (JSON.parse output) before it is used, listing every problem at
 * once. Only the shape `updateModel` and `forecast` rely on is checked; `selection` is dropped, it is a
 * record of the past and nothing reads it.
 */
export function parseFittedModel(input: unknown): FittedModel {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null) throw new ForecastModelError(['(model) must be an object']);
  const o = input as Record<string, unknown>;
  const num = (path: string, value: unknown, ok: (n: number) => boolean = () => true, rule = 'a finite number'): number => {
    if (typeof value === 'number' && Number.isFinite(value) && ok(value)) return value;
    problems.push(`${path} must be ${rule}, got ${JSON.stringify(value) ?? 'undefined'}`);
    return 0;
  };
  const int = (path: string, value: unknown, min: number): number => num(path, value, (n) => Number.isSafeInteger(n) && n >= min, `an integer ≥ ${min}`);
  const unit = (path: string, value: unknown): number => num(path, value, (n) => n >= 0 && n <= 1, 'within [0, 1]');

  if (o.version !== 1) problems.push(`version must be 1, got ${JSON.stringify(o.version) ?? 'undefined'}`);
  const kinds: readonly ForecastModelKind[] = ['holt', 'holt-winters'];
  const kind = kinds.find((k) => k === o.kind);
  if (kind === undefined) problems.push(`kind must be one of ${kinds.join(', ')}, got ${JSON.stringify(o.kind) ?? 'undefined'}`);
  const p = typeof o.params === 'object' && o.params !== null ? (o.params as Record<string, unknown>) : {};
  const params = { alpha: unit('params.alpha', p.alpha), beta: unit('params.beta', p.beta), gamma: unit('params.gamma', p.gamma), phi: unit('params.phi', p.phi) };
  const seasonLength = int('seasonLength', o.seasonLength, 0);
  const seasonBucketSteps = int('seasonBucketSteps', o.seasonBucketSteps, 1);
  if (kind === 'holt-winters' && seasonLength < 2) problems.push('seasonLength must be ≥ 2 for holt-winters');
  if (kind === 'holt' && seasonLength !== 0) problems.push('seasonLength must be 0 for holt');
  const season = Array.isArray(o.season) ? o.season.map((s, i) => num(`season[${i}]`, s)) : [];
  if (!Array.isArray(o.season) || season.length !== seasonLength) problems.push(`season must list ${seasonLength} numbers`);
  const period = seasonLength * seasonBucketSteps;
  const phase = num('phase', o.phase, (n) => Number.isSafeInteger(n) && n >= 0 && (period === 0 ? n === 0 : n < period), `an integer in [0, ${Math.max(0, period - 1)}]`);
  const varianceWindow = int('varianceWindow', o.varianceWindow, 1);
  const f = typeof o.fit === 'object' && o.fit !== null ? (o.fit as Record<string, unknown>) : {};
  const methods: readonly FitMethod[] = ['nelder-mead', 'grid', 'default'];
  const method = methods.find((m) => m === f.method);
  if (method === undefined) problems.push(`fit.method must be one of ${methods.join(', ')}`);
  if (typeof o.nonNegative !== 'boolean') problems.push('nonNegative must be a boolean');

  const model: FittedModel = {
    version: 1,
    kind: kind ?? 'holt',
    params,
    seasonLength,
    seasonBucketSteps,
    level: num('level', o.level),
    trend: num('trend', o.trend),
    season,
    phase,
    residualVariance: num('residualVariance', o.residualVariance, (n) => n >= 0, 'a number ≥ 0'),
    residualCount: int('residualCount', o.residualCount, 0),
    varianceWindow,
    observations: int('observations', o.observations, 0),
    steps: int('steps', o.steps, 0),
    nonNegative: o.nonNegative === true,
    fit: {
      method: method ?? 'default',
      observations: int('fit.observations', f.observations, 0),
      mse: num('fit.mse', f.mse, (n) => n >= 0, 'a number ≥ 0'),
      aic: num('fit.aic', f.aic),
      parameters: int('fit.parameters', f.parameters, 0),
      evaluations: int('fit.evaluations', f.evaluations, 0),
    },
  };
  if (problems.length > 0) throw new ForecastModelError(problems);
  return model;
}
