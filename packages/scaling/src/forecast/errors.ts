/**
 * A persisted model that cannot be used as it is: written by another version, truncated, or edited by
 * hand. The caller refits from history rather than forecasting from a model that would answer NaN.
 */
export class ForecastModelError extends Error {
  readonly code = 'invalid-forecast-model';
  constructor(readonly problems: readonly string[]) {
    super(`invalid forecast model: ${problems.join('; ')}`);
    this.name = 'ForecastModelError';
  }
}
