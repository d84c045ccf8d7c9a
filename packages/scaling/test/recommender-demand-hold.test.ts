import fc from 'fast-check';
import { combineWithReactive, predictiveRecommendation, PREDICTIVE_MODES, type PredictiveRecommendation } from '../src/predictive';
import {
  emptyRecommenderState,
  recommend,
  validateScalingPolicy,
  type ContainerMetrics,
  type ReactivePolicy,
  type Recommendation,
  type RecommenderState,
  type ScalingPolicy,
  type ScalingReason,
  type ScalingSnapshot,
  type ThresholdPolicy,
} from '../src/recommender';

/**
 * The unserved-demand hold: a scale-down is refused while requests wait for a container (`queued`) or
 * latency is over its objective (`latencyBreached`), whatever the metrics say; a scale-up never is.
 *
 * The reactive side uses "demand": `current` ready containers share `demand` requests/s, the policy
 * targets 1 req/s per container with no tolerance, so the strategy's count is simply `demand`.
 */

const S = 1000;

interface Demand {
  queued?: number;
  latencyBreached?: boolean;
}

const NONE: Demand = {};
const QUEUED: Demand = { queued: 7 };
const SLOW: Demand = { latencyBreached: true };
const BOTH: Demand = { queued: 1, latencyBreached: true };
const EXPLICITLY_NONE: Demand = { queued: 0, latencyBreached: false };

function reactivePolicy(patch: Record<string, unknown> = {}, down: Record<string, unknown> = {}): ReactivePolicy {
  return validateScalingPolicy({
    metrics: [{ metric: 'rps', target: 1 }],
    minReplicas: 1,
    maxReplicas: 10,
    ...patch,
    behavior: { scaleUp: { tolerance: 0, stabilizationWindowS: 0 }, scaleDown: { tolerance: 0, stabilizationWindowS: 0, ...down } },
  }) as ReactivePolicy;
}

function thresholdPolicy(): ThresholdPolicy {
  return validateScalingPolicy({
    strategy: 'threshold',
    rules: [{ metric: 'cpu', scaleUpAbove: 80, scaleDownBelow: 30 }],
    scaleUpForS: 10,
    scaleDownForS: 10,
    behavior: { scaleUp: { cooldownS: 0 }, scaleDown: { cooldownS: 0 } },
  }) as ThresholdPolicy;
}

function ready(count: number, metrics: ContainerMetrics['metrics']): ContainerMetrics[] {
  return Array.from({ length: count }, (_, i) => ({ id: `c${i}`, ready: true, starting: false, metrics }));
}

function demandSnapshot(tS: number, current: number, rps: number, demand: Demand): ScalingSnapshot {
  return { now: tS * S, currentReplicas: current, containers: ready(current, { rps: rps / current }), ...demand };
}

function decide(policy: ScalingPolicy, snapshot: ScalingSnapshot, state: RecommenderState = emptyRecommenderState()): Recommendation {
  return recommend(snapshot, policy, state);
}

type SnapshotAt = (tS: number, current: number, shown: Demand) => ScalingSnapshot;

/** Control periods in turn, each from the count the previous one asked for; each period's [desired, reason]. */
function drive(policy: ScalingPolicy, start: number, steps: Array<[tS: number, shown: Demand]>, snapshotAt: SnapshotAt) {
  let state = emptyRecommenderState();
  let current = start;
  const results: Recommendation[] = [];
  for (const [tS, shown] of steps) {
    const result = decide(policy, snapshotAt(tS, current, shown), state);
    results.push(result);
    state = result.state;
    current = result.desired;
  }
  return { results, decisions: results.map((r): [number, ScalingReason] => [r.desired, r.explanation.reason]) };
}

