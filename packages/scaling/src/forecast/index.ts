export * from './types';
export * from './defaults';
export { ForecastModelError } from './errors';
export { normalQuantile } from './normal';
export { nelderMead, type NelderMeadOptions, type NelderMeadResult } from './nelder-mead';
export { chooseModel, fitHolt, fitHoltWinters, type ForecastHistory } from './fit';
export { forecast, updateModel } from './predict';
export { parseFittedModel } from './parse';
export {
  DEFAULT_ACCURACY_WINDOW,
  DEFAULT_MIN_ACTUAL_FOR_MAPE,
  accuracySummary,
  createAccuracyTracker,
  recordActual,
  recordForecast,
  type AccuracyOptions,
  type AccuracyPair,
  type AccuracyState,
  type AccuracySummary,
  type PendingForecast,
} from './accuracy';
export {
  CHANGE_DETECTOR_DEFAULTS,
  createChangeDetector,
  detectChange,
  oneStepMean,
  restartLevelTrend,
  standardisedResidual,
  type ChangeAlarm,
  type ChangeDetectorSettings,
  type ChangeDetectorState,
  type RestartRule,
} from './change';
