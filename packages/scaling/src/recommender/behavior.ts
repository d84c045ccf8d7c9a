import type {
  RatePolicy,
  RateLimitExplanation,
  RateRules,
  RecommenderState,
  ScaleDirection,
  ScaleEvent,
  ScalingPolicy,
  SelectPolicy,
  StabilisationExplanation,
  ThresholdPolicy,
  TimedRecommendation,
} from './types';

/**
 * HPA's normalizeDesiredReplicasWithBehaviors, minus the Kubernetes objects: stabilisation over past
 * recommendations, then the behaviour rate policies over past scale events. Times are ms; windows and
 * periods are seconds as in the API. A sample counts inside a window only if strictly newer than its start
 * (Go's `timestamp.After(cutoff)`), so a 15 s period forgets an event exactly 15 s after it.
 */

const MS_PER_S = 1000;

function isInside(at: number, now: number, windowS: number): boolean {
  return at > now - windowS * MS_PER_S;
}

/**
 * stabilizeRecommendationWithBehaviors as current Kubernetes has it (older releases consulted only the
 * window of raw's direction): the lowest raw recommendation of the scale-up window is a floor, the highest of
 * the scale-down window a ceiling, and the current count is moved just into [floor, ceiling]. So a dip has
 * to last the whole down window before the count follows it, and with an up window a spike has to last that
 * long before the count rises; the count never moves against `raw`.
 */
export function stabilise(
  recommendations: readonly TimedRecommendation[],
  raw: number,
  currentReplicas: number,
  now: number,
  upWindowS: number,
  downWindowS: number,
): { stabilised: number; explanation: StabilisationExplanation } {
  let lowestInUpWindow = raw;
  let highestInDownWindow = raw;
  for (const rec of recommendations) {
    if (isInside(rec.at, now, upWindowS)) lowestInUpWindow = Math.min(lowestInUpWindow, rec.replicas);
    if (isInside(rec.at, now, downWindowS)) highestInDownWindow = Math.max(highestInDownWindow, rec.replicas);
  }
  let stabilised = currentReplicas;
  if (stabilised < lowestInUpWindow) stabilised = lowestInUpWindow;
  if (stabilised > highestInDownWindow) stabilised = highestInDownWindow;
  return { stabilised, explanation: { upWindowS, downWindowS, lowestInUpWindow, highestInDownWindow } };
}

export interface RateBound {
  /** The furthest count the policies allow in this direction, before HPA's "not past current" correction. */
  bound: number;
  policy: RatePolicy | null;
  periodStartReplicas: number;
}

/** Containers added and removed within the last `periodS`, both as positive numbers (HPA keeps two lists). */
function changesInPeriod(events: readonly ScaleEvent[], now: number, periodS: number): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const event of events) {
    if (!isInside(event.at, now, periodS)) continue;
    if (event.change > 0) added += event.change;
    else removed -= event.change;
  }
  return { added, removed };
}

/**
 * calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors. Each policy allows its
 * change relative to the count at the start of its period (the current count with this period's changes in
 * both directions undone), so two quick steps cannot add up to more than one policy allows. `max` picks the
 * policy allowing the biggest change, `min` the smallest; `disabled` pins the count.
 */
export function rateBound(
  direction: ScaleDirection,
  currentReplicas: number,
  events: readonly ScaleEvent[],
  rules: RateRules,
  now: number,
): RateBound {
  if (rules.selectPolicy === 'disabled') return { bound: currentReplicas, policy: null, periodStartReplicas: currentReplicas };
  let best: RateBound | null = null;
  for (const policy of rules.policies) {
    const { added, removed } = changesInPeriod(events, now, policy.periodS);
    const periodStartReplicas = currentReplicas - added + removed;
    const bound = direction === 'up' ? upProposal(policy, periodStartReplicas) : downProposal(policy, periodStartReplicas);
    if (best === null || prefers(direction, rules.selectPolicy, bound, best.bound)) best = { bound, policy, periodStartReplicas };
  }
  // Validation never lets a non-disabled direction have no policies; pinning is the safe reading if it happens.
  return best ?? { bound: currentReplicas, policy: null, periodStartReplicas: currentReplicas };
}

function upProposal(policy: RatePolicy, start: number): number {
  if (policy.type === 'containers') return start + policy.value;
  // Integer arithmetic first, so 50 × 110 % is exactly 55 and ceil does not make it 56 (as float maths, and
  // so HPA, does). Rounded up, as HPA, or a small count could never grow by a percentage.
  return Math.ceil((start * (100 + policy.value)) / 100);
}

function downProposal(policy: RatePolicy, start: number): number {
  if (policy.type === 'containers') return start - policy.value;
  // Go's int32() conversion truncates toward zero; integers first again, so 20 × (100 − 90) % is 2, not 1.
  return Math.trunc((start * (100 - policy.value)) / 100);
}

/** Whether `candidate` beats `incumbent`; ties keep the earlier policy. */
function prefers(direction: ScaleDirection, select: Exclude<SelectPolicy, 'disabled'>, candidate: number, incumbent: number): boolean {
  const biggerChange = direction === 'up' ? candidate > incumbent : candidate < incumbent;
  const smallerChange = direction === 'up' ? candidate < incumbent : candidate > incumbent;
  return select === 'max' ? biggerChange : smallerChange;
}

