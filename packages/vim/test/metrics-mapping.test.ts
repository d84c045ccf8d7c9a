/** The pure parts of the VIM's metrics: histogram conversion and arithmetic, and what events count as. */
import type { HistogramCounts } from '@acs/daemon';
import { formatMetric } from '../src/metrics/collected-metric';
import { ScrapeScope } from '../src/metrics/scrape-scope';
import { commandOutcomeOf, estimateQuantile, forecastFigures, histogramDelta, scalingActionOf, sumHistograms, toPrometheusBuckets } from '../src/metrics';

const BOUNDS = [1, 10, 100, Infinity];
const h = (counts: number[], sum = 0): HistogramCounts => ({ bounds: BOUNDS, counts, sum });

describe('toPrometheusBuckets', () => {
  test('buckets are cumulative, in the exposed unit, ending with +Inf; sum scaled, count the total', () => {
    expect(toPrometheusBuckets(h([2, 3, 0, 1], 5000), 0.001)).toEqual({
      buckets: [
        { le: '0.001', cumulative: 2 },
        { le: '0.01', cumulative: 5 },
        { le: '0.1', cumulative: 5 },
        { le: '+Inf', cumulative: 6 },
      ],
      sum: 5,
      count: 6,
    });
  });

  test('bounds scaled from ms stay readable (0.5 ms is 0.0005, not 0.0005000000000000001)', () => {
    const { buckets } = toPrometheusBuckets({ bounds: [0.5, 2, 5, 20, 50, 200, 500, 5000, Infinity], counts: [0, 0, 0, 0, 0, 0, 0, 0, 0], sum: 0 }, 0.001);
    expect(buckets.map((b) => b.le)).toEqual(['0.0005', '0.002', '0.005', '0.02', '0.05', '0.2', '0.5', '5', '+Inf']);
  });

  test('a histogram whose last bound is finite still gets a +Inf bucket holding the count', () => {
    expect(toPrometheusBuckets({ bounds: [1, 2], counts: [1, 2], sum: 4 }, 1).buckets).toEqual([
      { le: '1', cumulative: 1 },
      { le: '2', cumulative: 3 },
      { le: '+Inf', cumulative: 3 },
    ]);
  });
});

describe('histogram arithmetic', () => {
  test('sumHistograms adds counts and sums; different bucket layouts are refused', () => {
    expect(sumHistograms(BOUNDS, [h([1, 0, 0, 0], 1), h([0, 2, 0, 1], 7)])).toEqual(h([1, 2, 0, 1], 8));
    expect(sumHistograms(BOUNDS, [])).toEqual(h([0, 0, 0, 0], 0));
    expect(() => sumHistograms(BOUNDS, [{ bounds: [1], counts: [1], sum: 1 }])).toThrow(RangeError);
  });

  test('histogramDelta is what was recorded in between; a reset reads as nothing, never negative', () => {
    expect(histogramDelta(h([3, 5, 1, 0], 90), h([1, 5, 0, 0], 40))).toEqual(h([2, 0, 1, 0], 50));
    expect(histogramDelta(h([0, 0, 0, 0], 0), h([1, 5, 0, 0], 40))).toEqual(h([0, 0, 0, 0], 0));
  });

  test('estimateQuantile interpolates within the bucket, as histogram_quantile does', () => {
    expect(estimateQuantile(h([0, 0, 0, 0]), 0.99)).toBeUndefined();
    // 100 values all in (10, 100]: the p50 is halfway through it, the p99 near its top.
    expect(estimateQuantile(h([0, 0, 100, 0]), 0.5)).toBeCloseTo(55);
    expect(estimateQuantile(h([0, 0, 100, 0]), 0.99)).toBeCloseTo(99.1);
    // 99 fast and 1 slow: the p99 is at the top of the fast bucket.
    expect(estimateQuantile(h([99, 0, 1, 0]), 0.99)).toBeCloseTo(1);
    // In the +Inf bucket: the largest finite bound.
    expect(estimateQuantile(h([0, 0, 0, 5]), 0.99)).toBe(100);
  });
});

