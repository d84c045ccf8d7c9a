/**
 * The `acs forecast` chart: request-rate history and forecast on one time axis, as lines of text. A pure
 * function of the data and the size, so it is tested without a VIM or a terminal.
 */

export interface ForecastPoint {
  mean: number;
  lower: number;
  upper: number;
}

export interface ChartData {
  /** One value per step, oldest first; null where nothing was observed. The last one is "now". */
  history: readonly (number | null)[];
  /** Steps 1, 2, ... after the last history point. */
  forecast: readonly ForecastPoint[];
  stepSeconds: number;
  /** Prediction-interval level for the legend, e.g. 0.95. */
  level?: number;
}

export interface ChartSize {
  /** Longest line, in characters (every glyph is one UTF-16 unit and one terminal column). */
  width: number;
  /** Rows of the plot itself: with the legend above and the two x-axis lines below, height + 3 lines. */
  height: number;
  /** Pure ASCII, for terminals and logs that mangle anything else. */
  ascii?: boolean;
}

/** Below these the axes and labels leave no room for data. */
export const MIN_CHART_WIDTH = 20;
export const MIN_CHART_HEIGHT = 3;

/**
 * The fewest columns the forecast is squeezed into before older history is cut instead: a band two
 * columns wide shows no shape, and the forecast is what the chart is for.
 */
const MIN_FORECAST_COLUMNS = 6;
/** Columns between time labels, so "-10m" and "-12m" never run together. */
const MIN_X_TICK_COLUMNS = 10;
/** Rows per value label, at least (about): closer labels crowd the axis without saying more. */
const Y_TICK_ROWS = 3;

interface Glyphs {
  history: string;
  mean: string;
  band: string;
  now: string;
  axis: string;
  tick: string;
  corner: string;
  rule: string;
  nowTick: string;
}

const UNICODE: Glyphs = { history: '•', mean: 'o', band: '·', now: '|', axis: '│', tick: '┤', corner: '└', rule: '─', nowTick: '┴' };
const ASCII: Glyphs = { history: '*', mean: 'o', band: ':', now: '|', axis: '|', tick: '+', corner: '+', rule: '-', nowTick: '+' };

/** One forecast column: the mean of its steps, and the band covering every step in it. */
interface ForecastColumn {
  mean: number | null;
  lower: number | null;
  upper: number | null;
}

interface Layout {
  /** Steps per column, the same left and right of "now" so the time axis is uniform. */
  k: number;
  plotCols: number;
  /** Plot column of the "now" separator. */
  sep: number;
  history: (number | null)[];
  forecast: ForecastColumn[];
  /** Forecast steps behind the columns. */
  forecastSteps: number;
}

interface YScale {
  bottom: number;
  top: number;
  /** Row (0 = bottom) to label. */
  labels: Map<number, string>;
  labelWidth: number;
}

/**
 * Legend, `height` plot rows (highest value on top), the x-axis rule, then time labels; no line longer
 * than `width`. History is averaged into columns when it has more points than fit, and cut from the
 * oldest end when fitting all of it would squeeze the forecast below a readable width.
 */
export function renderForecastChart(data: ChartData, size: ChartSize): string[] {
  const width = Math.max(MIN_CHART_WIDTH, Math.floor(size.width));
  const height = Math.max(MIN_CHART_HEIGHT, Math.floor(size.height));
  const g = size.ascii ? ASCII : UNICODE;
  const history = data.history.map((v) => (v !== null && Number.isFinite(v) ? v : null));
  const step = data.stepSeconds > 0 && Number.isFinite(data.stepSeconds) ? data.stepSeconds : 1;

  // The y labels' width decides the plot's, which decides what is shown, which decides the labels:
  // widen until the labels fit. Widths only grow, so this ends.
  let labelWidth = 1;
  let layout: Layout;
  let scale: YScale;
  for (;;) {
    layout = arrange(history, data.forecast, width - labelWidth - 2);
    scale = yScale(layout, height);
    if (scale.labelWidth <= labelWidth) break;
    labelWidth = scale.labelWidth;
  }

  const grid = plot(layout, scale, height, g);
  const rows = grid.map((cells, i) => {
    const row = height - 1 - i;
    const label = scale.labels.get(row);
    return `${(label ?? '').padStart(labelWidth)} ${label === undefined ? g.axis : g.tick}${cells.join('')}`.trimEnd();
  });
  const rule = `${' '.repeat(labelWidth)} ${g.corner}${g.rule.repeat(Math.max(0, layout.sep))}${g.nowTick}${g.rule.repeat(layout.forecast.length)}`;
  const times = timeLabels(layout, step, labelWidth + 2, width);
  return [legend(data, layout, g, width), ...rows, rule, times];
}

