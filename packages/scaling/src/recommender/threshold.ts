import { groupContainers, mean } from './replica-calculator';
import type {
  BreachStreak,
  MetricName,
  RecommenderState,
  ScaleDirection,
  ScalingReason,
  ScalingSnapshot,
  ThresholdMetricExplanation,
  ThresholdPolicy,
} from './types';

/**
 * The classic rule-based strategy, per rule:
 *
 *           mean > scaleUpAbove              held ≥ scaleUpForS
 *   (none) ────────────────────▶ above(since) ──────────────────▶ add scaleUpStep, since := now
 *      ▲                             │
 *      └─── back inside, or no data ─┘     (the same below scaleDownBelow, for scaleDownForS)
 *
 * Any rule held above long enough scales up; scaling down needs every rule held below long enough, since
 * removing capacity that one metric still needs is the costlier mistake. After an action the run in that
 * direction restarts, so each further step needs another full period of evidence (the cooldown in
 * `behavior` then spaces actions further). A sample with no data breaks a run: not knowing is not breaching.
 */

export interface ThresholdProposal {
  metrics: ThresholdMetricExplanation[];
  decidingMetric: MetricName | null;
  raw: number;
  abort: 'no-metrics' | null;
  restingReason: ScalingReason;
  streaks: RecommenderState['streaks'];
}

const NO_STREAK: BreachStreak = { aboveSince: null, belowSince: null };

export function proposeThreshold(
  snapshot: ScalingSnapshot,
  policy: ThresholdPolicy,
  previous: RecommenderState['streaks'],
): ThresholdProposal {
  const { now, currentReplicas, containers } = snapshot;
  const streaks: RecommenderState['streaks'] = {};
  const metrics: ThresholdMetricExplanation[] = [];

  for (const rule of policy.rules) {
    const { readyValues, unready, missing } = groupContainers(containers, rule.metric);
    const observed = readyValues.length > 0 ? mean(readyValues) : null;
    const before = previous[rule.metric] ?? NO_STREAK;
    const above = observed !== null && observed > rule.scaleUpAbove;
    const below = observed !== null && observed < rule.scaleDownBelow;
    const streak: BreachStreak = {
      aboveSince: above ? (before.aboveSince ?? now) : null,
      belowSince: below ? (before.belowSince ?? now) : null,
    };
    streaks[rule.metric] = streak;
    const since = above ? streak.aboveSince : below ? streak.belowSince : null;
    metrics.push({
      metric: rule.metric,
      observed,
      ready: readyValues.length,
      unready,
      missing,
      scaleUpAbove: rule.scaleUpAbove,
      scaleDownBelow: rule.scaleDownBelow,
      breach: above ? 'above' : below ? 'below' : null,
      breachForS: since === null ? 0 : (now - since) / 1000,
      requiredS: above ? policy.scaleUpForS : below ? policy.scaleDownForS : 0,
    });
  }

  const base = { metrics, streaks };
  if (metrics.every((m) => m.observed === null)) {
    return { ...base, decidingMetric: null, raw: currentReplicas, abort: 'no-metrics', restingReason: 'no-metrics' };
  }
  const held = (m: ThresholdMetricExplanation): boolean => m.breach !== null && m.breachForS >= m.requiredS;

  const firedUp = metrics.find((m) => m.breach === 'above' && held(m));
  if (firedUp !== undefined) {
    return { ...base, decidingMetric: firedUp.metric, raw: currentReplicas + policy.scaleUpStep, abort: null, restingReason: 'steady' };
  }
  const withData = metrics.filter((m) => m.observed !== null);
  const allBelow = withData.every((m) => m.breach === 'below');
  const complete = withData.length === metrics.length;
  if (allBelow && complete && withData.every(held)) {
    const raw = currentReplicas - policy.scaleDownStep;
    return { ...base, decidingMetric: metrics[0]?.metric ?? null, raw, abort: null, restingReason: 'steady' };
  }

  let restingReason: ScalingReason = 'steady';
  if (metrics.some((m) => m.breach === 'above')) restingReason = 'breach-pending';
  else if (allBelow) restingReason = complete ? 'breach-pending' : 'partial-metrics';
  return { ...base, decidingMetric: null, raw: currentReplicas, abort: null, restingReason };
}

/** After a change in `direction`, every run in that direction starts over from `now`. */
export function restartStreaks(streaks: RecommenderState['streaks'], direction: ScaleDirection, now: number): RecommenderState['streaks'] {
  const next: RecommenderState['streaks'] = {};
  for (const [metric, streak] of Object.entries(streaks) as Array<[MetricName, BreachStreak]>) {
    next[metric] =
      direction === 'up'
        ? { ...streak, aboveSince: streak.aboveSince === null ? null : now }
        : { ...streak, belowSince: streak.belowSince === null ? null : now };
  }
  return next;
}
