import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ForecastView } from '@acs/api-types';
import fc from 'fast-check';
import { renderForecastChart, type ChartData, type ChartSize, type ForecastPoint } from '../src/chart';
import { acs, FakeVim, type CliRun } from './fake-vim';


/** The chart's parts, found the way a reader finds them: by glyph and position, not by calling the renderer's helpers. */
interface Chart {
  lines: string[];
  /** Plot rows, top first. */
  rows: string[];
  /** Column (index in each line) of the "now" separator. */
  sep: number;
  /** Index in each line of the first plot column, right of the y axis. */
  plotStart: number;
  /** y label of each plot row, '' where none. */
  labels: string[];
  rule: string;
  times: string;
}

function chart(data: Partial<ChartData>, size: Partial<ChartSize> = {}): Chart {
  const full: ChartData = { history: [], forecast: [], stepSeconds: 2, level: 0.95, ...data };
  const height = size.height ?? 12;
  const lines = renderForecastChart(full, { width: 72, height, ...size });
  const rows = lines.slice(1, 1 + height);
  const sep = rows[0]!.lastIndexOf('|');
  const rule = lines[1 + height]!;
  return {
    lines,
    rows,
    sep,
    plotStart: rule.search(/[└+]/) + 1,
    labels: rows.map((r) => /^\s*(\S+) [┤+]/.exec(r)?.[1] ?? ''),
    rule,
    times: lines[2 + height]!,
  };
}

/** Every cell holding `glyph` in the plot rows, left to right: row 0 is the top. */
function cells(c: Chart, glyph: string): Array<{ row: number; col: number }> {
  const found = c.rows.flatMap((line, row) => [...line].flatMap((ch, col) => (ch === glyph && col >= c.plotStart ? [{ row, col }] : [])));
  return found.sort((a, b) => a.col - b.col || a.row - b.row);
}

const ramp = (n: number, from: number, to: number): number[] => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / Math.max(1, n - 1));

function flatForecast(steps: number, mean: number, lower: number, upper: number): ForecastPoint[] {
  return Array.from({ length: steps }, () => ({ mean, lower, upper }));
}

