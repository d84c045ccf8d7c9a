import type { ContainerMetrics, MetricName, ReactiveMetricExplanation } from './types';

/**
 * One metric's desired count: Kubernetes' ReplicaCalculator (GetResourceReplicas / calcPlainMetricReplicas)
 * step for step, over containers instead of pods. Kept free of policy plumbing so a later predictive
 * recommender can ask "what would the reactive rule say?" for its floor.
 */

export interface Tolerances {
  up: number;
  down: number;
}

/**
 * Ratios and counts come from floating-point metrics: 0.7 × 10 must be 7, not 7.000000000000001 rounding up
 * to 8, and a ratio that is 1.1 on paper must count as on the tolerance edge. Kubernetes mostly sidesteps
 * this with integer milli-values; a tiny slack does the same for us without changing any real decision.
 */
const EPSILON = 1e-9;

export function isWithinTolerance(usageRatio: number, tolerances: Tolerances): boolean {
  return 1 - tolerances.down - EPSILON <= usageRatio && usageRatio <= 1 + tolerances.up + EPSILON;
}

export function ceilCount(x: number): number {
  // max with 0 also turns the -0 that ceil gives for tiny negatives into a plain 0.
  return Math.max(0, Math.ceil(x - EPSILON));
}

/** A metric value we can do arithmetic with; anything else is treated as "no data". */
export function usableValue(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export interface ContainerGroups {
  readyValues: number[];
  unready: number;
  missing: number;
}

/**
 * HPA's groupPods, in its order: a starting container is unready whatever it reports (HPA: Pending); then
 * one without data is missing, even if not ready; then one reporting while not ready is unready. HPA applies
 * that last test to CPU only; here it applies to every metric, because an unready container is out of the
 * balancer's rotation, so its requests/s and in-flight are near zero and would drag the mean down.
 */
export function groupContainers(containers: readonly ContainerMetrics[], metric: MetricName): ContainerGroups {
  const readyValues: number[] = [];
  let unready = 0;
  let missing = 0;
  for (const container of containers) {
    if (container.starting) {
      unready++;
      continue;
    }
    const value = container.metrics[metric];
    if (!usableValue(value)) {
      missing++;
      continue;
    }
    if (!container.ready) {
      unready++;
      continue;
    }
    readyValues.push(value);
  }
  return { readyValues, unready, missing };
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * What a container without data is assumed to use when the others say "scale down": the target for a plain
 * metric, and for CPU 100 % of its allocation (or the target if that is higher), exactly as HPA. Assuming it
 * busy makes a scale-down that ignores it more cautious, never less.
 */
function missingFillForScaleDown(metric: MetricName, target: number): number {
  return metric === 'cpu' ? Math.max(100, target) : target;
}

export function calculateMetricReplicas(
  containers: readonly ContainerMetrics[],
  metric: MetricName,
  target: number,
  currentReplicas: number,
  tolerances: Tolerances,
): ReactiveMetricExplanation {
  const { readyValues, unready, missing } = groupContainers(containers, metric);
  const base = { metric, target, ready: readyValues.length, unready, missing };

  // HPA: "did not receive metrics for targeted pods" — an error for this metric, i.e. no recommendation.
  if (readyValues.length === 0) {
    return { ...base, observed: null, usageRatio: null, adjustedRatio: null, counted: 0, recommendation: null, outcome: 'no-data' };
  }

  const observed = mean(readyValues);
  const usageRatio = observed / target;
  const plain = { ...base, observed, usageRatio };

  const scaleUpWithUnready = unready > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && missing === 0) {
    if (isWithinTolerance(usageRatio, tolerances)) {
      return { ...plain, adjustedRatio: null, counted: readyValues.length, recommendation: currentReplicas, outcome: 'within-tolerance' };
    }
    const recommendation = ceilCount(usageRatio * readyValues.length);
    const outcome = outcomeOf(recommendation, currentReplicas);
    return { ...plain, adjustedRatio: null, counted: readyValues.length, recommendation, outcome };
  }

  // Recompute with the gaps filled pessimistically for the direction the ready containers point in.
  const values = [...readyValues];
  if (missing > 0) {
    if (usageRatio < 1) {
      for (let i = 0; i < missing; i++) values.push(missingFillForScaleDown(metric, target));
    } else if (usageRatio > 1) {
      for (let i = 0; i < missing; i++) values.push(0);
    }
  }
  if (scaleUpWithUnready) {
    for (let i = 0; i < unready; i++) values.push(0);
  }
  const adjustedRatio = mean(values) / target;
  const adjusted = { ...plain, adjustedRatio, counted: values.length };

  const reversed = (usageRatio < 1 && adjustedRatio > 1) || (usageRatio > 1 && adjustedRatio < 1);
  if (isWithinTolerance(adjustedRatio, tolerances) || reversed) {
    // Same answer as HPA either way; the outcome only says which story to tell.
    const outcome = isWithinTolerance(usageRatio, tolerances) ? 'within-tolerance' : 'direction-reversed';
    return { ...adjusted, recommendation: currentReplicas, outcome };
  }

  const recommendation = ceilCount(adjustedRatio * values.length);
  // Fewer (or more) containers counted than currently asked for can still flip the direction.
  if ((adjustedRatio < 1 && recommendation > currentReplicas) || (adjustedRatio > 1 && recommendation < currentReplicas)) {
    return { ...adjusted, recommendation: currentReplicas, outcome: 'direction-reversed' };
  }
  return { ...adjusted, recommendation, outcome: outcomeOf(recommendation, currentReplicas) };
}

/**
 * Named by where the count goes, not by the ratio: HPA's simple path can land below the current count with a
 * ratio above 1 (fewer ready containers than asked for) and does not stop that, so neither do we.
 */
function outcomeOf(recommendation: number, currentReplicas: number): ReactiveMetricExplanation['outcome'] {
  if (recommendation > currentReplicas) return 'scale-up';
  if (recommendation < currentReplicas) return 'scale-down';
  return 'steady';
}