describe('scalingActionOf', () => {
  test('a decision that changed the count is an action with its reason and direction', () => {
    expect(scalingActionOf({ kind: 'decision', service: 'web', data: { current: 2, desired: 4, reason: 'metrics' } })).toEqual({ service: 'web', direction: 'up', reason: 'metrics' });
    expect(scalingActionOf({ kind: 'decision', service: 'web', data: { current: 4, desired: 3, reason: 'forecast' } })).toEqual({ service: 'web', direction: 'down', reason: 'forecast' });
  });

  test('a decision that kept the count is not an action', () => {
    expect(scalingActionOf({ kind: 'decision', service: 'web', data: { current: 3, desired: 3, reason: 'stabilised' } })).toBeUndefined();
  });

  test('a count set by hand is reason operator; containers adopted on a first start are reason adopt', () => {
    expect(scalingActionOf({ kind: 'operator', service: 'web', data: { from: 1, to: 5 } })).toEqual({ service: 'web', direction: 'up', reason: 'operator' });
    expect(scalingActionOf({ kind: 'operator', service: 'web', data: { running: 3, from: 1, desired: 3 } })).toEqual({ service: 'web', direction: 'up', reason: 'adopt' });
    expect(scalingActionOf({ kind: 'operator', service: 'web', data: { autoscale: true, desired: 3 } })).toBeUndefined();
  });

  test('a reason that is not a short kebab-case word becomes other (label values stay few)', () => {
    expect(scalingActionOf({ kind: 'decision', service: 'web', data: { current: 1, desired: 2, reason: 'Some free text, with spaces' } })?.reason).toBe('other');
    expect(scalingActionOf({ kind: 'decision', service: 'web', data: { current: 1, desired: 2 } })?.reason).toBe('other');
  });

  test('events of no service, or of other kinds, or with counts missing, are not actions', () => {
    expect(scalingActionOf({ kind: 'decision', service: null, data: { current: 1, desired: 2, reason: 'metrics' } })).toBeUndefined();
    expect(scalingActionOf({ kind: 'placement', service: 'web', data: {} })).toBeUndefined();
    expect(scalingActionOf({ kind: 'decision', service: 'web', data: { desired: 2, reason: 'metrics' } })).toBeUndefined();
  });
});

test('commandOutcomeOf: start and stop commands by outcome; anything else is not a command', () => {
  expect(commandOutcomeOf({ kind: 'command', service: 'web', data: { command: 'start', ok: true } })).toEqual({ service: 'web', command: 'start', outcome: 'ok' });
  expect(commandOutcomeOf({ kind: 'command', service: 'web', data: { command: 'stop', ok: false } })).toEqual({ service: 'web', command: 'stop', outcome: 'failed' });
  expect(commandOutcomeOf({ kind: 'command', service: 'web', data: { command: 'restart', ok: true } })).toBeUndefined();
  expect(commandOutcomeOf({ kind: 'decision', service: 'web', data: { command: 'start', ok: true } })).toBeUndefined();
});

test('forecastFigures: the farthest step and the horizon in seconds; nothing before there is a model', () => {
  const view = {
    stepSeconds: 2,
    horizonSteps: 15,
    forecast: [
      { at: 'a', mean: 10, lower: 8, upper: 12 },
      { at: 'b', mean: 11, lower: 7, upper: 15 },
    ],
    recommendation: { replicas: 3, perContainerRps: 5, summary: '' },
  };
  expect(forecastFigures(view)).toEqual({ mean: 11, lower: 7, upper: 15, horizonSeconds: 30, replicas: 3 });
  expect(forecastFigures({ ...view, recommendation: null })?.replicas).toBeNull();
  expect(forecastFigures({ ...view, forecast: [] })).toBeUndefined();
});

describe('formatMetric', () => {
  test('HELP, TYPE, then one line per series, labels in order, no braces without labels', () => {
    const text = formatMetric({ name: 'acs_x_total', help: 'Things.', type: 'counter' }, [
      { metricName: 'acs_x_total', labels: {}, value: 3 },
      { metricName: 'acs_x_total', labels: { vm: 'a', service: 'web' }, value: 0.25 },
    ]);
    expect(text).toBe('# HELP acs_x_total Things.\n# TYPE acs_x_total counter\nacs_x_total 3\nacs_x_total{vm="a",service="web"} 0.25\n');
  });

  test('label values and help are escaped; infinities and NaN are spelled as Prometheus reads them', () => {
    const text = formatMetric({ name: 'm', help: 'a \\ b\nc', type: 'gauge' }, [
      { metricName: 'm', labels: { vm: 'say "hi"\\\n' }, value: Infinity },
      { metricName: 'm', labels: { vm: 'x' }, value: -Infinity },
      { metricName: 'm', labels: { vm: 'y' }, value: NaN },
    ]);
    expect(text.split('\n')).toEqual(['# HELP m a \\\\ b\\nc', '# TYPE m gauge', 'm{vm="say \\"hi\\"\\\\\\n"} +Inf', 'm{vm="x"} -Inf', 'm{vm="y"} NaN', '']);
  });
});

test('ScrapeScope: a read is shared within a scrape and done again in the next', () => {
  const scope = new ScrapeScope();
  let reads = 0;
  const once = scope.once(() => ++reads);
  scope.begin();
  expect([once(), once(), once()]).toEqual([1, 1, 1]);
  scope.begin();
  expect(once()).toBe(2);
});
