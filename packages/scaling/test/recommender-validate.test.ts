import {
  DEFAULT_SCALING_POLICY,
  DEFAULT_THRESHOLD_POLICY,
  ScalingPolicyError,
  validateScalingPolicy,
  type PolicyProblem,
  type ReactivePolicy,
  type ThresholdPolicy,
} from '../src/recommender';

function problemsOf(input: unknown): readonly PolicyProblem[] {
  try {
    validateScalingPolicy(input);
  } catch (error) {
    if (error instanceof ScalingPolicyError) return error.problems;
    throw error;
  }
  throw new Error('expected a ScalingPolicyError');
}

describe('validateScalingPolicy', () => {
  describe('defaults', () => {
    it('an empty object is the default policy: a stock HPA on CPU at 60%', () => {
      expect(validateScalingPolicy({})).toEqual(DEFAULT_SCALING_POLICY);
      expect(DEFAULT_SCALING_POLICY).toEqual({
        strategy: 'reactive',
        minReplicas: 1,
        maxReplicas: 12,
        controlPeriodMs: 2000,
        metrics: [{ metric: 'cpu', target: 60 }],
        behavior: {
          scaleUp: {
            stabilizationWindowS: 0,
            tolerance: 0.1,
            policies: [
              { type: 'containers', value: 4, periodS: 15 },
              { type: 'percent', value: 100, periodS: 15 },
            ],
            selectPolicy: 'max',
            cooldownS: 0,
          },
          scaleDown: {
            stabilizationWindowS: 300,
            tolerance: 0.1,
            policies: [{ type: 'percent', value: 100, periodS: 15 }],
            selectPolicy: 'max',
            cooldownS: 0,
          },
        },
      });
    });

    it('{strategy: threshold} is the default threshold policy', () => {
      expect(validateScalingPolicy({ strategy: 'threshold' })).toEqual(DEFAULT_THRESHOLD_POLICY);
      expect(DEFAULT_THRESHOLD_POLICY).toMatchObject({
        rules: [{ metric: 'cpu', scaleUpAbove: 80, scaleDownBelow: 30 }],
        scaleUpForS: 30,
        scaleDownForS: 120,
        scaleUpStep: 1,
        scaleDownStep: 1,
      });
    });

    it('fills each omitted field separately, down to one field of one direction', () => {
      const policy = validateScalingPolicy({ maxReplicas: 20, behavior: { scaleDown: { stabilizationWindowS: 60 } } }) as ReactivePolicy;
      expect(policy).toEqual({
        ...DEFAULT_SCALING_POLICY,
        maxReplicas: 20,
        behavior: { ...DEFAULT_SCALING_POLICY.behavior, scaleDown: { ...DEFAULT_SCALING_POLICY.behavior.scaleDown, stabilizationWindowS: 60 } },
      });
    });

    it('takes a full policy as given, and its own output (JSON round trip)', () => {
      const input = {
        strategy: 'reactive',
        minReplicas: 2,
        maxReplicas: 30,
        controlPeriodMs: 5000,
        metrics: [
          { metric: 'rps', target: 150 },
          { metric: 'inflight', target: 8 },
        ],
        behavior: {
          scaleUp: {
            stabilizationWindowS: 10,
            tolerance: 0.2,
            policies: [{ type: 'percent', value: 50, periodS: 30 }],
            selectPolicy: 'min',
            cooldownS: 5,
          },
          scaleDown: { stabilizationWindowS: 60, tolerance: 0.05, policies: [], selectPolicy: 'disabled', cooldownS: 0 },
        },
      };
      const policy = validateScalingPolicy(input);
      expect(policy).toEqual(input);
      expect(validateScalingPolicy(JSON.parse(JSON.stringify(policy)))).toEqual(policy);
    });

    it('returns fresh objects: changing the result leaves the defaults alone', () => {
      const policy = validateScalingPolicy({}) as ReactivePolicy;
      policy.metrics.push({ metric: 'rps', target: 1 });
      policy.behavior.scaleUp.policies.length = 0;
      expect(DEFAULT_SCALING_POLICY.metrics).toHaveLength(1);
      expect(validateScalingPolicy({})).toEqual(DEFAULT_SCALING_POLICY);
    });

    it('accepts a threshold policy with every field', () => {
      const input = {
        strategy: 'threshold',
        minReplicas: 1,
        maxReplicas: 6,
        controlPeriodMs: 1000,
        rules: [{ metric: 'inflight', scaleUpAbove: 20, scaleDownBelow: 2 }],
        scaleUpForS: 10,
        scaleDownForS: 300,
        scaleUpStep: 2,
        scaleDownStep: 1,
        behavior: {
          scaleUp: { policies: [{ type: 'containers', value: 2, periodS: 60 }], selectPolicy: 'max', cooldownS: 30 },
          scaleDown: { policies: [{ type: 'percent', value: 10, periodS: 60 }], selectPolicy: 'min', cooldownS: 300 },
        },
      };
      expect(validateScalingPolicy(input) as ThresholdPolicy).toEqual(input);
    });
  });

  describe('each problem names its field', () => {
    it.each<{ case: string; input: unknown; path: string; message: string }>([
      { case: 'not an object', input: null, path: '(policy)', message: 'must be an object, got null' },
      { case: 'a list', input: [], path: '(policy)', message: 'must be an object' },
      { case: 'a string', input: 'reactive', path: '(policy)', message: 'must be an object, got "reactive"' },
      {
        case: 'unknown key',
        input: { minReplica: 2 },
        path: 'minReplica',
        message: 'is not a known field; expected one of strategy, minReplicas',
      },
      {
        case: 'unknown strategy',
        input: { strategy: 'predictive' },
        path: 'strategy',
        message: 'must be one of reactive, threshold, got "predictive"',
      },
      {
        case: 'strategy of the wrong type',
        input: { strategy: 1 },
        path: 'strategy',
        message: 'must be one of reactive, threshold, got 1',
      },
      { case: 'minReplicas 0', input: { minReplicas: 0 }, path: 'minReplicas', message: 'must be an integer ≥ 1, got 0' },
      { case: 'minReplicas fractional', input: { minReplicas: 1.5 }, path: 'minReplicas', message: 'must be an integer ≥ 1, got 1.5' },
      { case: 'minReplicas a string', input: { minReplicas: '2' }, path: 'minReplicas', message: 'must be an integer ≥ 1, got "2"' },
      { case: 'maxReplicas negative', input: { maxReplicas: -1 }, path: 'maxReplicas', message: 'must be an integer ≥ 1, got -1' },
      {
        case: 'min > max',
        input: { minReplicas: 5, maxReplicas: 3 },
        path: 'minReplicas',
        message: 'must not exceed maxReplicas (3), got 5',
      },
      { case: 'min > default max', input: { minReplicas: 13 }, path: 'minReplicas', message: 'must not exceed maxReplicas (12), got 13' },
      {
        case: 'controlPeriodMs too small',
        input: { controlPeriodMs: 0 },
        path: 'controlPeriodMs',
        message: 'must be an integer ≥ 100 and ≤ 3600000, got 0',
      },
      { case: 'controlPeriodMs NaN', input: { controlPeriodMs: Number.NaN }, path: 'controlPeriodMs', message: 'got NaN' },
      { case: 'empty metric list', input: { metrics: [] }, path: 'metrics', message: 'must list at least one metric' },
      { case: 'metrics not a list', input: { metrics: 'cpu' }, path: 'metrics', message: 'must be a list, got "cpu"' },
      {
        case: 'metric entry not an object',
        input: { metrics: ['cpu'] },
        path: 'metrics[0]',
        message: 'must be an object like {"metric": "cpu", "target": 60}, got "cpu"',
      },
      {
        case: 'unknown metric',
        input: { metrics: [{ metric: 'memory', target: 50 }] },
        path: 'metrics[0].metric',
        message: 'must be one of cpu, rps, inflight, got "memory"',
      },
      {
        case: 'metric name missing',
        input: { metrics: [{ target: 50 }] },
        path: 'metrics[0].metric',
        message: 'is required (one of cpu, rps, inflight)',
      },
      { case: 'target missing', input: { metrics: [{ metric: 'rps' }] }, path: 'metrics[0].target', message: 'is required (a number > 0)' },
      {
        case: 'target 0',
        input: { metrics: [{ metric: 'rps', target: 0 }] },
        path: 'metrics[0].target',
        message: 'must be a number > 0, got 0',
      },
      {
        case: 'CPU target over 100%',
        input: { metrics: [{ metric: 'cpu', target: 150 }] },
        path: 'metrics[0].target',
        message: 'must be a number > 0 and ≤ 100, got 150',
      },
      {
        case: 'metric listed twice',
        input: { metrics: [{ metric: 'cpu', target: 60 }, { metric: 'cpu', target: 70 }] },
        path: 'metrics[1].metric',
        message: 'lists cpu a second time',
      },
      {
        case: 'unknown key in a metric',
        input: { metrics: [{ metric: 'rps', target: 9, weight: 1 }] },
        path: 'metrics[0].weight',
        message: 'is not a known field; expected one of metric, target',
      },
      { case: 'behavior not an object', input: { behavior: 5 }, path: 'behavior', message: 'must be an object, got 5' },
      {
        case: 'unknown direction',
        input: { behavior: { scaleUpp: {} } },
        path: 'behavior.scaleUpp',
        message: 'is not a known field; expected one of scaleUp, scaleDown',
      },
      {
        case: 'direction not an object',
        input: { behavior: { scaleDown: [] } },
        path: 'behavior.scaleDown',
        message: 'must be an object, got []',
      },
      {
        case: 'negative window',
        input: { behavior: { scaleDown: { stabilizationWindowS: -1 } } },
        path: 'behavior.scaleDown.stabilizationWindowS',
        message: 'must be an integer ≥ 0 and ≤ 3600, got -1',
      },
      {
        case: 'window over an hour',
        input: { behavior: { scaleUp: { stabilizationWindowS: 4000 } } },
        path: 'behavior.scaleUp.stabilizationWindowS',
        message: '≤ 3600, got 4000',
      },
      {
        case: 'negative tolerance',
        input: { behavior: { scaleDown: { tolerance: -0.1 } } },
        path: 'behavior.scaleDown.tolerance',
        message: 'must be a number ≥ 0, got -0.1',
      },
      {
        case: 'negative cooldown',
        input: { behavior: { scaleDown: { cooldownS: -5 } } },
        path: 'behavior.scaleDown.cooldownS',
        message: 'must be a number ≥ 0 and ≤ 86400, got -5',
      },
      {
        case: 'unknown selectPolicy',
        input: { behavior: { scaleUp: { selectPolicy: 'biggest' } } },
        path: 'behavior.scaleUp.selectPolicy',
        message: 'must be one of max, min, disabled, got "biggest"',
      },
      {
        case: 'no rate policies',
        input: { behavior: { scaleUp: { policies: [] } } },
        path: 'behavior.scaleUp.policies',
        message: 'must list at least one policy (or set selectPolicy to disabled)',
      },
      {
        case: 'rate policies not a list',
        input: { behavior: { scaleUp: { policies: {} } } },
        path: 'behavior.scaleUp.policies',
        message: 'must be a list, got {}',
      },
      {
        case: 'unknown rate policy type',
        input: { behavior: { scaleUp: { policies: [{ type: 'pods', value: 4, periodS: 15 }] } } },
        path: 'behavior.scaleUp.policies[0].type',
        message: 'must be one of containers, percent, got "pods"',
      },
      {
        case: 'rate policy value 0',
        input: { behavior: { scaleDown: { policies: [{ type: 'percent', value: 0, periodS: 15 }] } } },
        path: 'behavior.scaleDown.policies[0].value',
        message: 'must be an integer ≥ 1, got 0',
      },
      {
        case: 'rate policy period over 30 minutes',
        input: { behavior: { scaleDown: { policies: [{ type: 'percent', value: 10, periodS: 1801 }] } } },
        path: 'behavior.scaleDown.policies[0].periodS',
        message: 'must be an integer ≥ 1 and ≤ 1800, got 1801',
      },
      {
        case: 'rate policy period missing',
        input: { behavior: { scaleUp: { policies: [{ type: 'containers', value: 1 }] } } },
        path: 'behavior.scaleUp.policies[0].periodS',
        message: 'is required (an integer ≥ 1 and ≤ 1800)',
      },
      {
        case: 'reactive rejects threshold fields',
        input: { rules: [{ metric: 'cpu', scaleUpAbove: 80, scaleDownBelow: 30 }] },
        path: 'rules',
        message: 'is not a known field; expected one of strategy, minReplicas, maxReplicas, controlPeriodMs, behavior, metrics',
      },
      {
        case: 'threshold rejects reactive fields',
        input: { strategy: 'threshold', metrics: [{ metric: 'cpu', target: 60 }] },
        path: 'metrics',
        message: 'is not a known field',
      },
      {
        case: 'threshold has no stabilisation window',
        input: { strategy: 'threshold', behavior: { scaleUp: { stabilizationWindowS: 10 } } },
        path: 'behavior.scaleUp.stabilizationWindowS',
        message: 'is not a known field; expected one of policies, selectPolicy, cooldownS',
      },
      {
        case: 'threshold with no rules',
        input: { strategy: 'threshold', rules: [] },
        path: 'rules',
        message: 'must list at least one rule',
      },
      {
        case: 'threshold rule with down ≥ up',
        input: { strategy: 'threshold', rules: [{ metric: 'cpu', scaleUpAbove: 30, scaleDownBelow: 50 }] },
        path: 'rules[0].scaleDownBelow',
        message: 'must be less than scaleUpAbove (30), got 50',
      },
      {
        case: 'threshold rule on an unknown metric',
        input: { strategy: 'threshold', rules: [{ metric: 'latency', scaleUpAbove: 300, scaleDownBelow: 50 }] },
        path: 'rules[0].metric',
        message: 'must be one of cpu, rps, inflight, got "latency"',
      },
      {
        case: 'threshold rule missing a threshold',
        input: { strategy: 'threshold', rules: [{ metric: 'rps', scaleUpAbove: 300 }] },
        path: 'rules[0].scaleDownBelow',
        message: 'is required (a number ≥ 0)',
      },
      {
        case: 'threshold step 0',
        input: { strategy: 'threshold', scaleUpStep: 0 },
        path: 'scaleUpStep',
        message: 'must be an integer ≥ 1, got 0',
      },
      {
        case: 'threshold negative duration',
        input: { strategy: 'threshold', scaleDownForS: -1 },
        path: 'scaleDownForS',
        message: 'must be a number ≥ 0 and ≤ 86400, got -1',
      },
    ])('$case', ({ input, path, message }) => {
      const problems = problemsOf(input);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.path).toBe(path);
      expect(problems[0]!.message).toContain(message);
    });

    it('a disabled direction may have no policies', () => {
      expect(validateScalingPolicy({ behavior: { scaleDown: { selectPolicy: 'disabled', policies: [] } } })).toMatchObject({
        behavior: { scaleDown: { selectPolicy: 'disabled', policies: [] } },
      });
    });

    it('quotes hostile strings rather than echoing them raw, and cuts long ones', () => {
      const [problem] = problemsOf({ strategy: 'x\ninjected: true' });
      expect(problem!.message).toContain('"x\\ninjected: true"');
      const [long] = problemsOf({ strategy: 'y'.repeat(500) });
      expect(long!.message.length).toBeLessThan(200);
    });

    it('an unknown strategy still has its common fields checked', () => {
      expect(problemsOf({ strategy: 'predictive', minReplicas: 0, bogus: 1 }).map((p) => p.path)).toEqual(['strategy', 'bogus', 'minReplicas']);
    });
  });

  it('lists every problem at once, in one typed error', () => {
    const input = {
      strategy: 'reactive',
      minReplicas: 10,
      maxReplicas: 5,
      metrics: [{ metric: 'memory', target: -1 }],
      behavior: { scaleUp: { policies: [{ type: 'containers', value: 0, periodS: 0 }], selectPolicy: 'sometimes' }, scaleSideways: {} },
      extra: true,
    };
    let caught: unknown;
    try {
      validateScalingPolicy(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScalingPolicyError);
    const error = caught as ScalingPolicyError;
    expect(error).toMatchObject({ name: 'ScalingPolicyError', code: 'invalid-scaling-policy' });
    expect(error.problems.map((p) => p.path).sort()).toEqual(
      [
        'extra',
        'minReplicas',
        'metrics[0].metric',
        'metrics[0].target',
        'behavior.scaleSideways',
        'behavior.scaleUp.selectPolicy',
        'behavior.scaleUp.policies[0].value',
        'behavior.scaleUp.policies[0].periodS',
      ].sort(),
    );
    for (const problem of error.problems) expect(error.message).toContain(`${problem.path} ${problem.message}`);
  });

  it('does not modify its input', () => {
    const input = { behavior: { scaleUp: { stabilizationWindowS: 30 } } };
    const before = JSON.stringify(input);
    validateScalingPolicy(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});
