import type { Recommendation, RecommenderState } from '../recommender/types';
import type { CombinedRecommendation, PredictiveMode, PredictiveRecommendation } from './types';

/**
 * The final count from the reactive recommendation and the forecast's. The forecast can only add
 * capacity: in mode `on` the answer is max(reactive, forecast), so it never goes below what the reactive
 * rule asks and a forecast never scales in on its own (scale-in happens only when the reactive rule asks
 * for it, and then no further than the forecast allows). `forecast-only` keeps the reactive count and
 * reports what `on` would have done. The result stays within the reactive policy's [min, max], and a
 * service switched off (asking for 0) stays off.
 *
 * Forecast-raised counts skip the reactive scale-up rate policies: pre-provisioning exists to be early,
 * and the forecast's count is already bounded by maxReplicas. They are then recorded in the returned
 * recommender state (see `CombinedRecommendation.state`), so later periods rate-limit and stabilise
 * around the count actually asked for. What `recommend` cannot be told is that a scale-down it recorded
 * did not happen: its `lastScaleDownAt` stays, which can only delay a later scale-down by a cooldown.
 */
export function combineWithReactive(reactive: Recommendation, predictive: PredictiveRecommendation, mode: PredictiveMode): CombinedRecommendation {
  const e = reactive.explanation;
  const current = e.currentReplicas;
  const forecastCount = predictive.hasOpinion ? predictive.replicas : null;
  const common = { mode, reactive: reactive.desired, predictive: forecastCount };

  if (e.reason === 'scaling-disabled') {
    const summary = `the service asks for 0 containers, which switches autoscaling off → stay at 0`;
    return { ...common, desired: reactive.desired, wouldBe: reactive.desired, reason: 'scaling-disabled', state: reactive.state, summary };
  }
  const clamp = (n: number): number => Math.min(e.maxReplicas, Math.max(e.minReplicas, n));
  const wouldBe = clamp(Math.max(reactive.desired, forecastCount ?? reactive.desired));
  const raises = wouldBe > reactive.desired;

  switch (mode) {
    case 'off':
      return { ...common, desired: reactive.desired, wouldBe, reason: 'off', state: reactive.state, summary: `predictive scaling off → ${reactive.desired}` };
    case 'forecast-only': {
      const summary = raises
        ? `forecast-only: the forecast would raise ${reactive.desired} to ${wouldBe} (${predictive.summary}); keeping the reactive ${reactive.desired}`
        : `forecast-only: ${describeForecast(forecastCount)}, not above the reactive ${reactive.desired} → ${reactive.desired}`;
      return { ...common, desired: reactive.desired, wouldBe, reason: 'forecast-only', state: reactive.state, summary };
    }
    case 'on': {
      if (!raises) {
        const summary = `${describeForecast(forecastCount)}, not above the reactive ${reactive.desired} → ${reactive.desired} (${e.summary})`;
        return { ...common, desired: reactive.desired, wouldBe, reason: 'reactive', state: reactive.state, summary };
      }
      const summary = `forecast ${wouldBe} above the reactive ${reactive.desired} → ${wouldBe}${wouldBe === current ? ' (stay)' : ''}: ${predictive.summary}`;
      const state = recordRaise(reactive.state, e.at, current, wouldBe);
      return { ...common, desired: wouldBe, wouldBe, reason: 'forecast-raised', state, summary };
    }
  }
}

function describeForecast(count: number | null): string {
  return count === null ? 'the forecast has no opinion' : `forecast ${count}`;
}

/**
 * Rewrites this period's entries as if `recommend` had asked for `desired`: the scale event becomes the
 * change actually asked for, and the recommendation at `at` is raised to `desired`.
 */
function recordRaise(state: RecommenderState, at: number, current: number, desired: number): RecommenderState {
  const scaleEvents = state.scaleEvents.filter((event) => event.at !== at);
  if (desired !== current) scaleEvents.push({ at, change: desired - current });
  const hasEntry = state.recommendations.some((r) => r.at === at);
  const recommendations = hasEntry
    ? state.recommendations.map((r) => (r.at === at ? { at, replicas: Math.max(r.replicas, desired) } : r))
    : [...state.recommendations, { at, replicas: desired }];
  return { ...state, scaleEvents, recommendations, lastScaleUpAt: desired > current ? at : state.lastScaleUpAt };
}
