import { calculateMetricReplicas, type ContainerMetrics, type MetricName, type MetricOutcome, type Tolerances } from '../src/recommender';

/**
 * One metric's recommendation, HPA's ReplicaCalculator case by case. Containers are written as a compact
 * list of kinds so each row reads like the situation it describes.
 */

type Kind =
  | { ready: number } // ready, reporting this value
  | { unready: number } // running, reporting, not ready
  | 'starting' // created, not ready yet (reports nothing useful)
  | 'missing'; // ready but no data for the metric

function containers(metric: MetricName, kinds: readonly Kind[]): ContainerMetrics[] {
  return kinds.map((kind, i) => {
    const id = `c${i}`;
    if (kind === 'starting') return { id, ready: false, starting: true, metrics: { [metric]: 100 } };
    if (kind === 'missing') return { id, ready: true, starting: false, metrics: {} };
    if ('ready' in kind) return { id, ready: true, starting: false, metrics: { [metric]: kind.ready } };
    return { id, ready: false, starting: false, metrics: { [metric]: kind.unready } };
  });
}

const ready = (value: number, count = 1): Kind[] => Array.from({ length: count }, () => ({ ready: value }));
const many = (kind: Kind, count: number): Kind[] => Array.from({ length: count }, () => kind);
const DEFAULT_TOLERANCES: Tolerances = { up: 0.1, down: 0.1 };

interface Row {
  case: string;
  metric?: MetricName;
  target?: number;
  kinds: Kind[];
  current: number;
  tolerances?: Tolerances;
  expected: number | null;
  outcome: MetricOutcome;
}

function run(row: Row) {
  const metric = row.metric ?? 'cpu';
  return calculateMetricReplicas(containers(metric, row.kinds), metric, row.target ?? 60, row.current, row.tolerances ?? DEFAULT_TOLERANCES);
}

