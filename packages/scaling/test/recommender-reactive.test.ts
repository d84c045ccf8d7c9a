import {
  DEFAULT_SCALING_POLICY,
  emptyRecommenderState,
  recommend,
  validateScalingPolicy,
  type ContainerMetrics,
  type ReactiveExplanation,
  type ReactivePolicy,
  type Recommendation,
  type RecommenderState,
  type ScalingReason,
  type ScalingSnapshot,
} from '../src/recommender';

/**
 * The reactive strategy end to end: HPA's reconcile loop over a sequence of snapshots. Most tables use
 * "demand": `current` ready containers share `demand` requests/s evenly, and the policy targets 1 req/s per
 * container with no tolerance, so the raw recommendation is simply `demand` and each row shows what
 * stabilisation, rate limits and clamps then make of it.
 */

const S = 1000;

function demandSnapshot(tS: number, current: number, demand: number): ScalingSnapshot {
  const containers: ContainerMetrics[] = Array.from({ length: current }, (_, i) => ({
    id: `c${i}`,
    ready: true,
    starting: false,
    metrics: { rps: demand / current },
  }));
  return { now: tS * S, currentReplicas: current, containers };
}

interface Patch {
  up?: Record<string, unknown>;
  down?: Record<string, unknown>;
  [key: string]: unknown;
}

/** rps target 1, no tolerance, no stabilisation, maxReplicas 100, HPA's default rate policies; `patch` on top. */
function demandPolicy({ up, down, ...rest }: Patch = {}): ReactivePolicy {
  return validateScalingPolicy({
    metrics: [{ metric: 'rps', target: 1 }],
    maxReplicas: 100,
    ...rest,
    behavior: {
      scaleUp: { tolerance: 0, stabilizationWindowS: 0, ...up },
      scaleDown: { tolerance: 0, stabilizationWindowS: 0, ...down },
    },
  }) as ReactivePolicy;
}

/** [seconds, demand] per control period; the next period's current count is the previous desired. */
type Step = [tS: number, demand: number];

/** `initial` null: a first call with no state at all (not an empty one). */
function drive(policy: ReactivePolicy, start: number, steps: Step[], initial: RecommenderState | null = emptyRecommenderState()) {
  let state = initial ?? undefined;
  let current = start;
  const results: Recommendation[] = [];
  for (const [tS, demand] of steps) {
    const result = recommend(demandSnapshot(tS, current, demand), policy, state);
    results.push(result);
    state = result.state;
    current = result.desired;
  }
  const decisions = results.map((r): [number, ScalingReason] => [r.desired, r.explanation.reason]);
  return { results, decisions, state: state ?? emptyRecommenderState() };
}

function cpuContainers(...values: Array<number | undefined>): ContainerMetrics[] {
  return values.map((cpu, i) => ({ id: `c${i}`, ready: true, starting: false, metrics: cpu === undefined ? {} : { cpu } }));
}

function explanationOf(result: Recommendation): ReactiveExplanation {
  if (result.explanation.strategy !== 'reactive') throw new Error('expected a reactive explanation');
  return result.explanation;
}

