import type { RatePolicy, ReactivePolicy, ThresholdPolicy } from './types';

/**
 * Every default in one place, units in the names. The reactive ones are Kubernetes' own (HPA controller
 * flags and autoscaling/v2 behaviour defaults), so a policy that sets nothing behaves like a stock HPA.
 */

export const DEFAULT_CONTROL_PERIOD_MS = 2000;
export const DEFAULT_MIN_REPLICAS = 1;
export const DEFAULT_MAX_REPLICAS = 12;
export const DEFAULT_CPU_TARGET_PCT = 60;
/** HPA's --horizontal-pod-autoscaler-tolerance, for each direction. */
export const DEFAULT_TOLERANCE = 0.1;
export const DEFAULT_SCALE_UP_STABILIZATION_S = 0;
/** HPA's --horizontal-pod-autoscaler-downscale-stabilization. */
export const DEFAULT_SCALE_DOWN_STABILIZATION_S = 300;
export const DEFAULT_REACTIVE_COOLDOWN_S = 0;

export const DEFAULT_SCALE_UP_POLICIES: readonly Readonly<RatePolicy>[] = Object.freeze([
  Object.freeze({ type: 'containers', value: 4, periodS: 15 } as const),
  Object.freeze({ type: 'percent', value: 100, periodS: 15 } as const),
]);
export const DEFAULT_SCALE_DOWN_POLICIES: readonly Readonly<RatePolicy>[] = Object.freeze([
  Object.freeze({ type: 'percent', value: 100, periodS: 15 } as const),
]);

export const DEFAULT_THRESHOLD_SCALE_UP_ABOVE = 80;
export const DEFAULT_THRESHOLD_SCALE_DOWN_BELOW = 30;
export const DEFAULT_THRESHOLD_SCALE_UP_FOR_S = 30;
export const DEFAULT_THRESHOLD_SCALE_DOWN_FOR_S = 120;
export const DEFAULT_THRESHOLD_STEP = 1;
/** Long enough for a new container to start taking load before the next step is judged. */
export const DEFAULT_THRESHOLD_SCALE_UP_COOLDOWN_S = 60;
export const DEFAULT_THRESHOLD_SCALE_DOWN_COOLDOWN_S = 120;

/** Fresh, mutable copies: callers (and validation) may build on them without touching the shared ones. */
export function defaultReactivePolicy(): ReactivePolicy {
  return {
    strategy: 'reactive',
    minReplicas: DEFAULT_MIN_REPLICAS,
    maxReplicas: DEFAULT_MAX_REPLICAS,
    controlPeriodMs: DEFAULT_CONTROL_PERIOD_MS,
    metrics: [{ metric: 'cpu', target: DEFAULT_CPU_TARGET_PCT }],
    behavior: {
      scaleUp: {
        stabilizationWindowS: DEFAULT_SCALE_UP_STABILIZATION_S,
        tolerance: DEFAULT_TOLERANCE,
        policies: DEFAULT_SCALE_UP_POLICIES.map((p) => ({ ...p })),
        selectPolicy: 'max',
        cooldownS: DEFAULT_REACTIVE_COOLDOWN_S,
      },
      scaleDown: {
        stabilizationWindowS: DEFAULT_SCALE_DOWN_STABILIZATION_S,
        tolerance: DEFAULT_TOLERANCE,
        policies: DEFAULT_SCALE_DOWN_POLICIES.map((p) => ({ ...p })),
        selectPolicy: 'max',
        cooldownS: DEFAULT_REACTIVE_COOLDOWN_S,
      },
    },
  };
}

export function defaultThresholdPolicy(): ThresholdPolicy {
  return {
    strategy: 'threshold',
    minReplicas: DEFAULT_MIN_REPLICAS,
    maxReplicas: DEFAULT_MAX_REPLICAS,
    controlPeriodMs: DEFAULT_CONTROL_PERIOD_MS,
    rules: [{ metric: 'cpu', scaleUpAbove: DEFAULT_THRESHOLD_SCALE_UP_ABOVE, scaleDownBelow: DEFAULT_THRESHOLD_SCALE_DOWN_BELOW }],
    scaleUpForS: DEFAULT_THRESHOLD_SCALE_UP_FOR_S,
    scaleDownForS: DEFAULT_THRESHOLD_SCALE_DOWN_FOR_S,
    scaleUpStep: DEFAULT_THRESHOLD_STEP,
    scaleDownStep: DEFAULT_THRESHOLD_STEP,
    behavior: {
      scaleUp: {
        policies: DEFAULT_SCALE_UP_POLICIES.map((p) => ({ ...p })),
        selectPolicy: 'max',
        cooldownS: DEFAULT_THRESHOLD_SCALE_UP_COOLDOWN_S,
      },
      scaleDown: {
        policies: DEFAULT_SCALE_DOWN_POLICIES.map((p) => ({ ...p })),
        selectPolicy: 'max',
        cooldownS: DEFAULT_THRESHOLD_SCALE_DOWN_COOLDOWN_S,
      },
    },
  };
}

/** The policy a service gets when it sets none: a stock HPA on CPU at 60 % of the limit. */
export const DEFAULT_SCALING_POLICY: Readonly<ReactivePolicy> = deepFreeze(defaultReactivePolicy());
export const DEFAULT_THRESHOLD_POLICY: Readonly<ThresholdPolicy> = deepFreeze(defaultThresholdPolicy());

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