describe('calculateMetricReplicas', () => {
  describe('desired = ceil(ready × observed / target) outside the tolerance', () => {
    it.each<Row>([
      { case: 'CPU 84% of 60% over 3 → ceil(4.2)', kinds: ready(84, 3), current: 3, expected: 5, outcome: 'scale-up' },
      { case: 'CPU 120% of 60% over 2 → 4', kinds: ready(120, 2), current: 2, expected: 4, outcome: 'scale-up' },
      { case: 'CPU 30% of 60% over 4 → 2', kinds: ready(30, 4), current: 4, expected: 2, outcome: 'scale-down' },
      { case: 'idle containers ask for 0 (min clamps later)', kinds: ready(0, 2), current: 2, expected: 0, outcome: 'scale-down' },
      {
        case: 'rps 240/s of 100 over 2 → ceil(4.8)',
        metric: 'rps',
        target: 100,
        kinds: ready(240, 2),
        current: 2,
        expected: 5,
        outcome: 'scale-up',
      },
      {
        case: 'in-flight 4 of 8 over 3 → ceil(1.5)',
        metric: 'inflight',
        target: 8,
        kinds: ready(4, 3),
        current: 3,
        expected: 2,
        outcome: 'scale-down',
      },
      { case: '0.7 × 10 is 7, not 8 (float noise)', kinds: ready(42, 10), current: 10, expected: 7, outcome: 'scale-down' },
      {
        case: 'the mean of unequal containers: (130 + 20) / 2 = 75 → 3',
        kinds: [...ready(130), ...ready(20)],
        current: 2,
        expected: 3,
        outcome: 'scale-up',
      },
      {
        case: 'outside the tolerance but rounding back to the current count',
        kinds: ready(69),
        current: 2,
        expected: 2,
        outcome: 'steady',
      },
    ])('$case', (row) => {
      const result = run(row);
      expect(result.recommendation).toBe(row.expected);
      expect(result.outcome).toBe(row.outcome);
      expect(result.adjustedRatio).toBeNull();
    });

    it('reports the observed mean, ratio and counts it used', () => {
      expect(run({ case: '', kinds: ready(84, 3), current: 3, expected: 5, outcome: 'scale-up' })).toEqual({
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
      });
    });
  });

  describe('tolerance: a ratio within [1 − down, 1 + up] keeps the current count', () => {
    it.each<Row>([
      { case: 'exactly 1 + 0.1 (66 of 60): within', kinds: ready(66, 10), current: 10, expected: 10, outcome: 'within-tolerance' },
      { case: 'just over 1 + 0.1 (66.1 of 60): up', kinds: ready(66.1, 10), current: 10, expected: 12, outcome: 'scale-up' },
      { case: 'exactly 1 − 0.1 (54 of 60): within', kinds: ready(54, 10), current: 10, expected: 10, outcome: 'within-tolerance' },
      { case: 'just under 1 − 0.1 (53.9 of 60): down', kinds: ready(53.9, 10), current: 10, expected: 9, outcome: 'scale-down' },
      { case: 'exactly on target', kinds: ready(60, 3), current: 3, expected: 3, outcome: 'within-tolerance' },
      {
        case: 'rps 110 of 100: on the edge, within',
        metric: 'rps',
        target: 100,
        kinds: ready(110, 4),
        current: 4,
        expected: 4,
        outcome: 'within-tolerance',
      },
      {
        case: 'the current count is returned, not the ready count',
        kinds: ready(63, 2),
        current: 5,
        expected: 5,
        outcome: 'within-tolerance',
      },
      {
        case: 'tolerance 0: any deviation acts',
        kinds: ready(61, 10),
        current: 10,
        tolerances: { up: 0, down: 0 },
        expected: 11,
        outcome: 'scale-up',
      },
    ])('$case', (row) => {
      expect(run(row).recommendation).toBe(row.expected);
      expect(run(row).outcome).toBe(row.outcome);
    });

    it.each<Row>([
      { case: '+19.8% is within an up tolerance of 0.2', kinds: ready(71.9, 10), current: 10, expected: 10, outcome: 'within-tolerance' },
      { case: 'exactly +20%: within', kinds: ready(72, 10), current: 10, expected: 10, outcome: 'within-tolerance' },
      { case: '+20.2% scales up', kinds: ready(72.1, 10), current: 10, expected: 13, outcome: 'scale-up' },
      { case: 'exactly −5%: within', kinds: ready(57, 20), current: 20, expected: 20, outcome: 'within-tolerance' },
      { case: '−5.2% scales down though −10% would not', kinds: ready(56.9, 20), current: 20, expected: 19, outcome: 'scale-down' },
    ])('different up (0.2) and down (0.05) tolerances: $case', (row) => {
      const result = run({ ...row, tolerances: { up: 0.2, down: 0.05 } });
      expect(result.recommendation).toBe(row.expected);
      expect(result.outcome).toBe(row.outcome);
    });
  });

  describe('starting and unready containers count as 0 when scaling up, and are ignored when scaling down', () => {
    it.each<Row & { counted: number; adjusted: number | null }>([
      {
        case: '2 ready at 250% of target + 2 starting: (150+150+0+0)/4 = 75 → ceil(1.25 × 4) = 5',
        kinds: [...ready(150, 2), ...many('starting', 2)],
        current: 4,
        expected: 5,
        outcome: 'scale-up',
        counted: 4,
        adjusted: 1.25,
      },
      {
        case: '2 ready at 200% + 1 starting: (120+120+0)/3 = 80 → ceil(1.33 × 3) = 4',
        kinds: [...ready(120, 2), 'starting'],
        current: 3,
        expected: 4,
        outcome: 'scale-up',
        counted: 3,
        adjusted: 80 / 60,
      },
      {
        case: 'an unready container reporting 100% still counts as 0',
        kinds: [...ready(120, 2), { unready: 100 }],
        current: 3,
        expected: 4,
        outcome: 'scale-up',
        counted: 3,
        adjusted: 80 / 60,
      },
      {
        case: 'scale-down ignores them: ceil(0.5 × 4 ready) = 2',
        kinds: [...ready(30, 4), ...many('starting', 2)],
        current: 6,
        expected: 2,
        outcome: 'scale-down',
        counted: 4,
        adjusted: null,
      },
    ])('$case', (row) => {
      const result = run(row);
      expect(result.recommendation).toBe(row.expected);
      expect(result.outcome).toBe(row.outcome);
      expect(result.counted).toBe(row.counted);
      if (row.adjusted === null) expect(result.adjustedRatio).toBeNull();
      else expect(result.adjustedRatio).toBeCloseTo(row.adjusted, 10);
    });

    it.each<Row>([
      {
        case: '2 ready at 150% but 2 starting: (90+90+0+0)/4 = 45, below target → reversed',
        kinds: [...ready(90, 2), ...many('starting', 2)],
        current: 4,
        expected: 4,
        outcome: 'direction-reversed',
      },
      {
        case: '3 ready at 120% + 1 starting: 54 of 60 is inside the tolerance → keep',
        kinds: [...ready(72, 3), 'starting'],
        current: 4,
        expected: 4,
        outcome: 'direction-reversed',
      },
      {
        case: '1 ready at 117% + 1 unready: 35 of 60 → reversed',
        kinds: [...ready(70), { unready: 90 }],
        current: 2,
        expected: 2,
        outcome: 'direction-reversed',
      },
    ])('keeps the current count when counting them reverses the direction or lands in tolerance: $case', (row) => {
      const result = run(row);
      expect(result.recommendation).toBe(row.expected);
      expect(result.outcome).toBe(row.outcome);
    });

    it('a starting container is unready even if it reports a metric, and even without one (HPA: Pending)', () => {
      const list: ContainerMetrics[] = [
        { id: 'a', ready: true, starting: false, metrics: { cpu: 120 } },
        { id: 'b', ready: false, starting: true, metrics: { cpu: 500 } },
        { id: 'c', ready: false, starting: true, metrics: {} },
      ];
      const result = calculateMetricReplicas(list, 'cpu', 60, 3, DEFAULT_TOLERANCES);
      expect(result).toMatchObject({ ready: 1, unready: 2, missing: 0, observed: 120 });
    });
  });

  describe('containers without data count as 100% (of target) when scaling down and 0 when scaling up', () => {
    it.each<Row & { adjusted: number }>([
      {
        case: 'CPU: 4 ready at 12% + 1 missing counted as 100%: mean 29.6 → ceil(0.49 × 5) = 3, not 1',
        kinds: [...ready(12, 4), 'missing'],
        current: 5,
        expected: 3,
        outcome: 'scale-down',
        adjusted: 29.6 / 60,
      },
      {
        case: 'rps: 3 ready at 20/s + 1 missing counted as the target (100): mean 40 → 2',
        metric: 'rps',
        target: 100,
        kinds: [...ready(20, 3), 'missing'],
        current: 4,
        expected: 2,
        outcome: 'scale-down',
        adjusted: 0.4,
      },
      {
        case: 'up: 3 ready at 200% + 1 missing counted as 0: mean 90 → 6',
        kinds: [...ready(120, 3), 'missing'],
        current: 4,
        expected: 6,
        outcome: 'scale-up',
        adjusted: 1.5,
      },
      {
        case: 'up: 2 ready at 250% + 1 missing + 1 starting, both 0: mean 75 → 5',
        kinds: [...ready(150, 2), 'missing', 'starting'],
        current: 4,
        expected: 5,
        outcome: 'scale-up',
        adjusted: 1.25,
      },
      {
        case: 'down with missing and starting: starting ignored, missing at 100%: → 3 over 5 counted',
        kinds: [...ready(12, 4), 'missing', ...many('starting', 2)],
        current: 7,
        expected: 3,
        outcome: 'scale-down',
        adjusted: 29.6 / 60,
      },
    ])('$case', (row) => {
      const result = run(row);
      expect(result.recommendation).toBe(row.expected);
      expect(result.outcome).toBe(row.outcome);
      expect(result.adjustedRatio).toBeCloseTo(row.adjusted, 10);
    });

    it.each<Row>([
      {
        case: 'up: 1 ready at 117% + 2 missing at 0 → reversed',
        kinds: [...ready(70), ...many('missing', 2)],
        current: 3,
        expected: 3,
        outcome: 'direction-reversed',
      },
      {
        case: 'down: 1 ready at 83% + 1 missing at 100% → reversed',
        kinds: [...ready(50), 'missing'],
        current: 2,
        expected: 2,
        outcome: 'direction-reversed',
      },
      {
        case: 'up: the filled ratio is above 1 but fewer counted than asked for → no scale-down',
        kinds: [...ready(150), 'missing'],
        current: 5,
        expected: 5,
        outcome: 'direction-reversed',
      },
      {
        case: 'ratio already within tolerance with a missing container → within',
        kinds: [...ready(63, 3), 'missing'],
        current: 4,
        expected: 4,
        outcome: 'within-tolerance',
      },
    ])('keeps the current count when the fills reverse the direction: $case', (row) => {
      const result = run(row);
      expect(result.recommendation).toBe(row.expected);
      expect(result.outcome).toBe(row.outcome);
    });

    it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])('a value of %p is treated as no data', (value) => {
      const list: ContainerMetrics[] = [
        { id: 'a', ready: true, starting: false, metrics: { cpu: 12 } },
        { id: 'b', ready: true, starting: false, metrics: { cpu: value } },
      ];
      expect(calculateMetricReplicas(list, 'cpu', 60, 2, DEFAULT_TOLERANCES)).toMatchObject({ ready: 1, missing: 1 });
    });

    it('HPA trusts the ready containers it sees: without the starting ones listed, the count can drop', () => {
      // Two more were asked for but are not in the snapshot yet: list them as starting to avoid this.
      expect(run({ case: '', kinds: ready(90), current: 3, expected: 2, outcome: 'scale-down' }).recommendation).toBe(2);
      expect(run({ case: '', kinds: [...ready(90), ...many('starting', 2)], current: 3, expected: 3, outcome: 'direction-reversed' }).recommendation).toBe(3);
    });
  });

  describe('no data from any ready container gives no recommendation', () => {
    it.each<{ case: string; kinds: Kind[] }>([
      { case: 'no containers', kinds: [] },
      { case: 'all starting', kinds: many('starting', 3) },
      { case: 'all missing', kinds: many('missing', 2) },
      { case: 'only unready reporting', kinds: [{ unready: 50 }, 'starting'] },
    ])('$case', ({ kinds }) => {
      const result = run({ case: '', kinds, current: 3, expected: null, outcome: 'no-data' });
      expect(result).toMatchObject({ recommendation: null, outcome: 'no-data', observed: null, usageRatio: null, counted: 0 });
    });
  });
});
