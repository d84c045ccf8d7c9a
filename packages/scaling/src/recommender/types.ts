/**
 * The recommender's vocabulary: a metrics snapshot in, a desired count plus the whole reasoning out, and
 * the small state carried from one control period to the next as plain data. Time only ever arrives in
 * the snapshot (`now`, ms), so the VIM's loop and the simulator run the same code and get the same answer.
 */

export const METRIC_NAMES = ['cpu', 'rps', 'inflight'] as const;

/**
 * `cpu`: utilisation in percent of the container's CPU limit. `rps`: requests per second served by the
 * container. `inflight`: requests in flight in the container, plus (in the VIM) its share of the requests
 * waiting for a free container in its VM's tier-2 queue. All three are per-container values whose mean over
 * the counted containers is compared with the target.
 */
export type MetricName = (typeof METRIC_NAMES)[number];

export const SCALING_STRATEGIES = ['reactive', 'threshold'] as const;

export type ScalingStrategy = (typeof SCALING_STRATEGIES)[number];

export interface ContainerMetrics {
  id: string;
  /** Passing its readiness check and in the balancer's rotation. */
  ready: boolean;
  /** Created but not ready yet (HPA's Pending): its numbers say nothing about steady-state load. */
  starting: boolean;
  /** Latest value of each metric; absent (or not a finite number ≥ 0) means no data for that metric. */
  metrics: Partial<Record<MetricName, number>>;
}

export interface ScalingSnapshot {
  /** Milliseconds on whatever clock the caller uses; only differences between calls matter. */
  now: number;
  /** The count the service currently asks for (HPA's spec.replicas), not how many are running. */
  currentReplicas: number;
  /** The service's live containers; leave out ones being drained or stopped (HPA ignores deleted pods). */
  containers: readonly ContainerMetrics[];
  /**
   * Requests waiting for a free container in front of the service's ready containers (the VMM's tier-2
   * queue, summed over the VMs they run on). Any at all holds a scale-down: see {@link UnservedDemand}.
   * Absent: 0, for a caller that has no such queue.
   */
  queued?: number;
  /**
   * Whether the service's latency is over its objective right now (the VIM: tier-1 p99 above
   * `--slo-p99-ms` in the latest sample). Holds a scale-down like `queued`. Absent: false, as with no SLO set.
   */
  latencyBreached?: boolean;
}

export type RatePolicyType = 'containers' | 'percent';

/** HPA's HPAScalingPolicy: at most `value` containers (or percent) of change per `periodS` seconds. */
export interface RatePolicy {
  type: RatePolicyType;
  /** A positive integer: containers, or percent of the count at the start of the period. */
  value: number;
  /** 1–1800 s, as in HPA. */
  periodS: number;
}

/** `max` allows the policy giving the biggest change, `min` the smallest, `disabled` no change in this direction. */
export type SelectPolicy = 'max' | 'min' | 'disabled';

export interface RateRules {
  /** @default up: [{containers 4 per 15 s}, {percent 100 per 15 s}]; down: [{percent 100 per 15 s}] */
  policies: RatePolicy[];
  /** @default 'max' */
  selectPolicy: SelectPolicy;
  /**
   * After a change in this direction, no further change in this direction for this long (seconds).
   * @default 0 for reactive (pure HPA); threshold: 60 up, 120 down
   */
  cooldownS: number;
}

export interface ReactiveRules extends RateRules {
  /** Seconds of past recommendations to stabilise over (HPA stabilizationWindowSeconds). @default up 0, down 300 */
  stabilizationWindowS: number;
  /** Ratio slack before acting in this direction (HPA behavior.scaleUp/scaleDown.tolerance). @default 0.1 */
  tolerance: number;
}

export interface MetricTarget {
  metric: MetricName;
  /** Desired per-container mean: percent of the CPU limit (0–100], requests/s, or requests in flight. */
  target: number;
}

interface PolicyCommon {
  /** @default 1 */
  minReplicas: number;
  /** @default 12 */
  maxReplicas: number;
  /** How often the VIM runs the loop for this service; carried for the caller, unused by `recommend`. @default 2000 */
  controlPeriodMs: number;
}

