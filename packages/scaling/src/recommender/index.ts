export * from './types';
export * from './defaults';
export { ScalingPolicyError, type PolicyProblem } from './errors';
export { validateScalingPolicy } from './validate';
export { emptyRecommenderState, recommend } from './recommend';
export { calculateMetricReplicas, type Tolerances } from './replica-calculator';
export { describeRatePolicy } from './summary';