describe('renderForecastChart', () => {
  test('a rising series climbs from left to right', () => {
    const c = chart({ history: ramp(60, 0, 200) });
    const dots = cells(c, '•');
    expect(dots).toHaveLength(60);
    for (let i = 1; i < dots.length; i++) {
      expect(dots[i]!.col).toBeGreaterThan(dots[i - 1]!.col);
      expect(dots[i]!.row).toBeLessThanOrEqual(dots[i - 1]!.row);
    }
    expect(dots[0]!.row).toBe(c.labels.indexOf('0'));
    expect(dots.at(-1)!.row).toBe(0);
  });

  test('history is left of the "now" separator, the forecast right of it, and the separator runs the full height', () => {
    const c = chart({ history: ramp(40, 50, 80), forecast: flatForecast(8, 90, 70, 110) });
    expect(c.rows.every((r) => r[c.sep] === '|')).toBe(true);
    expect(cells(c, '•').every((p) => p.col < c.sep)).toBe(true);
    expect(cells(c, '•').at(-1)!.col).toBe(c.sep - 1);
    const forecast = [...cells(c, 'o'), ...cells(c, '·')];
    expect(forecast.length).toBeGreaterThan(0);
    expect(forecast.every((p) => p.col > c.sep)).toBe(true);
    expect(new Set(cells(c, 'o').map((p) => p.col)).size).toBe(8);
  });

  test('the band fills every row from lower to upper, with the mean on its row inside it', () => {
    // 0..75 over 13 rows: ticks 0, 25, 50, 75 fall exactly on rows, so bounds can be read off the labels.
    const c = chart({ history: Array<number>(20).fill(50), forecast: flatForecast(6, 50, 25, 75) }, { height: 13 });
    expect(c.labels.filter((l) => l !== '')).toEqual(['75', '50', '25', '0']);
    const rowOf = (label: string): number => c.labels.indexOf(label);
    for (let col = c.sep + 1; col < c.sep + 7; col++) {
      const filled = c.rows.flatMap((r, row) => (r[col] === '·' || r[col] === 'o' ? [row] : []));
      expect(filled).toEqual(ramp(rowOf('25') - rowOf('75') + 1, rowOf('75'), rowOf('25')));
      expect(c.rows[rowOf('50')]![col]).toBe('o');
    }
    expect(cells(c, '•').every((p) => p.row === rowOf('50'))).toBe(true);
  });

  test('nulls leave their column empty instead of dropping to zero or being joined over', () => {
    const history = [10, 20, null, 40, null, null, 70, 80];
    const c = chart({ history });
    const first = c.sep - history.length;
    expect(cells(c, '•').map((p) => p.col - first)).toEqual([0, 1, 3, 6, 7]);
  });

  test('a constant series is one flat line, and all zeros sit on the 0 row', () => {
    const flat = chart({ history: Array<number>(30).fill(42) });
    expect(new Set(cells(flat, '•').map((p) => p.row)).size).toBe(1);
    const zero = chart({ history: Array<number>(30).fill(0) });
    const zeroRow = zero.labels.findIndex((l) => l !== '' && Number(l) === 0);
    expect(zeroRow).toBe(zero.rows.length - 1);
    expect(cells(zero, '•').every((p) => p.row === zeroRow)).toBe(true);
  });

  test('empty history and no forecast still draw the axes, with "now" at the right edge', () => {
    const c = chart({ history: [], forecast: [] });
    expect(c.lines).toHaveLength(12 + 3);
    expect(cells(c, '•')).toEqual([]);
    expect(c.sep).toBe(c.rows[0]!.length - 1);
    expect(c.times.trim()).toBe('now');
    expect(c.times.indexOf('now') + 2).toBe(c.sep);
  });

  test('history longer than the plot is averaged into columns, not sampled', () => {
    // Alternating 0 and 100: any column of several points averages to about 50, where sampling would
    // keep 0s and 100s.
    const history = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 0 : 100));
    const c = chart({ history }, { width: 72 });
    const dots = cells(c, '•');
    expect(dots.length).toBeGreaterThan(30);
    expect(dots.length).toBeLessThan(72);
    expect(Number(c.labels.find((l) => l !== ''))).toBeLessThan(100);
    expect(dots.every((p) => p.row !== c.labels.indexOf('0'))).toBe(true);
    expect(new Set(dots.map((p) => p.col)).size).toBe(dots.length);
  });

  test('the forecast keeps readable columns when history is long, by showing less history', () => {
    const c = chart({ history: ramp(5000, 0, 100), forecast: flatForecast(15, 100, 90, 110) }, { width: 72 });
    expect(new Set(cells(c, 'o').map((p) => p.col)).size).toBeGreaterThanOrEqual(4);
  });

  test('the x axis names "now" under the separator, the horizon at the end, and round times back', () => {
    const c = chart({ history: ramp(150, 10, 100), forecast: flatForecast(15, 100, 80, 120), stepSeconds: 2 });
    const now = c.times.indexOf('now');
    expect(now).toBeGreaterThanOrEqual(c.sep - 2);
    expect(now).toBeLessThanOrEqual(c.sep);
    expect(c.times.trimEnd().endsWith('+30s')).toBe(true);
    // Five minutes of history at 2.5 steps a column: a label each minute, 12 columns apart.
    const minutes = ['-4m', '-3m', '-2m', '-1m'].map((label) => c.times.indexOf(`${label} `));
    expect(minutes.every((at) => at > 0)).toBe(true);
    expect(minutes.slice(1).map((at, i) => at - minutes[i]!)).toEqual([12, 12, 12]);
    expect(c.rule[c.sep]).toBe('┴');
  });

  test('y labels are round numbers, evenly spaced, from 0 up to at least the highest value', () => {
    const c = chart({ history: ramp(50, 3, 137), forecast: flatForecast(5, 140, 120, 163) });
    const values = c.labels.filter((l) => l !== '').map(Number).reverse();
    expect(values[0]).toBe(0);
    expect(values.at(-1)).toBeGreaterThanOrEqual(163);
    const gaps = new Set(values.slice(1).map((v, i) => v - values[i]!));
    expect(gaps.size).toBe(1);
    expect([1, 2, 2.5, 5]).toContain([...gaps][0]! / 10 ** Math.floor(Math.log10([...gaps][0]!)));
    expect(c.labels[0]).not.toBe('');
  });

  test('--ascii draws with ASCII only; the default uses a few common Unicode glyphs', () => {
    const data = { history: [...ramp(30, 0, 50), null, 55], forecast: flatForecast(6, 60, 40, 80) };
    const ascii = chart(data, { ascii: true });
    expect(ascii.lines.join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
    expect(cells(ascii, '*')).toHaveLength(31);
    expect(cells(ascii, ':').length).toBeGreaterThan(0);
    const unicode = chart(data);
    expect(unicode.lines.join('')).toContain('•');
    expect([...unicode.lines.join('')].every((ch) => ch <= '\x7e' || '•·│┤└─┴'.includes(ch))).toBe(true);
  });

  test.each([
    [20, 3],
    [33, 7],
    [72, 12],
    [140, 30],
  ])('width %i and height %i are respected', (width, height) => {
    const c = chart({ history: ramp(400, 0, 1234), forecast: flatForecast(30, 1300, 1000, 1600) }, { width, height });
    expect(c.lines).toHaveLength(height + 3);
    expect(c.lines.every((l) => l.length <= width)).toBe(true);
    expect(c.rows.every((r) => r.includes('|'))).toBe(true);
  });

  test('no input breaks the size: every line fits, the plot has exactly `height` rows, and "now" is labelled', () => {
    const value = fc.oneof(fc.constant(null), fc.double({ min: -1e6, max: 1e7, noNaN: true }), fc.constant(Number.NaN));
    const point = fc.record({ mean: fc.double({ min: -1e3, max: 1e6, noNaN: true }), lower: fc.double({ min: -1e3, max: 1e6 }), upper: fc.double({ min: -1e3, max: 1e6 }) });
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 600 }),
        fc.array(point, { maxLength: 80 }),
        fc.integer({ min: 20, max: 200 }),
        fc.integer({ min: 3, max: 40 }),
        fc.boolean(),
        fc.constantFrom(0.5, 1, 2, 15, 60),
        (history, forecast, width, height, ascii, stepSeconds) => {
          const lines = renderForecastChart({ history, forecast, stepSeconds }, { width, height, ascii });
          expect(lines).toHaveLength(height + 3);
          expect(lines.every((l) => l.length <= width)).toBe(true);
          expect(lines.at(-1)).toMatch(/\bnow\b/);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function forecastView(overrides: Partial<ForecastView> = {}): ForecastView {
  const start = Date.parse('2030-01-01T12:00:00Z');
  const at = (step: number): string => new Date(start + step * 2000).toISOString();
  return {
    service: 'api',
    mode: 'forecast-only',
    stepSeconds: 2,
    history: ramp(150, 20, 80).map((rps, i) => ({ at: at(i), rps: i === 70 ? null : rps })),
    forecast: Array.from({ length: 15 }, (_, i) => ({ at: at(150 + i), mean: 82 + i, lower: 72 - i, upper: 92 + 2 * i })),
    level: 0.95,
    horizonSteps: 15,
    model: { kind: 'holt-winters', seasonLength: 30, fittedAt: new Date(Date.now() - 40_000).toISOString(), params: { phi: 0.95, alpha: 0.4213, gamma: 0.1, beta: 0.05 } },
    accuracy: { mape: 0.1234, coverage: 0.94, samples: 240 },
    recommendation: { replicas: 6, perContainerRps: 40, summary: 'upper bound 118 req/s in 30s over 40 req/s per container → 3' },
    ...overrides,
  };
}

describe('acs forecast', () => {
  let vim: FakeVim;

  beforeEach(async () => {
    vim = await new FakeVim().start();
  });

  afterEach(async () => {
    await vim.close();
  });

  test('asks for the service’s forecast and prints the chart, then the model, accuracy, mode, horizon and recommendation', async () => {
    vim.on('GET', '/api/v1/services/api/forecast', { body: forecastView() });
    const { code, out, err } = await acs(['--api', vim.api, 'forecast', '--service', 'api', '--width', '64', '--height', '8']);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(vim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/services/api/forecast']);
    const lines = out.join('\n').split('\n');
    expect(lines[0]).toMatch(/^req\/s +• history +o forecast +· 95% interval +\| now$/);
    const chartLines = lines.slice(0, 8 + 3);
    expect(chartLines.every((l) => l.length <= 64)).toBe(true);
    expect(chartLines.join('\n')).toMatch(/•/);
    expect(chartLines.at(-1)).toMatch(/now +\+30s$/);
    expect(lines.slice(8 + 3)).toEqual([
      '',
      'api: 5m of history and 30s of forecast, one point every 2s',
      'Model: holt-winters (alpha 0.421, beta 0.05, gamma 0.1, phi 0.95), season length 30, fitted 40s ago',
      'Accuracy: MAPE 12.3% over 240 forecasts; 94% of actuals inside the 95% interval',
      'Mode: forecast-only: forecasts are made and scored, but never change the count',
      'Horizon: 15 steps (30s), how far ahead the predictive policy provisions',
      'Recommendation: 6 containers at 40 req/s per container: upper bound 118 req/s in 30s over 40 req/s per container → 3',
    ]);
  });

  test('the service defaults to web; the width is 72 off a terminal and the terminal’s on one', async () => {
    vim.on('GET', '/api/v1/services/web/forecast', { body: forecastView({ service: 'web' }) });
    const piped = await acs(['--api', vim.api, 'forecast']);
    const tty = await acs(['--api', vim.api, 'forecast'], { columns: 130 });
    const widest = (r: CliRun): number => Math.max(...r.out.join('\n').split('\n').slice(0, 15).map((l) => l.length));
    expect([piped.code, tty.code]).toEqual([0, 0]);
    expect(widest(piped)).toBe(72);
    expect(widest(tty)).toBe(130);
    expect(piped.out.join('\n').split('\n')[15]).toBe('');
    expect(vim.requests.map((r) => r.path)).toEqual(['/api/v1/services/web/forecast', '/api/v1/services/web/forecast']);
  });

  test('--ascii draws in ASCII', async () => {
    vim.on('GET', '/api/v1/services/web/forecast', { body: forecastView({ service: 'web' }) });
    const { code, out } = await acs(['--api', vim.api, 'forecast', '--ascii']);
    expect(code).toBe(0);
    expect(out.join('\n').split('\n').slice(0, 15).join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
  });

  test('--json prints the exact response', async () => {
    const view = forecastView();
    vim.on('GET', '/api/v1/services/api/forecast', { body: view });
    const { code, out } = await acs(['--api', vim.api, 'forecast', '--service', 'api', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(view);
  });

  test('without a model: says how much history there is and how much is needed, and still charts it', async () => {
    const view = forecastView({
      history: [12, null, 14, 15, 13].map((rps, i) => ({ at: new Date(i * 2000).toISOString(), rps })),
      forecast: [],
      model: null,
      accuracy: { mape: null, coverage: null, samples: 0 },
      recommendation: null,
      mode: 'on',
    });
    vim.on('GET', '/api/v1/services/api/forecast', { body: view });
    const { code, out } = await acs(['--api', vim.api, 'forecast', '--service', 'api']);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('Model: not enough history yet (4 points; a forecast needs at least 10)');
    expect(text).toContain('Accuracy: no forecast has been checked against the actual load yet');
    expect(text).toContain('Recommendation: none (no forecast to act on)');
    expect(text).toContain('Mode: on: the count is raised ahead of forecast load');
    expect(text.split('\n').slice(0, 15).join('\n').match(/•/g)).toHaveLength(5);
  });

  test('unknown accuracy and parameters are said as such, not as zeros', async () => {
    const view = forecastView({
      model: { kind: 'holt', seasonLength: null, fittedAt: null, params: { alpha: 0.5, beta: 0.0001 } },
      accuracy: { mape: null, coverage: 0.5, samples: 3 },
      recommendation: { replicas: null, perContainerRps: null, summary: 'no capacity learned yet' },
      mode: 'predictive-v2',
      level: 0.9,
    });
    vim.on('GET', '/api/v1/services/api/forecast', { body: view });
    const { out } = await acs(['--api', vim.api, 'forecast', '--service', 'api']);
    const text = out.join('\n');
    expect(text).toContain('Model: holt (alpha 0.5, beta 0.0001)\n');
    expect(text).toContain('Accuracy: MAPE unknown (the load was near zero) over 3 forecasts; 50% of actuals inside the 90% interval');
    expect(text).toContain('Mode: predictive-v2\n');
    expect(text).toContain('Recommendation: no capacity learned yet');
    expect(text).toContain('o forecast   · 90% interval');
  });

  test('an unknown service is the VIM’s 404 message and exit 1', async () => {
    vim.on('GET', '/api/v1/services/nope/forecast', { status: 404, body: { error: 'service-not-found', message: 'no service nope' } });
    const result = await acs(['--api', vim.api, 'forecast', '--service', 'nope']);
    expect(result).toEqual({ code: 1, out: [], err: ['acs: no service nope (HTTP 404, service-not-found)'] });
  });

  test.each([
    [['--width', '10'], 'expected a whole number from 20 to 1000'],
    [['--width', 'wide'], 'expected a whole number from 20 to 1000'],
    [['--height', '2'], 'expected a whole number from 3 to 1000'],
  ])('%j is a usage error before any request', async (flags, message) => {
    const { code, err } = await acs(['--api', vim.api, 'forecast', ...flags]);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(message);
    expect(vim.requests).toEqual([]);
  });

  test('an unreachable VIM exits 2 with one line on err', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { code, out, err } = await acs(['--api', api, 'forecast']);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^acs: cannot reach the VIM admin API at http:\/\/127\.0\.0\.1:\d+: /);
  });

  test('--help describes the flags', async () => {
    const { code, out } = await acs(['forecast', '--help']);
    expect(code).toBe(0);
    const help = out.join('\n');
    expect(help).toContain('Usage: acs forecast');
    for (const flag of ['--service <name>', '--width <n>', '--height <n>', '--ascii', '--json']) expect(help).toContain(flag);
  });
});