/** The Kubernetes HPA algorithm with behaviour policies (autoscaling/v2). */
export interface ReactivePolicy extends PolicyCommon {
  strategy: 'reactive';
  /** One recommendation each; the largest wins. @default [{ metric: 'cpu', target: 60 }] */
  metrics: MetricTarget[];
  behavior: { scaleUp: ReactiveRules; scaleDown: ReactiveRules };
}

export interface ThresholdRule {
  metric: MetricName;
  /** Breaching while the per-container mean is strictly above this. */
  scaleUpAbove: number;
  /** Breaching while the per-container mean is strictly below this; must be less than scaleUpAbove. */
  scaleDownBelow: number;
}

/** The classic step rules: above X for N seconds → add k; below Y for M seconds → remove k. */
export interface ThresholdPolicy extends PolicyCommon {
  strategy: 'threshold';
  /**
   * Any rule breached above long enough scales up; every rule must be breached below to scale down.
   * @default [{ metric: 'cpu', scaleUpAbove: 80, scaleDownBelow: 30 }]
   */
  rules: ThresholdRule[];
  /** @default 30 */
  scaleUpForS: number;
  /** @default 120 */
  scaleDownForS: number;
  /** Containers added per action. @default 1 */
  scaleUpStep: number;
  /** Containers removed per action. @default 1 */
  scaleDownStep: number;
  behavior: { scaleUp: RateRules; scaleDown: RateRules };
}

export type ScalingPolicy = ReactivePolicy | ThresholdPolicy;

export interface TimedRecommendation {
  at: number;
  replicas: number;
}

export interface ScaleEvent {
  at: number;
  /** Signed: +2 added two containers, −1 removed one. */
  change: number;
}

export interface BreachStreak {
  /** When the current unbroken run above scaleUpAbove began (reset when an action is taken); null if not above. */
  aboveSince: number | null;
  belowSince: number | null;
}

/**
 * Everything `recommend` remembers between calls: plain JSON-safe data, pruned on every call to what the
 * policy's windows and periods can still see. Pass `undefined` on a service's first call.
 */
export interface RecommenderState {
  /** Raw recommendations (before stabilisation), newest last, for the stabilisation windows. */
  recommendations: TimedRecommendation[];
  /** Changes this recommender made, for the rate-limit periods. */
  scaleEvents: ScaleEvent[];
  lastScaleUpAt: number | null;
  lastScaleDownAt: number | null;
  /** Threshold strategy only: per-metric breach runs. */
  streaks: Partial<Record<MetricName, BreachStreak>>;
}

/** Why the final count is what it is: the last stage that changed (or held) the number. */
export const SCALING_REASONS = [
  /** Reactive: metrics above target, desired applied as computed. */
  'scale-up',
  /** Reactive: every metric below target, desired applied as computed. */
  'scale-down',
  /** Threshold: a breach held long enough; the step was applied as computed. */
  'threshold-breached',
  /** Reactive: the deciding metric's usage ratio is inside the tolerance band. */
  'within-tolerance',
  /** Reactive: counting unready or missing containers reversed the direction or landed inside tolerance. */
  'direction-reversed',
  /** The metrics ask for the current count (reactive outside tolerance but rounding back; threshold: no breach). */
  'steady',
  /** Threshold: a breach is under way but has not lasted long enough yet. */
  'breach-pending',
  /** No configured metric has data from any ready container. */
  'no-metrics',
  /** Some metric has no data and the rest would scale down: HPA refuses to scale down half-blind. */
  'partial-metrics',
  /** A stabilisation window held the count back. */
  'stabilised',
  /** The per-direction cooldown blocked a change. */
  'cooldown',
  /** A behaviour rate policy capped the change. */
  'rate-limited',
  'clamped-min',
  'clamped-max',
  /** currentReplicas is 0 with minReplicas > 0: HPA treats that as autoscaling switched off. */
  'scaling-disabled',
  /** A scale-down was refused: requests wait for a container, or latency is over its objective. */
  'unserved-demand',
] as const;

export type ScalingReason = (typeof SCALING_REASONS)[number];

/** `steady`: outside the tolerance, yet the rounded count equals the current one. */
export type MetricOutcome = 'scale-up' | 'scale-down' | 'steady' | 'within-tolerance' | 'direction-reversed' | 'no-data';