describe('recommend (reactive)', () => {
  describe('with the default policy (CPU at 60%, HPA behaviour defaults)', () => {
    it.each<{ case: string; cpu: number[]; current: number; desired: number; reason: ScalingReason }>([
      { case: 'CPU 84% over 3 → 5', cpu: [84, 84, 84], current: 3, desired: 5, reason: 'scale-up' },
      { case: 'CPU 63% over 3 is within tolerance', cpu: [63, 63, 63], current: 3, desired: 3, reason: 'within-tolerance' },
      { case: 'CPU 180% over 2 → 6 (4 containers per 15 s allows 6)', cpu: [180, 180], current: 2, desired: 6, reason: 'scale-up' },
      { case: 'CPU 300% over 2 → 10, limited to 6', cpu: [300, 300], current: 2, desired: 6, reason: 'rate-limited' },
      { case: 'CPU 100% over 10 → 17, capped at 12', cpu: Array<number>(10).fill(100), current: 10, desired: 12, reason: 'clamped-max' },
    ])('$case', ({ cpu, current, desired, reason }) => {
      const snapshot = { now: 0, currentReplicas: current, containers: cpuContainers(...cpu) };
      const result = recommend(snapshot, DEFAULT_SCALING_POLICY, emptyRecommenderState());
      expect([result.desired, result.explanation.reason]).toEqual([desired, reason]);
    });

    it('explains a rate-limited scale-up in one sentence with every stage recorded', () => {
      const policy = validateScalingPolicy({ behavior: { scaleUp: { policies: [{ type: 'containers', value: 1, periodS: 15 }] } } });
      const result = recommend({ now: 5000, currentReplicas: 3, containers: cpuContainers(84, 84, 84) }, policy, emptyRecommenderState());
      const explanation = explanationOf(result);
      expect(explanation.summary).toBe('CPU 84% of 60% target over 3 ready containers → 5; limited to 4 by the scale-up rate (1 container per 15 s)');
      expect(explanation).toMatchObject({
        strategy: 'reactive',
        at: 5000,
        currentReplicas: 3,
        decidingMetric: 'cpu',
        raw: 5,
        stabilised: 5,
        rateLimited: 4,
        clamped: 4,
        desired: 4,
        reason: 'rate-limited',
        rateLimit: { direction: 'up', limit: 4, selectPolicy: 'max', policy: { type: 'containers', value: 1, periodS: 15 }, periodStartReplicas: 3 },
        cooldownUntil: null,
        tolerance: { up: 0.1, down: 0.1 },
        stabilisation: { upWindowS: 0, downWindowS: 300, lowestInUpWindow: 5, highestInDownWindow: 5 },
      });
      expect(explanation.metrics).toEqual([
        {
          metric: 'cpu',
          target: 60,
          observed: 84,
          usageRatio: 1.4,
          adjustedRatio: null,
          ready: 3,
          unready: 0,
          missing: 0,
          counted: 3,
          recommendation: 5,
          outcome: 'scale-up',
        },
      ]);
      expect(result.state.scaleEvents).toEqual([{ at: 5000, change: 1 }]);
      expect(result.state.lastScaleUpAt).toBe(5000);
    });
  });

  describe('unready, starting and missing containers through the whole loop', () => {
    it.each<{ case: string; containers: ContainerMetrics[]; current: number; desired: number; reason: ScalingReason; summary: string }>([
      {
        case: 'starting containers reverse a scale-up',
        containers: [
          ...cpuContainers(90, 90),
          { id: 's1', ready: false, starting: true, metrics: {} },
          { id: 's2', ready: false, starting: true, metrics: {} },
        ],
        current: 4,
        desired: 4,
        reason: 'direction-reversed',
        summary:
          'CPU 90% of 60% target over 2 ready containers, but with 2 starting/unready counted as idle the ratio is 0.75, against the direction or within tolerance → stay at 4',
      },
      {
        case: 'a missing container counted as busy slows a scale-down',
        containers: cpuContainers(12, 12, 12, 12, undefined),
        current: 5,
        desired: 3,
        reason: 'scale-down',
        summary: 'CPU 12% of 60% target over 4 ready containers with 1 without data counted as fully busy → 3',
      },
    ])('$case', ({ containers, current, desired, reason, summary }) => {
      const policy = validateScalingPolicy({ behavior: { scaleDown: { stabilizationWindowS: 0 } } });
      const result = recommend({ now: 0, currentReplicas: current, containers }, policy, emptyRecommenderState());
      expect([result.desired, result.explanation.reason]).toEqual([desired, reason]);
      expect(result.explanation.summary).toBe(summary);
    });
  });

  describe('several metrics: each recommends, the largest wins', () => {
    const policy = validateScalingPolicy({
      metrics: [
        { metric: 'cpu', target: 60 },
        { metric: 'rps', target: 100 },
        { metric: 'inflight', target: 10 },
      ],
      behavior: { scaleDown: { stabilizationWindowS: 0 } },
    });
    const with3 = (cpu: number | undefined, rps: number | undefined, inflight: number | undefined): ContainerMetrics[] =>
      Array.from({ length: 3 }, (_, i) => ({
        id: `c${i}`,
        ready: true,
        starting: false,
        metrics: { ...(cpu === undefined ? {} : { cpu }), ...(rps === undefined ? {} : { rps }), ...(inflight === undefined ? {} : { inflight }) },
      }));

    type Values = [cpu: number | undefined, rps: number | undefined, inflight: number | undefined];
    it.each<{ case: string; values: Values; desired: number; deciding: string | null; reason: ScalingReason }>([
      {
        case: 'rps wants 8, CPU 2, in-flight 3 → 8 (limited to 7 by 4 containers per 15 s)',
        values: [30, 250, 10],
        desired: 7,
        deciding: 'rps',
        reason: 'rate-limited',
      },
      { case: 'in-flight wants 6 → 6', values: [30, 50, 20], desired: 6, deciding: 'inflight', reason: 'scale-up' },
      { case: 'all below target: the largest of the scale-downs', values: [30, 50, 5], desired: 2, deciding: 'cpu', reason: 'scale-down' },
      { case: 'one within tolerance holds the others back', values: [63, 50, 5], desired: 3, deciding: 'cpu', reason: 'within-tolerance' },
      { case: 'a tie names the metric listed first', values: [120, 200, 20], desired: 6, deciding: 'cpu', reason: 'scale-up' },
      {
        case: 'a metric without data does not stop a scale-up',
        values: [120, undefined, 10],
        desired: 6,
        deciding: 'cpu',
        reason: 'scale-up',
      },
      {
        case: 'a metric without data stops a scale-down (HPA)',
        values: [30, undefined, 5],
        desired: 3,
        deciding: 'cpu',
        reason: 'partial-metrics',
      },
      {
        case: 'no metric has data: keep the count',
        values: [undefined, undefined, undefined],
        desired: 3,
        deciding: null,
        reason: 'no-metrics',
      },
    ])('$case', ({ values, desired, deciding, reason }) => {
      const result = recommend({ now: 0, currentReplicas: 3, containers: with3(...values) }, policy, emptyRecommenderState());
      expect([result.desired, result.explanation.decidingMetric, result.explanation.reason]).toEqual([desired, deciding, reason]);
      expect(result.explanation.metrics).toHaveLength(3);
    });

    it('explains a metric without data, and records no recommendation when it cannot decide', () => {
      const state = emptyRecommenderState();
      const none = recommend({ now: 0, currentReplicas: 3, containers: with3(undefined, undefined, undefined) }, policy, state);
      expect(none.explanation.summary).toBe('no CPU or rps or in-flight data from any ready container → stay at 3');
      expect(none.state.recommendations).toEqual([]);

      const partial = recommend({ now: 0, currentReplicas: 3, containers: with3(30, undefined, 5) }, policy, state);
      expect(partial.explanation.summary).toBe(
        'CPU 30% of 60% target over 3 ready containers → 2, but no rps data from any ready container, so no scale-down → stay at 3',
      );
      expect(partial.state.recommendations).toEqual([]);
    });

    it('names the other metrics in the summary', () => {
      const result = recommend({ now: 0, currentReplicas: 3, containers: with3(30, 50, 20) }, policy, emptyRecommenderState());
      expect(result.explanation.summary).toBe('in-flight 20 of 10 target over 3 ready containers (CPU → 2; rps → 2) → 6');
    });
  });

  describe('stabilisation', () => {
    it('scales down only to the highest recommendation of the last scaleDown window', () => {
      const policy = demandPolicy({ down: { stabilizationWindowS: 60 } });
      const { decisions } = drive(policy, 6, [
        [0, 6], // on target
        [20, 3], // highest in (−40 s, 20 s] is 6
        [40, 4],
        [60, 3], // the 0 s sample (6) just left the window; highest is now 4
        [80, 3], // 40 s (4) still inside
        [100, 3], // only 3s left
        [110, 5], // scale-up is not held back by the down window
      ]);
      expect(decisions).toEqual([
        [6, 'within-tolerance'],
        [6, 'stabilised'],
        [6, 'stabilised'],
        [4, 'stabilised'],
        [4, 'stabilised'],
        [3, 'scale-down'],
        [5, 'scale-up'],
      ]);
    });

    it('scales up only to the lowest recommendation of the last scaleUp window, so a short spike is ignored', () => {
      const policy = demandPolicy({ up: { stabilizationWindowS: 30 } });
      const { decisions } = drive(policy, 2, [
        [0, 2],
        [10, 6], // lowest in (−20, 10] is 2
        [20, 2],
        [30, 6], // 2 at 20 s still inside
        [40, 6],
        [50, 6], // (20 s, 50 s] holds only 6s
      ]);
      expect(decisions).toEqual([
        [2, 'within-tolerance'],
        [2, 'stabilised'],
        [2, 'within-tolerance'],
        [2, 'stabilised'],
        [2, 'stabilised'],
        [6, 'scale-up'],
      ]);
    });

    it('never moves against the raw recommendation: a high sample in the down window does not scale up', () => {
      const policy = demandPolicy({ down: { stabilizationWindowS: 300 } });
      const { decisions } = drive(policy, 5, [
        [0, 9], // within the rate bound of max(5 + 4, 5 × 200%) = 10
        [20, 3], // highest in the window is 9, but the count only stays at 9
      ]);
      expect(decisions).toEqual([
        [9, 'scale-up'],
        [9, 'stabilised'],
      ]);
    });

    it('explains which window held the count and at what', () => {
      const policy = demandPolicy({ down: { stabilizationWindowS: 120 } });
      const { results } = drive(policy, 6, [
        [0, 6],
        [30, 2],
      ]);
      expect(results[1]!.explanation.summary).toBe(
        'rps 0.3 req/s of 1 req/s target over 6 ready containers → 2; held at 6 by the highest recommendation (6) of the last 120 s',
      );
      expect(explanationOf(results[1]!).stabilisation).toEqual({ upWindowS: 0, downWindowS: 120, lowestInUpWindow: 2, highestInDownWindow: 6 });
    });

    it('a first call without state remembers the current count, so it does not scale down within the first window (HPA)', () => {
      const policy = demandPolicy({ down: { stabilizationWindowS: 300 } });
      expect(drive(policy, 5, [[0, 2]], null).decisions).toEqual([[5, 'stabilised']]);
      expect(drive(policy, 5, [[0, 2]], emptyRecommenderState()).decisions).toEqual([[2, 'scale-down']]);
      expect(
        drive(
          policy,
          5,
          [
            [0, 2],
            [299, 2],
            [300, 2], // the seed and the 0 s sample are exactly 300 s old: out
          ],
          null,
        ).decisions,
      ).toEqual([
        [5, 'stabilised'],
        [5, 'stabilised'],
        [2, 'scale-down'],
      ]);
    });
  });

  describe('rate limits (HPA behaviour policies)', () => {
    it.each<{ case: string; patch: Patch; start: number; demand: number; desired: number; reason: ScalingReason; policyText?: string }>([
      {
        case: 'default up: max(2 + 4, 2 × 200%) = 6',
        patch: {},
        start: 2,
        demand: 20,
        desired: 6,
        reason: 'rate-limited',
        policyText: '4 containers per 15 s',
      },
      {
        case: 'default up from 10: max(14, 20) = 20 (percent wins)',
        patch: {},
        start: 10,
        demand: 40,
        desired: 20,
        reason: 'rate-limited',
        policyText: '100% per 15 s',
      },
      {
        case: 'selectPolicy min from 10: min(14, 20) = 14',
        patch: { up: { selectPolicy: 'min' } },
        start: 10,
        demand: 40,
        desired: 14,
        reason: 'rate-limited',
      },
      {
        case: 'selectPolicy min from 2: min(6, 4) = 4',
        patch: { up: { selectPolicy: 'min' } },
        start: 2,
        demand: 20,
        desired: 4,
        reason: 'rate-limited',
      },
      { case: 'within the bound: not limited', patch: {}, start: 2, demand: 5, desired: 5, reason: 'scale-up' },
      { case: 'up disabled', patch: { up: { selectPolicy: 'disabled' } }, start: 2, demand: 20, desired: 2, reason: 'rate-limited' },
      {
        case: 'percent rounds up, so 1 container can still grow by 10%',
        patch: { up: { policies: [{ type: 'percent', value: 10, periodS: 15 }] } },
        start: 1,
        demand: 5,
        desired: 2,
        reason: 'rate-limited',
      },
      {
        case: '50 × 110% is exactly 55 (float maths says 55.000000000000007 → 56)',
        patch: { up: { policies: [{ type: 'percent', value: 10, periodS: 15 }] } },
        start: 50,
        demand: 80,
        desired: 55,
        reason: 'rate-limited',
      },
      { case: 'default down (100% per 15 s) allows any drop', patch: {}, start: 10, demand: 1, desired: 1, reason: 'scale-down' },
      {
        case: 'down 2 containers per 60 s',
        patch: { down: { policies: [{ type: 'containers', value: 2, periodS: 60 }] } },
        start: 10,
        demand: 1,
        desired: 8,
        reason: 'rate-limited',
      },
      {
        case: 'down 50% per 60 s: 10 → 5',
        patch: { down: { policies: [{ type: 'percent', value: 50, periodS: 60 }] } },
        start: 10,
        demand: 1,
        desired: 5,
        reason: 'rate-limited',
      },
      {
        case: '20 × (100 − 90)% is exactly 2 (float maths says 1.9999999999999996 → 1)',
        patch: { down: { policies: [{ type: 'percent', value: 90, periodS: 60 }] } },
        start: 20,
        demand: 1,
        desired: 2,
        reason: 'rate-limited',
      },
      {
        case: 'down 50% of 5 truncates to 2',
        patch: { down: { policies: [{ type: 'percent', value: 50, periodS: 60 }] } },
        start: 5,
        demand: 1,
        desired: 2,
        reason: 'rate-limited',
      },
      {
        case: 'down, two policies, select max: the bigger drop (50% → 5)',
        patch: { down: { policies: [{ type: 'containers', value: 2, periodS: 60 }, { type: 'percent', value: 50, periodS: 60 }] } },
        start: 10,
        demand: 1,
        desired: 5,
        reason: 'rate-limited',
      },
      {
        case: 'down, two policies, select min: the smaller drop (2 containers → 8)',
        patch: {
          down: {
            selectPolicy: 'min',
            policies: [
              { type: 'containers', value: 2, periodS: 60 },
              { type: 'percent', value: 50, periodS: 60 },
            ],
          },
        },
        start: 10,
        demand: 1,
        desired: 8,
        reason: 'rate-limited',
      },
      { case: 'down disabled', patch: { down: { selectPolicy: 'disabled' } }, start: 10, demand: 1, desired: 10, reason: 'rate-limited' },
    ])('$case', ({ patch, start, demand, desired, reason, policyText }) => {
      const { results, decisions } = drive(demandPolicy(patch), start, [[0, demand]]);
      expect(decisions).toEqual([[desired, reason]]);
      if (policyText !== undefined) expect(results[0]!.explanation.summary).toContain(`(${policyText})`);
    });

    it('counts the changes already made within each policy period', () => {
      const { decisions } = drive(demandPolicy(), 2, [
        [0, 20], // +4 → 6
        [5, 20], // period start 2: max(2 + 4, 2 × 2) = 6 → no room
        [14.999, 20],
        [15, 20], // the 0 s event is exactly 15 s old: out; from 6: max(10, 12)
      ]);
      expect(decisions).toEqual([
        [6, 'rate-limited'],
        [6, 'rate-limited'],
        [6, 'rate-limited'],
        [12, 'rate-limited'],
      ]);
    });

    it('explains a limit counted from the start of the period', () => {
      const policy = demandPolicy({ up: { policies: [{ type: 'containers', value: 4, periodS: 60 }] } });
      const { results } = drive(policy, 2, [
        [0, 4], // +2
        [10, 20], // from 2: at most 6
      ]);
      expect(results[1]!.explanation.summary).toBe(
        'rps 5 req/s of 1 req/s target over 4 ready containers → 20; limited to 6 by the scale-up rate (4 containers per 60 s, counted from 2 at the start of the period)',
      );
    });

    it('counts both directions when finding where the period started (current Kubernetes)', () => {
      const policy = demandPolicy({ up: { policies: [{ type: 'containers', value: 4, periodS: 60 }] } });
      const { decisions } = drive(policy, 2, [
        [0, 20], // +4 → 6
        [10, 3], // −3 → 3
        [20, 20], // period start = 3 − 4 + 3 = 2, so up to 6
      ]);
      expect(decisions).toEqual([
        [6, 'rate-limited'],
        [3, 'scale-down'],
        [6, 'rate-limited'],
      ]);
    });

    it('a down limit applies per period too', () => {
      const policy = demandPolicy({ down: { policies: [{ type: 'containers', value: 2, periodS: 60 }] } });
      const { decisions } = drive(policy, 10, [
        [0, 1],
        [30, 1],
        [60, 1],
      ]);
      expect(decisions).toEqual([
        [8, 'rate-limited'],
        [8, 'rate-limited'],
        [6, 'rate-limited'],
      ]);
    });

    it('explains a disabled direction', () => {
      const { results } = drive(demandPolicy({ up: { selectPolicy: 'disabled' } }), 2, [[0, 20]]);
      expect(results[0]!.explanation.summary).toBe('rps 10 req/s of 1 req/s target over 2 ready containers → 20; held at 2: scale-up is disabled');
      expect(results[0]!.explanation.rateLimit).toMatchObject({ direction: 'up', limit: 2, policy: null, selectPolicy: 'disabled' });
    });
  });

  describe('minReplicas and maxReplicas', () => {
    it.each<{ case: string; patch: Patch; start: number; demand: number; desired: number; reason: ScalingReason; summaryEnd: string }>([
      {
        case: 'capped at max',
        patch: { maxReplicas: 12 },
        start: 10,
        demand: 30,
        desired: 12,
        reason: 'clamped-max',
        summaryEnd: '; capped at maxReplicas 12',
      },
      {
        case: 'rate limit and max equal: named max, as HPA',
        patch: { maxReplicas: 8 },
        start: 4,
        demand: 20,
        desired: 8,
        reason: 'clamped-max',
        summaryEnd: '; capped at maxReplicas 8',
      },
      {
        case: 'the rate limit is tighter than max',
        patch: { maxReplicas: 12 },
        start: 2,
        demand: 20,
        desired: 6,
        reason: 'rate-limited',
        summaryEnd: '(4 containers per 15 s)',
      },
      {
        case: 'kept at min',
        patch: { minReplicas: 3 },
        start: 5,
        demand: 1,
        desired: 3,
        reason: 'clamped-min',
        summaryEnd: '; kept at minReplicas 3',
      },
      {
        case: 'idle down to the default min of 1',
        patch: {},
        start: 4,
        demand: 0,
        desired: 1,
        reason: 'clamped-min',
        summaryEnd: '; kept at minReplicas 1',
      },
    ])('$case', ({ patch, start, demand, desired, reason, summaryEnd }) => {
      const { results, decisions } = drive(demandPolicy(patch), start, [[0, demand]]);
      expect(decisions).toEqual([[desired, reason]]);
      expect(results[0]!.explanation.summary.endsWith(summaryEnd)).toBe(true);
    });

    it.each<{ case: string; patch: Patch; start: number; desired: number; reason: ScalingReason; summary: string }>([
      {
        case: 'above max (policy changed): straight to max',
        patch: { maxReplicas: 12 },
        start: 14,
        desired: 12,
        reason: 'clamped-max',
        summary: '14 is above maxReplicas 12 → 12',
      },
      {
        case: 'below min: straight to min',
        patch: { minReplicas: 2 },
        start: 1,
        desired: 2,
        reason: 'clamped-min',
        summary: '1 is below minReplicas 2 → 2',
      },
      {
        case: 'zero: autoscaling is off',
        patch: {},
        start: 0,
        desired: 0,
        reason: 'scaling-disabled',
        summary: 'the service asks for 0 containers, which switches autoscaling off → stay at 0',
      },
    ])('before looking at metrics (HPA): $case', ({ patch, start, desired, reason, summary }) => {
      // Demand that would say otherwise, to show it is not consulted.
      const result = recommend(demandSnapshot(0, start, 50), demandPolicy(patch), emptyRecommenderState());
      expect([result.desired, result.explanation.reason, result.explanation.summary]).toEqual([desired, reason, summary]);
      expect(result.explanation.metrics).toEqual([]);
      expect(result.state.recommendations).toEqual([]);
      expect(result.state.scaleEvents).toEqual(desired === start ? [] : [{ at: 0, change: desired - start }]);
    });
  });

  describe('per-direction cooldown (off by default, as HPA)', () => {
    it('blocks further changes in the same direction until it ends, and not the other direction', () => {
      const policy = demandPolicy({ up: { cooldownS: 30 }, down: { cooldownS: 30 } });
      const { decisions, results } = drive(policy, 2, [
        [0, 5], // up; up cooldown until 30 s
        [10, 8],
        [29.999, 8],
        [30, 8],
        [31, 4], // down is allowed: the up cooldown does not block it
        [40, 2],
        [61, 2],
      ]);
      expect(decisions).toEqual([
        [5, 'scale-up'],
        [5, 'cooldown'],
        [5, 'cooldown'],
        [8, 'scale-up'],
        [4, 'scale-down'],
        [4, 'cooldown'],
        [2, 'scale-down'],
      ]);
      expect(results[1]!.explanation).toMatchObject({ cooldownUntil: 30_000, rateLimited: 5, clamped: 5 });
      expect(results[1]!.explanation.summary).toBe(
        'rps 1.6 req/s of 1 req/s target over 5 ready containers → 8; held at 5 by the scale-up cooldown (20 s left)',
      );
    });

    it('is off by default', () => {
      const { decisions } = drive(demandPolicy(), 2, [
        [0, 5],
        [16, 8], // the next period, past the 15 s rate window
      ]);
      expect(decisions).toEqual([
        [5, 'scale-up'],
        [8, 'scale-up'],
      ]);
    });
  });

  describe('state', () => {
    it('stays bounded by the longest window and period, and survives a JSON round trip', () => {
      const policy = demandPolicy({ down: { stabilizationWindowS: 60 } });
      let state: RecommenderState | undefined;
      let current = 4;
      for (let i = 0; i < 2000; i++) {
        const demand = 2 + (i % 7);
        const result = recommend(demandSnapshot(i * 2, current, demand), policy, state);
        state = JSON.parse(JSON.stringify(result.state)) as RecommenderState;
        expect(state).toEqual(result.state);
        current = result.desired;
      }
      // One sample per 2 s period over a 60 s window; events only from the last 15 s.
      expect(state!.recommendations.length).toBeLessThanOrEqual(30);
      expect(state!.scaleEvents.length).toBeLessThanOrEqual(8);
    });

    it('does not mutate the state or snapshot it is given', () => {
      const state = emptyRecommenderState();
      const snapshot = demandSnapshot(0, 2, 20);
      const frozenState = JSON.stringify(state);
      const frozenSnapshot = JSON.stringify(snapshot);
      recommend(snapshot, demandPolicy(), state);
      expect(JSON.stringify(state)).toBe(frozenState);
      expect(JSON.stringify(snapshot)).toBe(frozenSnapshot);
    });

    it('records the raw recommendation, not the stabilised one', () => {
      const policy = demandPolicy({ down: { stabilizationWindowS: 60 } });
      const { state } = drive(policy, 6, [
        [0, 6],
        [10, 2],
      ]);
      expect(state.recommendations).toEqual([
        { at: 0, replicas: 6 },
        { at: 10_000, replicas: 2 },
      ]);
    });

    it.each([
      { now: Number.NaN, currentReplicas: 1 },
      { now: 0, currentReplicas: -1 },
      { now: 0, currentReplicas: 1.5 },
    ])('rejects a nonsensical snapshot %p', (snapshot) => {
      expect(() => recommend({ ...snapshot, containers: [] }, DEFAULT_SCALING_POLICY)).toThrow(RangeError);
    });
  });
});
