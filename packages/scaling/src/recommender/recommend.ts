import { applyLimits, pruneHistory, stabilise, type LimitedCount } from './behavior';
import { holdScaleDown, unservedDemandOf } from './demand-hold';
import { proposeReactive } from './reactive';
import { summariseReactive, summariseThreshold } from './summary';
import { proposeThreshold, restartStreaks } from './threshold';
import type {
  ReactiveExplanation,
  ReactivePolicy,
  Recommendation,
  RecommenderState,
  ScalingPolicy,
  ScalingReason,
  ScalingSnapshot,
  ThresholdExplanation,
  ThresholdPolicy,
} from './types';

/**
 * One control-loop decision: HPA's reconcileAutoscaler from "read the scale" to "update the scale", as a
 * function of the snapshot, the (validated) policy and the previous state.
 *
 *   bounds check ──▶ strategy (reactive: metrics → max; threshold: breach runs) ──▶ stabilise (reactive)
 *     ──▶ cooldown ──▶ rate policies ──▶ min/max ──▶ unserved-demand hold ──▶ desired, new state, explanation
 *
 * The returned state already records this decision's scale event (HPA's storeScaleEvent), since asking for a
 * new count is the action here and cannot half-fail. Pass `state` undefined on the first call for a service:
 * like HPA's recordInitialRecommendation it then remembers the current count as a recommendation, so a
 * freshly started recommender does not scale down within its first scale-down window.
 */
export function recommend(snapshot: ScalingSnapshot, policy: ScalingPolicy, state?: RecommenderState): Recommendation {
  checkSnapshot(snapshot);
  const { now, currentReplicas } = snapshot;
  const previous = state ?? initialState(now, currentReplicas);
  return policy.strategy === 'reactive'
    ? recommendReactive(snapshot, policy, previous)
    : recommendThreshold(snapshot, policy, previous);
}

/** A state with no history: unlike passing `undefined` to `recommend`, it does not hold back the first scale-down. */
export function emptyRecommenderState(): RecommenderState {
  return { recommendations: [], scaleEvents: [], lastScaleUpAt: null, lastScaleDownAt: null, streaks: {} };
}

function initialState(now: number, currentReplicas: number): RecommenderState {
  return { ...emptyRecommenderState(), recommendations: [{ at: now, replicas: currentReplicas }] };
}

function checkSnapshot(snapshot: ScalingSnapshot): void {
  if (!Number.isFinite(snapshot.now)) throw new RangeError(`snapshot.now must be a finite number of ms, got ${String(snapshot.now)}`);
  const n = snapshot.currentReplicas;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`snapshot.currentReplicas must be an integer ≥ 0, got ${String(n)}`);
  const q = snapshot.queued;
  // A garbled count must not read as "nothing waits" and let a scale-down through.
  if (q !== undefined && !(Number.isFinite(q) && q >= 0)) throw new RangeError(`snapshot.queued must be a number ≥ 0, got ${String(q)}`);
}

type Forced = { desired: number; reason: Extract<ScalingReason, 'scaling-disabled' | 'clamped-max' | 'clamped-min'> };

/**
 * HPA checks these before looking at any metric: a count of 0 means autoscaling was switched off by hand,
 * and a count outside [min, max] (the policy just changed, or someone scaled by hand) is corrected at once,
 * without stabilisation or rate limits.
 */
function forcedByBounds(currentReplicas: number, policy: ScalingPolicy): Forced | null {
  if (currentReplicas === 0 && policy.minReplicas !== 0) return { desired: 0, reason: 'scaling-disabled' };
  if (currentReplicas > policy.maxReplicas) return { desired: policy.maxReplicas, reason: 'clamped-max' };
  if (currentReplicas < policy.minReplicas) return { desired: policy.minReplicas, reason: 'clamped-min' };
  return null;
}

/** Stages that did not run, reported as leaving the count where it was. */
function unchanged(count: number): LimitedCount {
  return { rateLimited: count, clamped: count, limitedBy: null, rateLimit: null, cooldownUntil: null };
}

function common(snapshot: ScalingSnapshot, policy: ScalingPolicy) {
  return {
    at: snapshot.now,
    currentReplicas: snapshot.currentReplicas,
    minReplicas: policy.minReplicas,
    maxReplicas: policy.maxReplicas,
    unservedDemand: unservedDemandOf(snapshot),
  };
}

function finalReason(
  held: boolean,
  limits: LimitedCount,
  stabilised: number,
  raw: number,
  currentReplicas: number,
  actionReason: ScalingReason | null,
  restingReason: ScalingReason,
): ScalingReason {
  if (held) return 'unserved-demand';
  if (limits.limitedBy !== null) return limits.limitedBy;
  if (stabilised !== raw) return 'stabilised';
  if (raw > currentReplicas) return actionReason ?? 'scale-up';
  if (raw < currentReplicas) return actionReason ?? 'scale-down';
  return restingReason;
}

/** HPA's storeScaleEvent plus our cooldown bookkeeping, then pruning. */
function commit(state: RecommenderState, policy: ScalingPolicy, now: number, currentReplicas: number, desired: number): RecommenderState {
  let next = state;
  if (desired !== currentReplicas) {
    next = {
      ...next,
      scaleEvents: [...next.scaleEvents, { at: now, change: desired - currentReplicas }],
      lastScaleUpAt: desired > currentReplicas ? now : next.lastScaleUpAt,
      lastScaleDownAt: desired < currentReplicas ? now : next.lastScaleDownAt,
    };
  }
  return pruneHistory(next, policy, now);
}