interface MetricExplanationCommon {
  metric: MetricName;
  /** Mean over ready containers that reported it (before any fill-in); null with no such container. */
  observed: number | null;
  /** Ready containers with data. */
  ready: number;
  /** Starting, or not ready while reporting (HPA's unready pods). */
  unready: number;
  /** Not starting but without data for this metric. */
  missing: number;
}

export interface ReactiveMetricExplanation extends MetricExplanationCommon {
  target: number;
  /** observed / target; null without data. */
  usageRatio: number | null;
  /** The ratio recomputed with unready/missing containers filled in; null when no recomputation was needed. */
  adjustedRatio: number | null;
  /** Containers in the final calculation (ready, plus filled-in ones when adjusted). */
  counted: number;
  /** This metric's desired count; null without data. */
  recommendation: number | null;
  outcome: MetricOutcome;
}

export type BreachDirection = 'above' | 'below';

export interface ThresholdMetricExplanation extends MetricExplanationCommon {
  scaleUpAbove: number;
  scaleDownBelow: number;
  /** Which threshold the observed mean is beyond right now; null when between them or without data. */
  breach: BreachDirection | null;
  /** How long the current breach has lasted, in seconds (0 when none). */
  breachForS: number;
  /** How long it must last to act: scaleUpForS or scaleDownForS (0 when none). */
  requiredS: number;
}

export type ScaleDirection = 'up' | 'down';

export interface RateLimitExplanation {
  direction: ScaleDirection;
  /** The bound the rate policies allow right now (never past the current count in the other direction). */
  limit: number;
  selectPolicy: SelectPolicy;
  /** The policy that set the bound; null when the direction is disabled. */
  policy: RatePolicy | null;
  /** That policy's starting point: the current count with the changes inside its period undone. */
  periodStartReplicas: number;
}

export interface StabilisationExplanation {
  upWindowS: number;
  downWindowS: number;
  /** Lowest raw recommendation in the scale-up window, this one included. */
  lowestInUpWindow: number;
  /** Highest raw recommendation in the scale-down window, this one included. */
  highestInDownWindow: number;
}

/**
 * Signs that the service is not serving what it is asked, whatever its containers' metrics say: requests
 * waiting in line, or a latency objective missed. While either shows, no scale-down is taken (the count
 * stays; scale-up is unaffected). CPU alone can look idle on a starved or throttled host while requests
 * wait seconds; removing a container then makes it worse.
 */
export interface UnservedDemand {
  /** The snapshot's `queued`. */
  queued: number;
  /** The snapshot's `latencyBreached`. */
  latencyBreached: boolean;
}

interface ScalingExplanationCommon {
  at: number;
  currentReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  /** The metric that set `raw` (first in policy order on a tie); null when none did. */
  decidingMetric: MetricName | null;
  /** The strategy's unbounded answer (reactive: max over metrics). */
  raw: number;
  stabilised: number;
  /** After the cooldown and the behaviour rate policies. */
  rateLimited: number;
  /** After minReplicas/maxReplicas. */
  clamped: number;
  /** What the snapshot showed of unserved demand; null when it showed none. */
  unservedDemand: UnservedDemand | null;
  /** `clamped`, or the current count when unserved demand held a scale-down (reason 'unserved-demand'). */
  desired: number;
  reason: ScalingReason;
  /** One sentence for `acs why`. */
  summary: string;
  /** Set when a rate bound was computed (a change was wanted after stabilisation and no cooldown applied). */
  rateLimit: RateLimitExplanation | null;
  /** When the cooldown that blocked this decision ends; null unless reason is 'cooldown'. */
  cooldownUntil: number | null;
}

export interface ReactiveExplanation extends ScalingExplanationCommon {
  strategy: 'reactive';
  /** One entry per configured metric; empty when the count was forced into [min, max] before looking. */
  metrics: ReactiveMetricExplanation[];
  tolerance: { up: number; down: number };
  /** null when stabilisation did not run (no metrics, a forced clamp, scaling disabled). */
  stabilisation: StabilisationExplanation | null;
}

export interface ThresholdExplanation extends ScalingExplanationCommon {
  strategy: 'threshold';
  metrics: ThresholdMetricExplanation[];
}

export type ScalingExplanation = ReactiveExplanation | ThresholdExplanation;

export interface Recommendation {
  /** The count to ask for now. */
  desired: number;
  /** To pass to the next call; already records this decision's scale event, if any. */
  state: RecommenderState;
  explanation: ScalingExplanation;
}