function arrange(history: readonly (number | null)[], forecast: readonly ForecastPoint[], plotCols: number): Layout {
  const h = history.length;
  const f = forecast.length;
  const avail = plotCols - 1;
  // Steps per column need not be whole: 165 steps in 67 columns fill the plot at 2.46 each, where 3 would
  // leave a fifth of it blank. Never below 1, though: a stretched series would invent points between.
  let k = 1;
  for (let cols = avail; cols >= 1; cols--) {
    k = Math.max(1, (h + f) / cols);
    if (columnsFor(h, k) + columnsFor(f, k) <= avail) break;
  }
  const kMax = f > 0 ? Math.max(1, f / MIN_FORECAST_COLUMNS) : Infinity;
  k = Math.min(k, kMax);

  const forecastCols = columnsFor(f, k);
  const historyCols = Math.max(0, Math.min(columnsFor(h, k), avail - forecastCols));
  // Columns are counted from "now" backwards, so the newest column is always a full one and older
  // history than fits falls off the left edge.
  const sums = Array.from({ length: historyCols }, () => ({ sum: 0, n: 0 }));
  history.forEach((v, i) => {
    const cell = sums[historyCols - 1 - binOf(h - 1 - i, k)];
    if (v === null || cell === undefined) return;
    cell.sum += v;
    cell.n++;
  });
  const forecastColumns = Array.from({ length: forecastCols }, (): ForecastColumn & { sum: number; n: number } => ({ mean: null, lower: null, upper: null, sum: 0, n: 0 }));
  forecast.forEach((p, i) => {
    const column = forecastColumns[binOf(i, k)];
    if (column === undefined) return;
    if (Number.isFinite(p.mean)) {
      column.sum += p.mean;
      column.n++;
      column.mean = column.sum / column.n;
    }
    if (Number.isFinite(p.lower)) column.lower = Math.min(column.lower ?? Infinity, p.lower);
    if (Number.isFinite(p.upper)) column.upper = Math.max(column.upper ?? -Infinity, p.upper);
  });
  return {
    k,
    plotCols,
    sep: plotCols - 1 - forecastCols,
    history: sums.map((c) => (c.n === 0 ? null : c.sum / c.n)),
    forecast: forecastColumns.map(({ mean, lower, upper }) => ({ mean, lower, upper })),
    forecastSteps: f,
  };
}

/** The column, counted away from "now", of the step `offset` steps away from it (0 = next to it). */
function binOf(offset: number, k: number): number {
  // The epsilon keeps 2.46 × 5 / 2.46 from landing in column 4 by rounding.
  return Math.floor(offset / k + 1e-9);
}

function columnsFor(steps: number, k: number): number {
  return steps === 0 ? 0 : binOf(steps - 1, k) + 1;
}

/**
 * Zero is always on the scale: a request rate read against its distance from nothing says how much
 * capacity it needs, where a zoomed axis would make 100 → 104 req/s look like a surge.
 */
function yScale(layout: Layout, height: number): YScale {
  const values = finite([...layout.history, ...layout.forecast.flatMap((c) => [c.mean, c.lower, c.upper])]);
  const lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi <= lo) hi = lo + 1;

  // The last fallback is for values so large that their range overflows: nothing to round, but no crash.
  const { tick, bottom, top } = roundScale(lo, hi, Math.max(1, Math.ceil((height - 1) / Y_TICK_ROWS))) ??
    roundScale(lo, hi, height - 1) ?? { tick: 1, bottom: 0, top: 1 };
  const count = Math.round((top - bottom) / tick);
  const text = valueFormat(tick);
  const labels = new Map<number, string>();
  for (let i = 0; i <= count; i++) {
    const value = bottom + i * tick;
    labels.set(rowOf(value, bottom, top, height), text(value));
  }
  return { bottom, top, labels, labelWidth: Math.max(1, ...[...labels.values()].map((l) => l.length)) };
}

