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
export {
  CALIBRATION_MAX_FACTOR,
  CALIBRATION_MIN_PAIRS,
  PREDICTIVE_CONTROLLER_DEFAULTS,
  calibrationFactor,
  controllerHorizonSteps,
  createPredictiveController,
  decidePredictive,
  observeContainers,
  observePoint,
  observeStartup,
  refit,
  resolvePredictiveSettings,
  retargetCapacity,
  summarisePredictive,
  type ForecastTotals,
  type PredictiveControllerInit,
  type PredictiveControllerSettings,
  type PredictiveControllerState,
  type PredictiveControllerSummary,
  type PredictiveDecision,
  type PredictiveSeason,
  type PredictiveTiming,
  type RecentHistory,
} from './controller';
