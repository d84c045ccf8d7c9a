import { DEFAULT_HEADROOM_FRACTION, DEFAULT_WIDE_RELATIVE_WIDTH } from './defaults';
import type { ConfidenceHeadroom, PredictiveExplanation, PredictiveInput, PredictiveRecommendation } from './types';

/**
 * How many containers the forecast asks for: enough to serve the upper bound of the prediction interval
 * at every step until a container started now would be ready (plus one control period, since the next
 * decision is that far away):
 *
 *   replicas = ceil( max_{h=1…horizon} upper_h × (1 + headroom) / perContainerRps ),  within [min, max]
 *
 * The maximum over the horizon, not the value at its end: capacity must be there when the load arrives
 * and stay until this decision can be revisited. Headroom is added only when the interval is wide (low
 * confidence), in proportion to how wide, and is never negative; a narrow interval already is the margin.
 */
export function predictiveRecommendation(input: PredictiveInput): PredictiveRecommendation {
  const { horizonSteps, perContainerRps, currentReplicas, minReplicas, maxReplicas } = input;
  checkInput(input);
  const headroom = resolveHeadroom(input.confidenceHeadroom);
  const base = {
    horizonSteps,
    wideRelativeWidth: headroom.wideRelativeWidth,
    perContainerRps,
    currentReplicas,
    minReplicas,
    maxReplicas,
  };

  const inHorizon = input.forecast.filter((s) => s.step >= 1 && s.step <= horizonSteps && Number.isFinite(s.upper));
  let deciding = inHorizon[0];
  for (const s of inHorizon) if (deciding === undefined || s.upper > deciding.upper) deciding = s;
  const capacityKnown = Number.isFinite(perContainerRps) && perContainerRps > 0;
  if (deciding === undefined || !capacityKnown) {
    const explanation: PredictiveExplanation = {
      ...base,
      reason: deciding === undefined ? 'no-forecast' : 'no-capacity',
      stepsUsed: inHorizon.length,
      decidingStep: null,
      meanAtDecidingStep: null,
      lowerAtDecidingStep: null,
      relativeWidth: null,
      headroomFraction: 0,
      provisionedRps: 0,
      raw: minReplicas,
      clamped: null,
    };
    return { replicas: minReplicas, hasOpinion: false, upperAtHorizon: deciding?.upper ?? 0, explanation, summary: summarise(explanation, 0) };
  }

  const upper = Math.max(0, deciding.upper);
  const relativeWidth = (deciding.upper - deciding.lower) / Math.max(Math.abs(deciding.mean), Number.EPSILON);
  const excess = (relativeWidth - headroom.wideRelativeWidth) / headroom.wideRelativeWidth;
  const headroomFraction = headroom.wideRelativeWidth > 0 && excess > 0 ? headroom.headroomFraction * Math.min(1, excess) : 0;
  const provisionedRps = upper * (1 + headroomFraction);
  // The slack keeps float noise (0.7 × 10 = 7.000000000000001) from adding a container, as in `recommend`.
  const raw = Math.max(0, Math.ceil(provisionedRps / perContainerRps - 1e-9));
  const replicas = Math.min(maxReplicas, Math.max(minReplicas, raw));
  const explanation: PredictiveExplanation = {
    ...base,
    reason: 'forecast',
    stepsUsed: inHorizon.length,
    decidingStep: deciding.step,
    meanAtDecidingStep: deciding.mean,
    lowerAtDecidingStep: deciding.lower,
    relativeWidth: Number.isFinite(relativeWidth) ? relativeWidth : null,
    headroomFraction,
    provisionedRps,
    raw,
    clamped: raw > maxReplicas ? 'max' : raw < minReplicas ? 'min' : null,
  };
  return { replicas, hasOpinion: true, upperAtHorizon: upper, explanation, summary: summarise(explanation, upper) };
}

export function resolveHeadroom(given: Partial<ConfidenceHeadroom> = {}): ConfidenceHeadroom {
  const headroom = {
    wideRelativeWidth: given.wideRelativeWidth ?? DEFAULT_WIDE_RELATIVE_WIDTH,
    headroomFraction: given.headroomFraction ?? DEFAULT_HEADROOM_FRACTION,
  };
  for (const [name, value] of Object.entries(headroom)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`confidenceHeadroom.${name} must be a number ≥ 0, got ${String(value)}`);
  }
  return headroom;
}

function checkInput({ horizonSteps, currentReplicas, minReplicas, maxReplicas }: PredictiveInput): void {
  if (!Number.isSafeInteger(horizonSteps) || horizonSteps < 1) throw new RangeError(`horizonSteps must be an integer ≥ 1, got ${String(horizonSteps)}`);
  for (const [name, value] of Object.entries({ currentReplicas, minReplicas, maxReplicas })) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be an integer ≥ 0, got ${String(value)}`);
  }
  if (minReplicas > maxReplicas) throw new RangeError(`minReplicas ${minReplicas} exceeds maxReplicas ${maxReplicas}`);
}

function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function steps(count: number): string {
  return `${count} step${count === 1 ? '' : 's'}`;
}

function summarise(e: PredictiveExplanation, upper: number): string {
  if (e.reason === 'no-forecast') return `no forecast within ${steps(e.horizonSteps)} → no opinion`;
  if (e.reason === 'no-capacity') return `no per-container capacity (${num(e.perContainerRps)} req/s) → no opinion`;
  const short = e.stepsUsed < e.horizonSteps ? ` (the forecast covers ${e.stepsUsed})` : '';
  const head = `forecast upper bound ${num(upper)} req/s within ${steps(e.horizonSteps)}${short}, at step ${e.decidingStep ?? 0} (mean ${num(e.meanAtDecidingStep ?? 0)})`;
  const width = e.relativeWidth === null ? '' : `${num(e.relativeWidth * 100)}%`;
  const wide =
    e.headroomFraction > 0
      ? `; interval ${width} of the mean wide (> ${num(e.wideRelativeWidth * 100)}%), +${num(e.headroomFraction * 100)}% headroom → ${num(e.provisionedRps)} req/s`
      : '';
  const count = `${head}${wide} ÷ ${num(e.perContainerRps)} req/s per container → ${e.raw}`;
  if (e.clamped === 'max') return `${count}; capped at maxReplicas ${e.maxReplicas}`;
  if (e.clamped === 'min') return `${count}; kept at minReplicas ${e.minReplicas}`;
  return count;
}
