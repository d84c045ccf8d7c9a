import { calculateMetricReplicas } from './replica-calculator';
import type { MetricName, ReactiveMetricExplanation, ReactivePolicy, ScalingReason, ScalingSnapshot } from './types';

/**
 * HPA's computeReplicasForMetrics: one proposal per metric, the largest wins. A metric without data is an
 * error there; if every metric errs, or some err and the rest would scale down, HPA returns before
 * stabilisation and keeps the count (and records no recommendation): scaling down while blind to one signal
 * could remove capacity that signal needs.
 */

export interface ReactiveProposal {
  metrics: ReactiveMetricExplanation[];
  decidingMetric: MetricName | null;
  /** Largest metric recommendation, or the current count when there is none. */
  raw: number;
  abort: 'no-metrics' | 'partial-metrics' | null;
  /** The reason to give if nothing later changes the count and raw equals the current count. */
  restingReason: ScalingReason;
}

export function proposeReactive(snapshot: ScalingSnapshot, policy: ReactivePolicy): ReactiveProposal {
  const { currentReplicas, containers } = snapshot;
  const tolerances = { up: policy.behavior.scaleUp.tolerance, down: policy.behavior.scaleDown.tolerance };
  const metrics = policy.metrics.map((t) => calculateMetricReplicas(containers, t.metric, t.target, currentReplicas, tolerances));

  let deciding: ReactiveMetricExplanation | null = null;
  let invalid = 0;
  for (const m of metrics) {
    if (m.recommendation === null) invalid++;
    // Strictly greater: on a tie the metric listed first is named, as in HPA.
    else if (deciding?.recommendation == null || m.recommendation > deciding.recommendation) deciding = m;
  }

  if (deciding === null || deciding.recommendation === null) {
    return { metrics, decidingMetric: null, raw: currentReplicas, abort: 'no-metrics', restingReason: 'no-metrics' };
  }
  const raw = deciding.recommendation;
  if (invalid > 0 && raw < currentReplicas) {
    return { metrics, decidingMetric: deciding.metric, raw, abort: 'partial-metrics', restingReason: 'partial-metrics' };
  }
  const restingReason: ScalingReason =
    deciding.outcome === 'within-tolerance' || deciding.outcome === 'direction-reversed' ? deciding.outcome : 'steady';
  return { metrics, decidingMetric: deciding.metric, raw, abort: null, restingReason };
}
