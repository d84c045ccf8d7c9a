import type { ForecastView } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { percent, duration, renderForecastChart } from '../chart';
import { age, plural, since } from '../format';

/**
 * Fewest observations before a model is fitted, when the VIM does not say: @acs/scaling's
 * FORECAST_MIN_FIT_OBSERVATIONS, below which the error surface is too flat to fit anything.
 */
export const MIN_FORECAST_HISTORY = 10;

/** Parameters in the order the smoothing equations introduce them; any others follow as the VIM sent them. */
const PARAM_ORDER = ['alpha', 'beta', 'gamma', 'phi'];

const MODES: Record<string, string> = {
  off: 'off: the reactive autoscaler alone sets the count',
  'forecast-only': 'forecast-only: forecasts are made and scored, but never change the count',
  on: 'on: the count is raised ahead of forecast load, never below what the reactive autoscaler asks',
};

export interface ForecastOptions {
  service: string;
  json?: boolean;
  width: number;
  height: number;
  ascii?: boolean;
}

export async function forecastCommand(client: AdminClient, options: ForecastOptions, out: (text: string) => void): Promise<void> {
  const view = await client.get<ForecastView>(`/api/v1/services/${encodeURIComponent(options.service)}/forecast`);
  if (options.json) {
    out(JSON.stringify(view, null, 2));
    return;
  }
  const chart = renderForecastChart(
    { history: view.history.map((p) => p.rps), forecast: view.forecast, stepSeconds: view.stepSeconds, level: view.level },
    { width: options.width, height: options.height, ascii: options.ascii },
  );
  out([...chart, '', ...describeForecast(view, Date.now())].join('\n'));
}

/** The lines under the chart: what produced the forecast, how good it has been, and what it asks for. */
export function describeForecast(view: ForecastView, now: number): string[] {
  const horizonSeconds = view.horizonSteps * view.stepSeconds;
  return [
    `${view.service}: ${duration(view.history.length * view.stepSeconds)} of history and ${duration(view.forecast.length * view.stepSeconds)} of forecast, one point every ${duration(view.stepSeconds)}`,
    `Model: ${model(view, now)}`,
    `Accuracy: ${accuracy(view)}`,
    `Mode: ${MODES[view.mode] ?? view.mode}`,
    `Horizon: ${plural(view.horizonSteps, 'step')} (${duration(horizonSeconds)}), how far ahead the predictive policy provisions`,
    `Recommendation: ${recommendation(view.recommendation)}`,
  ];
}

function model(view: ForecastView, now: number): string {
  const m = view.model;
  if (m === null) {
    const points = view.history.filter((p) => p.rps !== null).length;
    return `not enough history yet (${plural(points, 'point')}; a forecast needs at least ${MIN_FORECAST_HISTORY})`;
  }
  const names = [...PARAM_ORDER.filter((k) => k in m.params), ...Object.keys(m.params).filter((k) => !PARAM_ORDER.includes(k))];
  const params = names.map((k) => `${k} ${sig3(m.params[k])}`);
  const season = m.seasonLength !== null && m.seasonLength > 0 ? `, season length ${m.seasonLength}` : '';
  const fitted = m.fittedAt === null ? '' : `, fitted ${age(since(m.fittedAt, now))} ago`;
  return `${m.kind}${params.length > 0 ? ` (${params.join(', ')})` : ''}${season}${fitted}`;
}

/** MAPE and coverage are fractions, as @acs/scaling's accuracy tracker reports them. */
function accuracy(view: ForecastView): string {
  const { mape, coverage, samples } = view.accuracy;
  if (samples === 0) return 'no forecast has been checked against the actual load yet';
  const error = mape === null ? `MAPE unknown (the load was near zero) over ${plural(samples, 'forecast')}` : `MAPE ${(mape * 100).toFixed(1)}% over ${plural(samples, 'forecast')}`;
  const inside = coverage === null ? '' : `; ${Math.round(coverage * 100)}% of actuals inside the ${percent(view.level)} interval`;
  return `${error}${inside}`;
}

function recommendation(r: ForecastView['recommendation']): string {
  if (r === null) return 'none (no forecast to act on)';
  const count = r.replicas === null ? [] : [plural(r.replicas, 'container')];
  const capacity = r.perContainerRps === null ? [] : [`${sig3(r.perContainerRps)} req/s per container`];
  const head = [...count, ...capacity].join(' at ');
  return head === '' ? r.summary : `${head}: ${r.summary}`;
}

/** Three significant digits: 0.4213 → "0.421", 0.0001 → "0.0001", 41.666 → "41.7". */
function sig3(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : String(Number(v.toPrecision(3)));
}
