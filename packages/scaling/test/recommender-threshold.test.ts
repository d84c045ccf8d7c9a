import {
  DEFAULT_THRESHOLD_POLICY,
  emptyRecommenderState,
  recommend,
  validateScalingPolicy,
  type ContainerMetrics,
  type Recommendation,
  type RecommenderState,
  type ScalingReason,
  type ThresholdExplanation,
  type ThresholdPolicy,
} from '../src/recommender';

/**
 * The threshold strategy over sequences of control periods. Every container reports the same values, so a
 * step reads as "at t seconds, CPU was x (and rps y)".
 */

const S = 1000;

function thresholdPolicy(patch: Record<string, unknown> = {}): ThresholdPolicy {
  return validateScalingPolicy({
    strategy: 'threshold',
    rules: [{ metric: 'cpu', scaleUpAbove: 80, scaleDownBelow: 30 }],
    scaleUpForS: 30,
    scaleDownForS: 60,
    // No cooldown and generous rates unless a test is about them.
    behavior: { scaleUp: { cooldownS: 0 }, scaleDown: { cooldownS: 0 } },
    ...patch,
  }) as ThresholdPolicy;
}

interface Step {
  t: number;
  cpu?: number;
  rps?: number;
}

function containersAt(count: number, step: Step): ContainerMetrics[] {
  const metrics = { ...(step.cpu === undefined ? {} : { cpu: step.cpu }), ...(step.rps === undefined ? {} : { rps: step.rps }) };
  return Array.from({ length: count }, (_, i) => ({ id: `c${i}`, ready: true, starting: false, metrics }));
}

function drive(policy: ThresholdPolicy, start: number, steps: Step[], initial: RecommenderState = emptyRecommenderState()) {
  let state = initial;
  let current = start;
  const results: Recommendation[] = [];
  for (const step of steps) {
    const result = recommend({ now: step.t * S, currentReplicas: current, containers: containersAt(current, step) }, policy, state);
    results.push(result);
    state = result.state;
    current = result.desired;
  }
  return { results, decisions: results.map((r): [number, ScalingReason] => [r.desired, r.explanation.reason]), state };
}

function explanationOf(result: Recommendation): ThresholdExplanation {
  if (result.explanation.strategy !== 'threshold') throw new Error('expected a threshold explanation');
  return result.explanation;
}