function recommendReactive(snapshot: ScalingSnapshot, policy: ReactivePolicy, state: RecommenderState): Recommendation {
  const { now, currentReplicas } = snapshot;
  const tolerance = { up: policy.behavior.scaleUp.tolerance, down: policy.behavior.scaleDown.tolerance };
  const explain = (e: Omit<ReactiveExplanation, 'summary'>): ReactiveExplanation => ({ ...e, summary: summariseReactive(e) });

  const forced = forcedByBounds(currentReplicas, policy);
  if (forced !== null) {
    const explanation = explain({
      strategy: 'reactive',
      ...common(snapshot, policy),
      metrics: [],
      tolerance,
      stabilisation: null,
      decidingMetric: null,
      raw: currentReplicas,
      stabilised: currentReplicas,
      ...unchanged(currentReplicas),
      clamped: forced.desired,
      desired: forced.desired,
      reason: forced.reason,
    });
    return { desired: forced.desired, state: commit(state, policy, now, currentReplicas, forced.desired), explanation };
  }

  const proposal = proposeReactive(snapshot, policy);
  if (proposal.abort !== null) {
    const explanation = explain({
      strategy: 'reactive',
      ...common(snapshot, policy),
      metrics: proposal.metrics,
      tolerance,
      stabilisation: null,
      decidingMetric: proposal.decidingMetric,
      raw: proposal.raw,
      stabilised: currentReplicas,
      ...unchanged(currentReplicas),
      desired: currentReplicas,
      reason: proposal.abort,
    });
    return { desired: currentReplicas, state: commit(state, policy, now, currentReplicas, currentReplicas), explanation };
  }

  const { scaleUp, scaleDown } = policy.behavior;
  const { stabilised, explanation: stabilisation } = stabilise(
    state.recommendations,
    proposal.raw,
    currentReplicas,
    now,
    scaleUp.stabilizationWindowS,
    scaleDown.stabilizationWindowS,
  );
  // The raw recommendation is what is remembered, not the stabilised one, as in HPA.
  const recorded: RecommenderState = { ...state, recommendations: [...state.recommendations, { at: now, replicas: proposal.raw }] };
  const limits = applyLimits(currentReplicas, stabilised, policy, state, now);
  const base = common(snapshot, policy);
  const { desired, held } = holdScaleDown(currentReplicas, limits.clamped, base.unservedDemand);
  const explanation = explain({
    strategy: 'reactive',
    ...base,
    metrics: proposal.metrics,
    tolerance,
    stabilisation,
    decidingMetric: proposal.decidingMetric,
    raw: proposal.raw,
    stabilised,
    ...limits,
    desired,
    reason: finalReason(held, limits, stabilised, proposal.raw, currentReplicas, null, proposal.restingReason),
  });
  return { desired, state: commit(recorded, policy, now, currentReplicas, desired), explanation };
}

function recommendThreshold(snapshot: ScalingSnapshot, policy: ThresholdPolicy, state: RecommenderState): Recommendation {
  const { now, currentReplicas } = snapshot;
  const explain = (e: Omit<ThresholdExplanation, 'summary'>): ThresholdExplanation => ({ ...e, summary: summariseThreshold(e) });

  const forced = forcedByBounds(currentReplicas, policy);
  if (forced !== null) {
    const explanation = explain({
      strategy: 'threshold',
      ...common(snapshot, policy),
      metrics: [],
      decidingMetric: null,
      raw: currentReplicas,
      stabilised: currentReplicas,
      ...unchanged(currentReplicas),
      clamped: forced.desired,
      desired: forced.desired,
      reason: forced.reason,
    });
    return { desired: forced.desired, state: commit(state, policy, now, currentReplicas, forced.desired), explanation };
  }

  const proposal = proposeThreshold(snapshot, policy, state.streaks);
  // No stabilisation window: the breach duration already is this strategy's damping.
  const limits = proposal.abort === null ? applyLimits(currentReplicas, proposal.raw, policy, state, now) : unchanged(currentReplicas);
  const base = common(snapshot, policy);
  // A held scale-down keeps its breach run: the step is taken on the first period without unserved demand.
  const { desired, held } = holdScaleDown(currentReplicas, limits.clamped, base.unservedDemand);
  let streaks = proposal.streaks;
  if (desired > currentReplicas) streaks = restartStreaks(streaks, 'up', now);
  if (desired < currentReplicas) streaks = restartStreaks(streaks, 'down', now);
  const explanation = explain({
    strategy: 'threshold',
    ...base,
    metrics: proposal.metrics,
    decidingMetric: proposal.decidingMetric,
    raw: proposal.raw,
    stabilised: proposal.raw,
    ...limits,
    desired,
    reason: finalReason(held, limits, proposal.raw, proposal.raw, currentReplicas, 'threshold-breached', proposal.restingReason),
  });
  return { desired, state: commit({ ...state, streaks }, policy, now, currentReplicas, desired), explanation };
}