describe('the unserved-demand hold (reactive)', () => {
  test.each<[string, number, number, Demand, number, ScalingReason]>([
    // name, current, demand (the strategy's count), what the snapshot shows, desired, reason
    ['a scale-down with nothing unserved goes ahead', 4, 2, NONE, 2, 'scale-down'],
    ['explicit zero and false are nothing unserved', 4, 2, EXPLICITLY_NONE, 2, 'scale-down'],
    ['a scale-down while requests wait is held', 4, 2, QUEUED, 4, 'unserved-demand'],
    ['a scale-down while p99 is over the SLO is held', 4, 2, SLOW, 4, 'unserved-demand'],
    ['a scale-down with both is held', 4, 1, BOTH, 4, 'unserved-demand'],
    ['a scale-down to minReplicas is held too', 4, 0, QUEUED, 4, 'unserved-demand'],
    ['a scale-up while requests wait goes ahead', 2, 5, QUEUED, 5, 'scale-up'],
    ['a scale-up while p99 is over the SLO goes ahead', 2, 5, SLOW, 5, 'scale-up'],
    ['a rate-limited scale-up is still limited, not held', 2, 40, BOTH, 6, 'rate-limited'],
    ['a scale-up capped at maxReplicas stays capped', 8, 12, QUEUED, 10, 'clamped-max'],
    ['a count within tolerance stays so', 3, 3, QUEUED, 3, 'within-tolerance'],
  ])('%s', (_name, current, demand, shown, desired, reason) => {
    const result = decide(reactivePolicy(), demandSnapshot(100, current, demand, shown));
    expect([result.desired, result.explanation.reason]).toEqual([desired, reason]);
  });

  test('a count above maxReplicas is still corrected: the bound is the operator’s, not a scale-in', () => {
    const result = decide(reactivePolicy(), demandSnapshot(100, 12, 12, BOTH));
    expect([result.desired, result.explanation.reason]).toEqual([10, 'clamped-max']);
  });

  test('the explanation records the demand, the held-back count and a sentence saying why', () => {
    const result = decide(reactivePolicy(), demandSnapshot(100, 4, 2, { queued: 7, latencyBreached: true }));
    expect(result.explanation).toMatchObject({
      raw: 2,
      stabilised: 2,
      clamped: 2,
      desired: 4,
      reason: 'unserved-demand',
      unservedDemand: { queued: 7, latencyBreached: true },
    });
    expect(result.explanation.summary).toBe(
      'rps 0.5 req/s of 1 req/s target over 4 ready containers → 2; held at 4 while 7 requests wait for a free container and p99 latency is over the SLO: no scale-down with demand unserved',
    );
  });

  test.each<[string, Demand, string]>([
    ['one waiting request', { queued: 1 }, 'held at 3 while 1 request waits for a free container: no scale-down with demand unserved'],
    ['latency only', SLOW, 'held at 3 while p99 latency is over the SLO: no scale-down with demand unserved'],
  ])('the sentence names only what shows: %s', (_name, shown, tail) => {
    expect(decide(reactivePolicy(), demandSnapshot(100, 3, 1, shown)).explanation.summary).toMatch(new RegExp(`; ${escape(tail)}$`));
  });

  test('nothing unserved: the explanation says null and the sentence is unchanged', () => {
    const result = decide(reactivePolicy(), demandSnapshot(100, 4, 2, NONE));
    expect(result.explanation.unservedDemand).toBeNull();
    expect(result.explanation.summary).toBe('rps 0.5 req/s of 1 req/s target over 4 ready containers → 2');
  });

  test('a hold records no scale event, and the first period without unserved demand scales down at once', () => {
    const policy = reactivePolicy({}, { stabilizationWindowS: 10 });
    const steps: Array<[tS: number, Demand]> = [
      [0, QUEUED],
      [2, SLOW],
      [12, QUEUED], // the low recommendations have filled the 10 s window by now: only the hold keeps 4
      [14, NONE],
    ];
    const { results, decisions } = drive(policy, 4, steps, (tS, current, shown) => demandSnapshot(tS, current, 2, shown));
    expect(decisions).toEqual([
      [4, 'unserved-demand'],
      [4, 'unserved-demand'],
      [4, 'unserved-demand'],
      [2, 'scale-down'],
    ]);
    expect(results[2]!.state.scaleEvents).toEqual([]);
  });

  test('a scale-down the stabilisation window would have let through part-way is held entirely', () => {
    const policy = reactivePolicy({}, { stabilizationWindowS: 60 });
    const earlier: RecommenderState = { ...emptyRecommenderState(), recommendations: [{ at: 90 * S, replicas: 3 }] };
    const free = decide(policy, demandSnapshot(100, 4, 1, NONE), earlier);
    expect([free.desired, free.explanation.reason]).toEqual([3, 'stabilised']);
    const held = decide(policy, demandSnapshot(100, 4, 1, QUEUED), earlier);
    expect([held.desired, held.explanation.reason, held.explanation.stabilised]).toEqual([4, 'unserved-demand', 3]);
    expect(held.explanation.summary).toBe(
      'rps 0.3 req/s of 1 req/s target over 4 ready containers → 1; held at 3 by the highest recommendation (3) of the last 60 s; held at 4 while 7 requests wait for a free container: no scale-down with demand unserved',
    );
  });

  test('a cooldown that already blocks the scale-down keeps its own reason', () => {
    const policy = reactivePolicy({}, { cooldownS: 60 });
    const state: RecommenderState = { ...emptyRecommenderState(), lastScaleDownAt: 90 * S };
    const result = decide(policy, demandSnapshot(100, 4, 2, QUEUED), state);
    expect([result.desired, result.explanation.reason]).toEqual([4, 'cooldown']);
  });

  test.each([Number.NaN, -1, Number.POSITIVE_INFINITY])('a queued count of %p is refused, not read as nothing waiting', (queued) => {
    expect(() => decide(reactivePolicy(), demandSnapshot(100, 4, 2, { queued }))).toThrow(/snapshot\.queued must be a number ≥ 0/);
  });

  test('property: with unserved demand the count is what it would be without, but never below the current one', () => {
    const policy = reactivePolicy({ maxReplicas: 20 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        (current, demand, queued, latencyBreached) => {
          const free = decide(policy, demandSnapshot(100, current, demand, NONE));
          const shown = decide(policy, demandSnapshot(100, current, demand, { queued, latencyBreached }));
          expect(shown.desired).toBe(Math.max(free.desired, current));
          if (free.desired >= current) expect(shown.explanation.reason).toBe(free.explanation.reason);
          else expect(shown.explanation.reason).toBe('unserved-demand');
        },
      ),
    );
  });
});