describe('recommend (threshold)', () => {
  it('adds scaleUpStep once the metric has been above the threshold for scaleUpForS, not before', () => {
    const { decisions } = drive(thresholdPolicy(), 3, [
      { t: 0, cpu: 90 },
      { t: 20, cpu: 95 },
      { t: 29.999, cpu: 85 },
      { t: 30, cpu: 85 },
      { t: 40, cpu: 85 }, // the run restarted at 30 s
      { t: 60, cpu: 85 },
    ]);
    expect(decisions).toEqual([
      [3, 'breach-pending'],
      [3, 'breach-pending'],
      [3, 'breach-pending'],
      [4, 'threshold-breached'],
      [4, 'breach-pending'],
      [5, 'threshold-breached'],
    ]);
  });

  it('restarts the run when the metric comes back inside, or has no data', () => {
    const { decisions } = drive(thresholdPolicy(), 3, [
      { t: 0, cpu: 90 },
      { t: 20, cpu: 70 }, // between the thresholds
      { t: 30, cpu: 90 }, // a new run starts here
      { t: 50, cpu: 90 },
      { t: 55 }, // no data: not knowing is not breaching
      { t: 60, cpu: 90 },
      { t: 89, cpu: 90 },
      { t: 90, cpu: 90 },
    ]);
    expect(decisions).toEqual([
      [3, 'breach-pending'],
      [3, 'steady'],
      [3, 'breach-pending'],
      [3, 'breach-pending'],
      [3, 'no-metrics'],
      [3, 'breach-pending'],
      [3, 'breach-pending'],
      [4, 'threshold-breached'],
    ]);
  });

  it('removes scaleDownStep once below for scaleDownForS', () => {
    const { decisions } = drive(thresholdPolicy({ scaleDownStep: 2 }), 5, [
      { t: 0, cpu: 20 },
      { t: 59, cpu: 20 },
      { t: 60, cpu: 20 },
      { t: 100, cpu: 20 },
      { t: 120, cpu: 20 },
    ]);
    expect(decisions).toEqual([
      [5, 'breach-pending'],
      [5, 'breach-pending'],
      [3, 'threshold-breached'],
      [3, 'breach-pending'],
      [1, 'threshold-breached'],
    ]);
  });

  it.each<{ case: string; patch: Record<string, unknown>; start: number; desired: number; reason: ScalingReason }>([
    { case: 'the thresholds are strict: exactly at scaleUpAbove is not above', patch: {}, start: 3, desired: 3, reason: 'steady' },
    {
      case: 'scaleUpForS 0 acts on the first sample',
      patch: { scaleUpForS: 0, rules: [{ metric: 'cpu', scaleUpAbove: 79, scaleDownBelow: 30 }] },
      start: 3,
      desired: 4,
      reason: 'threshold-breached',
    },
    {
      case: 'scaleUpStep 3',
      patch: { scaleUpForS: 0, scaleUpStep: 3, rules: [{ metric: 'cpu', scaleUpAbove: 79, scaleDownBelow: 30 }] },
      start: 3,
      desired: 6,
      reason: 'threshold-breached',
    },
    {
      case: 'the step is rate-limited by the behaviour policies',
      patch: {
        scaleUpForS: 0,
        scaleUpStep: 3,
        rules: [{ metric: 'cpu', scaleUpAbove: 79, scaleDownBelow: 30 }],
        behavior: { scaleUp: { cooldownS: 0, policies: [{ type: 'containers', value: 1, periodS: 60 }] } },
      },
      start: 3,
      desired: 4,
      reason: 'rate-limited',
    },
    {
      case: 'and capped at maxReplicas',
      patch: { scaleUpForS: 0, scaleUpStep: 3, maxReplicas: 5, rules: [{ metric: 'cpu', scaleUpAbove: 79, scaleDownBelow: 30 }] },
      start: 3,
      desired: 5,
      reason: 'clamped-max',
    },
  ])('$case', ({ patch, start, desired, reason }) => {
    expect(drive(thresholdPolicy(patch), start, [{ t: 0, cpu: 80 }]).decisions).toEqual([[desired, reason]]);
  });

  it('never goes below minReplicas', () => {
    const { decisions, results } = drive(thresholdPolicy({ minReplicas: 2 }), 2, [
      { t: 0, cpu: 5 },
      { t: 60, cpu: 5 },
    ]);
    expect(decisions).toEqual([
      [2, 'breach-pending'],
      [2, 'clamped-min'],
    ]);
    expect(results[1]!.explanation.summary).toBe('CPU 5% below 30% for 60 s → 2 − 1 = 1; kept at minReplicas 2');
  });

  describe('several rules', () => {
    const policy = thresholdPolicy({
      rules: [
        { metric: 'cpu', scaleUpAbove: 80, scaleDownBelow: 30 },
        { metric: 'rps', scaleUpAbove: 100, scaleDownBelow: 20 },
      ],
    });

    it('any rule held above long enough scales up', () => {
      const { decisions, results } = drive(policy, 3, [
        { t: 0, cpu: 10, rps: 150 },
        { t: 30, cpu: 10, rps: 150 },
      ]);
      expect(decisions).toEqual([
        [3, 'breach-pending'],
        [4, 'threshold-breached'],
      ]);
      expect(results[1]!.explanation.decidingMetric).toBe('rps');
    });

    it('scaling down needs every rule held below long enough', () => {
      const { decisions } = drive(policy, 3, [
        { t: 0, cpu: 10, rps: 50 },
        { t: 60, cpu: 10, rps: 50 }, // rps is not below 20
        { t: 70, cpu: 10, rps: 10 },
        { t: 120, cpu: 10, rps: 10 }, // rps below only since 70 s
        { t: 130, cpu: 10, rps: 10 },
      ]);
      expect(decisions).toEqual([
        [3, 'steady'],
        [3, 'steady'],
        [3, 'breach-pending'],
        [3, 'breach-pending'],
        [2, 'threshold-breached'],
      ]);
    });

    it('does not scale down while one rule has no data', () => {
      const { decisions, results } = drive(policy, 3, [
        { t: 0, cpu: 10 },
        { t: 60, cpu: 10 },
      ]);
      expect(decisions).toEqual([
        [3, 'partial-metrics'],
        [3, 'partial-metrics'],
      ]);
      expect(results[1]!.explanation.summary).toBe('CPU 10% below 30% for 60 s, no rps data from any ready container, so no scale-down → stay at 3');
    });
  });

  describe('cooldown', () => {
    it('blocks a second step in the same direction until cooldownS after the last one', () => {
      const policy = thresholdPolicy({ scaleUpForS: 10, behavior: { scaleUp: { cooldownS: 60 }, scaleDown: { cooldownS: 0 } } });
      const { decisions, results } = drive(policy, 3, [
        { t: 0, cpu: 90 },
        { t: 10, cpu: 90 }, // +1, cooldown until 70 s
        { t: 20, cpu: 90 }, // the run restarted at 10 s and has held for 10 s, but cooling down
        { t: 69, cpu: 90 },
        { t: 70, cpu: 90 },
      ]);
      expect(decisions).toEqual([
        [3, 'breach-pending'],
        [4, 'threshold-breached'],
        [4, 'cooldown'],
        [4, 'cooldown'],
        [5, 'threshold-breached'],
      ]);
      expect(results[2]!.explanation.cooldownUntil).toBe(70_000);
      expect(results[2]!.explanation.summary).toBe('CPU 90% above 80% for 10 s → 4 + 1 = 5; held at 4 by the scale-up cooldown (50 s left)');
    });

    it('is per direction: a scale-up cooldown does not block a scale-down', () => {
      const policy = thresholdPolicy({ scaleUpForS: 0, scaleDownForS: 0, behavior: { scaleUp: { cooldownS: 600 }, scaleDown: { cooldownS: 0 } } });
      const { decisions } = drive(policy, 3, [
        { t: 0, cpu: 90 },
        { t: 2, cpu: 10 },
        { t: 4, cpu: 90 },
      ]);
      expect(decisions).toEqual([
        [4, 'threshold-breached'],
        [3, 'threshold-breached'],
        [3, 'cooldown'],
      ]);
    });

    it('defaults to 60 s up and 120 s down', () => {
      expect(DEFAULT_THRESHOLD_POLICY.behavior.scaleUp.cooldownS).toBe(60);
      expect(DEFAULT_THRESHOLD_POLICY.behavior.scaleDown.cooldownS).toBe(120);
    });
  });

  it('explains each rule: value, breach and how long it has lasted', () => {
    const { results } = drive(thresholdPolicy(), 3, [
      { t: 0, cpu: 90 },
      { t: 12, cpu: 90 },
    ]);
    const explanation = explanationOf(results[1]!);
    expect(explanation.metrics).toEqual([
      {
        metric: 'cpu',
        observed: 90,
        ready: 3,
        unready: 0,
        missing: 0,
        scaleUpAbove: 80,
        scaleDownBelow: 30,
        breach: 'above',
        breachForS: 12,
        requiredS: 30,
      },
    ]);
    expect(explanation).toMatchObject({ raw: 3, stabilised: 3, rateLimited: 3, clamped: 3, desired: 3, reason: 'breach-pending' });
    expect(explanation.summary).toBe('CPU 90% above 80% for 12 s of the 30 s needed → stay at 3');

    const steady = drive(thresholdPolicy(), 3, [{ t: 0, cpu: 50 }]).results[0]!;
    expect(steady.explanation.summary).toBe('CPU 50% between 30% and 80% → stay at 3');
  });

  it('counts only ready containers: starting ones do not dilute the mean', () => {
    const containers: ContainerMetrics[] = [
      ...containersAt(2, { t: 0, cpu: 90 }),
      { id: 'new', ready: false, starting: true, metrics: { cpu: 0 } },
    ];
    const result = recommend({ now: 0, currentReplicas: 3, containers }, thresholdPolicy({ scaleUpForS: 0 }), emptyRecommenderState());
    expect(result.desired).toBe(4);
    expect(explanationOf(result).metrics[0]).toMatchObject({ observed: 90, ready: 2, unready: 1 });
  });

  it('keeps its breach runs in the state as plain data, only for metrics in the rules', () => {
    const { state } = drive(thresholdPolicy(), 3, [
      { t: 0, cpu: 90 },
      { t: 10, cpu: 90 },
    ]);
    expect(state.streaks).toEqual({ cpu: { aboveSince: 0, belowSince: null } });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);

    const rpsOnly = thresholdPolicy({ rules: [{ metric: 'rps', scaleUpAbove: 100, scaleDownBelow: 10 }] });
    const next = recommend({ now: 20_000, currentReplicas: 3, containers: containersAt(3, { t: 20, rps: 50 }) }, rpsOnly, state);
    expect(next.state.streaks).toEqual({ rps: { aboveSince: null, belowSince: null } });
  });

  it('corrects a count outside [min, max] before looking at the rules', () => {
    const snapshot = { now: 0, currentReplicas: 20, containers: containersAt(20, { t: 0, cpu: 95 }) };
    const result = recommend(snapshot, thresholdPolicy(), emptyRecommenderState());
    const { reason, summary } = result.explanation;
    expect([result.desired, reason, summary]).toEqual([12, 'clamped-max', '20 is above maxReplicas 12 → 12']);
  });
});