/**
 * Of the round steps giving at most `maxIntervals` labelled intervals, the one whose scale hugs the data
 * tightest, so the data gets the most rows; on a tie the one with more labels. Undefined when none fits,
 * as with one interval for data on both sides of zero.
 */
function roundScale(lo: number, hi: number, maxIntervals: number): { tick: number; bottom: number; top: number } | undefined {
  let best: { tick: number; bottom: number; top: number; count: number } | undefined;
  const first = Math.floor(Math.log10((hi - lo) / maxIntervals)) - 1;
  if (!Number.isFinite(first)) return undefined;
  for (let e = first; e <= first + 3; e++) {
    for (const m of [1, 2, 2.5, 5]) {
      const tick = m * 10 ** e;
      // The epsilons stop 0.3 / 0.1 = 2.9999999999999996 from adding a tick.
      const bottom = Math.floor(lo / tick + 1e-9) * tick;
      const top = Math.ceil(hi / tick - 1e-9) * tick;
      const count = Math.round((top - bottom) / tick);
      if (count < 1 || count > maxIntervals) continue;
      const span = top - bottom;
      const bestSpan = best === undefined ? Infinity : best.top - best.bottom;
      if (span < bestSpan * (1 - 1e-9) || (span <= bestSpan * (1 + 1e-9) && count > (best?.count ?? 0))) best = { tick, bottom, top, count };
    }
  }
  return best;
}

function rowOf(value: number, bottom: number, top: number, height: number): number {
  return Math.min(height - 1, Math.max(0, Math.round(((value - bottom) / (top - bottom)) * (height - 1))));
}

/** Grid rows top first, one character per plot column. */
function plot(layout: Layout, scale: YScale, height: number, g: Glyphs): string[][] {
  const grid = Array.from({ length: height }, () => Array.from({ length: layout.plotCols }, () => ' '));
  const set = (row: number, col: number, glyph: string): void => {
    const line = grid[height - 1 - row];
    if (line !== undefined && col >= 0 && col < line.length) line[col] = glyph;
  };
  const row = (v: number): number => rowOf(v, scale.bottom, scale.top, height);
  for (let r = 0; r < height; r++) set(r, layout.sep, g.now);
  layout.history.forEach((v, c) => {
    if (v !== null) set(row(v), layout.sep - layout.history.length + c, g.history);
  });
  layout.forecast.forEach((column, c) => {
    const col = layout.sep + 1 + c;
    if (column.lower !== null && column.upper !== null) {
      const [from, to] = [row(column.lower), row(column.upper)].sort((a, b) => a - b) as [number, number];
      for (let r = from; r <= to; r++) set(r, col, g.band);
    }
    if (column.mean !== null) set(row(column.mean), col, g.mean);
  });
  return grid;
}

function legend(data: ChartData, layout: Layout, g: Glyphs, width: number): string {
  const level = data.level !== undefined && data.level > 0 && data.level < 1 ? `${percent(data.level)} interval` : 'interval';
  const items = [`${g.history} history`, ...(layout.forecast.length > 0 ? [`${g.mean} forecast`, `${g.band} ${level}`] : []), `${g.now} now`];
  let line = 'req/s';
  for (const item of items) {
    if (line.length + 3 + item.length > width) break;
    line += `   ${item}`;
  }
  return line;
}

/**
 * The end of the horizon under the last column, "now" under the separator, and round times between as
 * they fit, each where it first fits of a few places around its column.
 */
