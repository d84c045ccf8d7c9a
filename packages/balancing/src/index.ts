export * from './types';
export { UnknownPolicyError } from './errors';
export { createPolicy, isPolicyName } from './registry';
export { seededRandom } from './random';
export { DEFAULT_OUTLIER_SETTINGS, OutlierDetector, type AttemptResult, type OutlierSettings } from './outlier-detector';
export { slowStartWeight } from './slow-start';
export { AdaptiveConcurrencyLimit, DEFAULT_ADAPTIVE_LIMIT_SETTINGS, type AdaptiveLimitSettings } from './adaptive-limit';
