import type { ForecastView } from '@acs/api-types';
import type { CollectedMetrics } from './collected-metric';
import { collectedGauge } from './collected-series';
import type { ScrapeScope } from './scrape-scope';
import type { ServicesReader } from './services-reader';

/** The figures of a forecast that are worth a time series: the farthest step's mean and interval, the horizon, the count asked for. */
export interface ForecastFigures {
  mean: number;
  lower: number;
  upper: number;
  horizonSeconds: number;
  replicas: number | null;
}

/** Undefined while there is no model yet (too little history): no series rather than zeros. */
export function forecastFigures(view: Pick<ForecastView, 'forecast' | 'horizonSteps' | 'stepSeconds' | 'recommendation'>): ForecastFigures | undefined {
  const last = view.forecast[view.forecast.length - 1];
  if (last === undefined) return undefined;
  return { mean: last.mean, lower: last.lower, upper: last.upper, horizonSeconds: view.horizonSteps * view.stepSeconds, replicas: view.recommendation?.replicas ?? null };
}

/** Each service's arrival-rate forecast at the predictive policy's horizon (ServiceForecast), read at scrape time. */
export function registerForecastMetrics(metrics: CollectedMetrics, services: ServicesReader, now: () => number, scope: ScrapeScope): void {
  /** Each view is built with a single history point: the series need only the forecast. */
  const read = scope.once((): Array<{ service: string; figures: ForecastFigures }> =>
    services.list().flatMap(({ name }) => {
      const controller = services.get(name);
      const figures = forecastFigures(controller.forecast.view(name, now(), controller.service.policy.controlPeriodMs, 1));
      return figures ? [{ service: name, figures }] : [];
    }),
  );
  collectedGauge(metrics, {
    name: 'acs_forecast_requests_per_second',
    help: "Forecast arrival rate at the traffic front for each service at the predictive horizon (bound: mean, and the prediction interval's lower and upper).",
    labelNames: ['service', 'bound'],
    read: () =>
      read().flatMap(({ service, figures }) => [
        [{ service, bound: 'mean' }, figures.mean] as const,
        [{ service, bound: 'lower' }, figures.lower] as const,
        [{ service, bound: 'upper' }, figures.upper] as const,
      ]),
  });
  collectedGauge(metrics, {
    name: 'acs_forecast_horizon_seconds',
    help: 'How far ahead the predictive policy provisions (start-up time and one control period).',
    labelNames: ['service'],
    read: () => read().map(({ service, figures }) => [{ service }, figures.horizonSeconds] as const),
  });
  collectedGauge(metrics, {
    name: 'acs_forecast_replicas',
    help: 'The count the predictive policy last asked for (it acts on it only in mode on).',
    labelNames: ['service'],
    read: () => read().flatMap(({ service, figures }) => (figures.replicas === null ? [] : [[{ service }, figures.replicas] as const])),
  });
}