describe('the unserved-demand hold (threshold)', () => {
  function at(tS: number, current: number, cpu: number, shown: Demand): ScalingSnapshot {
    return { now: tS * S, currentReplicas: current, containers: ready(current, { cpu }), ...shown };
  }

  test('a due step down is held while requests wait, keeps its breach run, and is taken once they are served', () => {
    const steps: Array<[tS: number, Demand]> = [
      [0, NONE],
      [10, QUEUED],
      [12, SLOW],
      [14, NONE],
    ];
    expect(drive(thresholdPolicy(), 3, steps, (tS, current, shown) => at(tS, current, 10, shown)).decisions).toEqual([
      [3, 'breach-pending'],
      [3, 'unserved-demand'],
      [3, 'unserved-demand'],
      [2, 'threshold-breached'],
    ]);
  });

  test('a due step up is taken whatever waits', () => {
    const policy = thresholdPolicy();
    const first = decide(policy, at(0, 2, 95, BOTH));
    const second = decide(policy, at(10, 2, 95, BOTH), first.state);
    expect([second.desired, second.explanation.reason]).toEqual([3, 'threshold-breached']);
  });

  test('the sentence says the step was held and why', () => {
    const policy = thresholdPolicy();
    const first = decide(policy, at(0, 3, 10, NONE));
    const held = decide(policy, at(10, 3, 10, { queued: 2 }), first.state);
    expect(held.explanation.summary).toBe(
      'CPU 10% below 30% for 10 s → 3 − 1 = 2; held at 3 while 2 requests wait for a free container: no scale-down with demand unserved',
    );
  });
});

describe('the hold through the predictive combination', () => {
  /** A flat, certain forecast of `count` containers' worth (1 req/s each) for a service at 4. */
  const forecastOf = (count: number): PredictiveRecommendation =>
    predictiveRecommendation({ forecast: [{ step: 1, mean: count, lower: count, upper: count }], horizonSteps: 1, perContainerRps: 1, currentReplicas: 4, minReplicas: 1, maxReplicas: 10 });

  test.each(PREDICTIVE_MODES)('mode %s: a lower forecast cannot scale in what the hold kept', (mode) => {
    const reactive = decide(reactivePolicy(), demandSnapshot(100, 4, 1, QUEUED));
    expect(combineWithReactive(reactive, forecastOf(1), mode).desired).toBe(4);
  });

  test('a higher forecast still raises a held count', () => {
    const reactive = decide(reactivePolicy(), demandSnapshot(100, 4, 1, QUEUED));
    expect(combineWithReactive(reactive, forecastOf(6), 'on')).toMatchObject({ desired: 6, reason: 'forecast-raised' });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
