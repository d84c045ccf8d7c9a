export * from './types';
export * from './defaults';
export { predictiveRecommendation, resolveHeadroom } from './policy';
export { combineWithReactive } from './combine';
export {
  capacityEstimate,
  createCapacityLearner,
  learnCapacity,
  type CapacityLearnerOptions,
  type CapacityLearnerState,
  type CapacitySample,
} from './capacity';
export {
  createStartupTimeTracker,
  predictionHorizonSteps,
  recordStartup,
  startupEstimate,
  type StartupTimeOptions,
  type StartupTimeState,
} from './startup';
