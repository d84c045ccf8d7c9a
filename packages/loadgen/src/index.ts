export { ArrivalSchedule, ARRIVAL_MODES, type ArrivalMode } from './arrivals';
export { InputError, UsageError } from './errors';
export { HISTOGRAM_RELATIVE_ERROR, LatencyHistogram, type LatencySummary } from './histogram';
export { LOAD_EXIT, run, type LoadIo } from './main';
export { PATTERN_NAMES, patternRate, traceRate, type PatternName, type RateFn } from './patterns';
export { runLoad, type LoadHooks, type LoadOptions, type LoadResult, type SecondRow } from './runner';
export { isLoopbackHost, resolveTarget } from './target';
