export { VimMetrics, type VimMetricsSources } from './vim-metrics';
export { scalingActionOf, commandOutcomeOf, type ScalingAction, type CommandOutcome } from './event-counts';
export { toPrometheusBuckets, sumHistograms, histogramDelta, estimateQuantile } from './histogram-counts';
export { forecastFigures } from './forecast-metrics';