/** When the cooldown after the last change in this direction ends, if it has not yet; null otherwise. */
export function cooldownUntil(direction: ScaleDirection, state: RecommenderState, rules: RateRules, now: number): number | null {
  const last = direction === 'up' ? state.lastScaleUpAt : state.lastScaleDownAt;
  if (last === null || rules.cooldownS <= 0) return null;
  const until = last + rules.cooldownS * MS_PER_S;
  return now < until ? until : null;
}

function longestPeriodS(rules: RateRules): number {
  let longest = 0;
  for (const policy of rules.policies) longest = Math.max(longest, policy.periodS);
  return longest;
}

/**
 * Drops what no window or period can see any more, so the state stays small however long a service runs.
 * HPA reuses outdated slots instead; the samples it would still consult are exactly the ones kept here.
 */
export function pruneHistory(state: RecommenderState, policy: ScalingPolicy, now: number): RecommenderState {
  const { scaleUp, scaleDown } = policy.behavior;
  const recommendationWindowS =
    policy.strategy === 'reactive'
      ? Math.max(policy.behavior.scaleUp.stabilizationWindowS, policy.behavior.scaleDown.stabilizationWindowS)
      : 0;
  const upPeriodS = longestPeriodS(scaleUp);
  const downPeriodS = longestPeriodS(scaleDown);
  return {
    ...state,
    recommendations: state.recommendations.filter((rec) => isInside(rec.at, now, recommendationWindowS)),
    scaleEvents: state.scaleEvents.filter((event) => isInside(event.at, now, event.change > 0 ? upPeriodS : downPeriodS)),
    // Runs for metrics no longer in the rules (or a strategy switched away from threshold) mean nothing.
    streaks: policy.strategy === 'threshold' ? pickStreaks(state.streaks, policy) : {},
  };
}

export type LimitReason = 'cooldown' | 'rate-limited' | 'clamped-min' | 'clamped-max';

export interface LimitedCount {
  rateLimited: number;
  clamped: number;
  /** The stage that changed the count, if one did. */
  limitedBy: LimitReason | null;
  rateLimit: RateLimitExplanation | null;
  cooldownUntil: number | null;
}

/**
 * convertDesiredReplicasWithBehaviorRate, preceded by our per-direction cooldown. HPA folds the rate bound and
 * min/max into one bound and names whichever is tighter, the max/min clamp on a tie; we apply them one after
 * the other (same result) so the explanation can show both numbers, and name the stage the same way.
 * Neither bound ever pushes the count past the current one in the other direction.
 */
export function applyLimits(
  currentReplicas: number,
  wanted: number,
  policy: ScalingPolicy,
  state: RecommenderState,
  now: number,
): LimitedCount {
  if (wanted === currentReplicas) {
    return { rateLimited: wanted, clamped: wanted, limitedBy: null, rateLimit: null, cooldownUntil: null };
  }
  const direction: ScaleDirection = wanted > currentReplicas ? 'up' : 'down';
  const rules = direction === 'up' ? policy.behavior.scaleUp : policy.behavior.scaleDown;

  const until = cooldownUntil(direction, state, rules, now);
  if (until !== null) {
    return { rateLimited: currentReplicas, clamped: currentReplicas, limitedBy: 'cooldown', rateLimit: null, cooldownUntil: until };
  }

  const { bound, policy: boundPolicy, periodStartReplicas } = rateBound(direction, currentReplicas, state.scaleEvents, rules, now);
  if (direction === 'up') {
    // HPA: "We shouldn't scale up further until the scaleUpEvents will be cleaned up".
    const limit = Math.max(bound, currentReplicas);
    const rateLimited = Math.min(wanted, limit);
    const clamped = Math.min(rateLimited, policy.maxReplicas);
    const limitedBy = wanted > Math.min(limit, policy.maxReplicas) ? (policy.maxReplicas > limit ? 'rate-limited' : 'clamped-max') : null;
    const rateLimit = { direction, limit, selectPolicy: rules.selectPolicy, policy: boundPolicy, periodStartReplicas };
    return { rateLimited, clamped, limitedBy, rateLimit, cooldownUntil: null };
  }
  const limit = Math.min(bound, currentReplicas);
  const rateLimited = Math.max(wanted, limit);
  const clamped = Math.max(rateLimited, policy.minReplicas);
  const limitedBy = wanted < Math.max(limit, policy.minReplicas) ? (policy.minReplicas < limit ? 'rate-limited' : 'clamped-min') : null;
  const rateLimit = { direction, limit, selectPolicy: rules.selectPolicy, policy: boundPolicy, periodStartReplicas };
  return { rateLimited, clamped, limitedBy, rateLimit, cooldownUntil: null };
}

function pickStreaks(streaks: RecommenderState['streaks'], policy: ThresholdPolicy): RecommenderState['streaks'] {
  const kept: RecommenderState['streaks'] = {};
  for (const rule of policy.rules) {
    const streak = streaks[rule.metric];
    if (streak !== undefined) kept[rule.metric] = streak;
  }
  return kept;
}