function timeLabels(layout: Layout, step: number, offset: number, width: number): string {
  const columnSeconds = layout.k * step;
  const interval = NICE_SECONDS.find((s) => s / columnSeconds >= MIN_X_TICK_COLUMNS) ?? Math.ceil((MIN_X_TICK_COLUMNS * columnSeconds) / 86_400) * 86_400;
  const f = layout.forecastSteps;
  const forecastCol = (steps: number): number => layout.sep + 1 + binOf(steps - 1, layout.k);

  const wanted: Array<{ text: string; col: number; places: Place[] }> = [];
  const now = { text: 'now', col: layout.sep, places: ['centre', 'end', 'end-1', 'end-2'] satisfies Place[] };
  const horizon = { text: `+${duration(f * step)}`, col: layout.plotCols - 1, places: ['end'] satisfies Place[] };
  // A horizon label that fits over the forecast goes first and "now" steps left of it if need be: without
  // it the forecast's columns have no scale. One wider than the forecast would push "now" off instead.
  if (layout.forecast.length > 0 && horizon.text.length <= layout.forecast.length) wanted.push(horizon, now);
  else wanted.push(now, ...(layout.forecast.length > 0 ? [horizon] : []));
  // Only as far back as there is history: a time label over empty columns would suggest data was lost.
  const oldest = layout.sep - layout.history.length;
  for (let t = interval; ; t += interval) {
    const col = layout.sep - 1 - binOf(t / step, layout.k);
    if (col < oldest) break;
    wanted.push({ text: `-${duration(t)}`, col, places: ['centre'] });
  }
  for (let t = interval; t / step < f; t += interval) {
    if (t / step >= 1) wanted.push({ text: `+${duration(t)}`, col: forecastCol(t / step), places: ['centre'] });
  }

  const line = Array.from({ length: width }, () => ' ');
  const taken: Array<[number, number]> = [];
  for (const { text, col, places } of wanted) {
    const at = offset + col;
    const starts = places.map((place) => (place === 'centre' ? at - Math.floor((text.length - 1) / 2) : at - text.length + 1 - PLACE_SHIFT[place]));
    const start = starts.find((s) => s >= 0 && s + text.length <= width && taken.every(([a, b]) => s + text.length - 1 < a || s > b));
    if (start === undefined) continue;
    // The gap of one column is kept on both sides: labels that touch read as one.
    taken.push([start - 1, start + text.length]);
    for (let i = 0; i < text.length; i++) line[start + i] = text[i] ?? ' ';
  }
  return line.join('').trimEnd();
}

/** Where a time label goes: centred on its column, or ending at it or a column or two left of it. */
type Place = 'centre' | 'end' | 'end-1' | 'end-2';
const PLACE_SHIFT: Record<Exclude<Place, 'centre'>, number> = { end: 0, 'end-1': 1, 'end-2': 2 };

const NICE_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** "30s", "5m", "2m30s", "1h", "1h30m". */
export function duration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 60) return `${Number.isInteger(s) ? s : Number(s.toFixed(1))}s`;
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${whole % 60 === 0 ? '' : `${whole % 60}s`}`;
  if (whole < 86_400) {
    const m = Math.round((whole % 3600) / 60);
    return `${Math.floor(whole / 3600)}h${m === 0 ? '' : `${m}m`}`;
  }
  const h = Math.round((whole % 86_400) / 3600);
  return `${Math.floor(whole / 86_400)}d${h === 0 ? '' : `${h}h`}`;
}

const SUFFIXES = ['', 'k', 'M', 'G', 'T'];

/**
 * Labels as round as the tick: "150", "0.25", "2.5k", "40M"; in thousands from a tick of 1000 up, to keep
 * the axis narrow, and in exponent form past the suffixes so no value can crowd out the plot.
 */
function valueFormat(tick: number): (value: number) => string {
  const power = Math.max(0, Math.floor(Math.log10(tick) / 3));
  if (power >= SUFFIXES.length) return (value) => (value === 0 ? '0' : value.toExponential(1).replace('e+', 'e'));
  const divisor = 1000 ** power;
  const unit = tick / divisor;
  const decimals = [0, 1, 2, 3, 4, 5, 6].find((d) => Math.abs(unit * 10 ** d - Math.round(unit * 10 ** d)) < 1e-9) ?? 6;
  return (value) => {
    const shown = (value / divisor).toFixed(decimals);
    // toFixed keeps the sign of a rounded -0; and "0k" would read as a typo.
    if (/^-?0(\.0+)?$/.test(shown)) return shown.replace('-', '');
    return `${shown}${SUFFIXES[power] ?? ''}`;
  };
}

/** 0.95 → "95%", 0.975 → "97.5%". */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

function finite(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}
