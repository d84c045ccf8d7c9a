import { clamp, leftAxis, rightAxis, xAxisTicks, xDomain, type Axis } from './axes';
import { toPixelPaths } from './decimate';
import { Canvas, Dash, DEFAULT_LINE_THICKNESS_PX, fitText, type Rect, type Rgb, textHeight, textWidth } from './raster';
import { formatNumber, formatSeconds } from './scale';
import { type ChartOptions, type ChartPanel, type ChartSeries, MAX_CHART_SIDE_PX } from './types';

const WHITE: Rgb = [255, 255, 255];
const TEXT: Rgb = [33, 33, 33];
const TICK_TEXT: Rgb = [80, 80, 80];
const AXIS: Rgb = [120, 120, 120];
const GRID: Rgb = [226, 226, 226];
const DASH_ON_PX = 7;
const DASH_OFF_PX = 5;

/** Sizes that scale with the font, all in pixels. */
interface Metrics {
  s: number;
  pad: number;
  text: number;
  tick: number;
  line: number;
}

/** The chart drawn on a canvas, for the PNG encoder. Throws RangeError for a size out of range. */
export function drawChart(options: ChartOptions): Canvas {
  const { width, height } = options;
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_CHART_SIDE_PX) {
      throw new RangeError(`chart ${name} must be a whole number of pixels in [1, ${MAX_CHART_SIDE_PX}], got ${String(v)}`);
    }
  }
  const s = options.textScale ?? (width >= 1000 ? 2 : 1);
  const m: Metrics = { s, pad: 6 * s, text: textHeight(s), tick: 3 * s, line: options.lineWidth ?? DEFAULT_LINE_THICKNESS_PX };
  const canvas = new Canvas(width, height, WHITE);
  const panels = options.panels;

  const titleScale = s + 1;
  const titleBand = m.pad + textHeight(titleScale) + m.pad;
  const title = fitText(options.title, width - 2 * m.pad, titleScale);
  canvas.text(Math.round((width - textWidth(title, titleScale)) / 2), m.pad, title, TEXT, titleScale);

  const bottomBand = m.tick + m.pad / 2 + m.text + m.pad + (options.xLabel === '' ? 0 : m.text + m.pad);
  const gap = 2 * m.pad;
  const slot = panels.length === 0 ? 0 : (height - titleBand - bottomBand - gap * (panels.length - 1)) / panels.length;

  // Tick density follows the room a panel has: about one label per three text heights.
  const yTarget = clamp(Math.round(slot / (3 * m.text)), 2, 8);
  const axes = panels.map((panel) => {
    const left = leftAxis(panel.series.filter((x) => x.axis !== 'right'), yTarget);
    const rightSeries = panel.series.filter((x) => x.axis === 'right');
    const right = rightSeries.length > 0 || panel.rightYLabel !== undefined ? rightAxis(rightSeries, left) : undefined;
    return { left, right };
  });

  const yLabelBand = panels.some((p) => p.yLabel !== '') ? m.text + m.pad : 0;
  const leftTickText = Math.max(0, ...axes.flatMap((a) => a.left.ticks.map((t) => textWidth(formatNumber(t, a.left.step), s))));
  const leftMargin = m.pad + yLabelBand + leftTickText + m.pad / 2 + m.tick;
  const rights = axes.flatMap((a) => (a.right === undefined ? [] : [a.right]));
  const rightTickText = Math.max(0, ...rights.flatMap((r) => r.ticks.map((t) => textWidth(formatNumber(t, r.step), s))));
  const rightLabelBand = panels.some((p) => (p.rightYLabel ?? '') !== '') ? m.text + m.pad : 0;
  let rightMargin = rights.length > 0 ? m.tick + m.pad / 2 + rightTickText + m.pad + rightLabelBand : 2 * m.pad;

  const [x0, x1] = xDomain(panels);
  const format = options.xFormat === 'seconds' ? formatSeconds : (v: number, step: number) => formatNumber(v, step);
  let xTicks = xAxisTicks(x0, x1, width - leftMargin - rightMargin, options.xFormat === 'seconds', format, s);
  // The last label is centred on its tick and may hang past the plot's right edge.
  const lastTick = xTicks.ticks[xTicks.ticks.length - 1];
  if (lastTick !== undefined) rightMargin = Math.max(rightMargin, textWidth(format(lastTick, xTicks.step), s) / 2 + m.pad);
  const plotWidth = Math.max(1, Math.round(width - leftMargin - rightMargin));
  xTicks = xAxisTicks(x0, x1, plotWidth, options.xFormat === 'seconds', format, s);
  const plotX = Math.round(leftMargin);

  let lastPlot: Rect | undefined;
  panels.forEach((panel, i) => {
    const axis = axes[i];
    if (axis === undefined) return;
    const top = Math.round(titleBand + i * (slot + gap));
    const header = drawHeader(canvas, panel, { x: plotX, y: top, width: plotWidth, height: 0 }, m);
    const plot: Rect = { x: plotX, y: top + header, width: plotWidth, height: Math.max(1, Math.round(slot - header)) };
    const toX = (x: number): number => plot.x + ((x - x0) / (x1 - x0)) * (plot.width - 1);
    drawPanel(canvas, panel, plot, axis, toX, xTicks.ticks, m);
    lastPlot = plot;
  });

  // With no panel there is no plot to put an x axis under.
  if (lastPlot === undefined) return canvas;
  const plotBottom = lastPlot.y + lastPlot.height;
  for (const t of xTicks.ticks) {
    const px = Math.round(plotX + ((t - x0) / (x1 - x0)) * (plotWidth - 1));
    canvas.fillRect(px, plotBottom, 1, m.tick, AXIS);
    const label = format(t, xTicks.step);
    canvas.text(Math.round(px - textWidth(label, s) / 2), plotBottom + m.tick + m.pad / 2, label, TICK_TEXT, s);
  }
  const xLabel = fitText(options.xLabel, width - 2 * m.pad, s);
  const xLabelX = clamp(Math.round(plotX + (plotWidth - textWidth(xLabel, s)) / 2), m.pad, width);
  canvas.text(xLabelX, plotBottom + m.tick + m.pad / 2 + m.text + m.pad, xLabel, TEXT, s);
  return canvas;
}

function drawPanel(
  canvas: Canvas,
  panel: ChartPanel,
  plot: Rect,
  axes: { left: Axis; right: Axis | undefined },
  toX: (x: number) => number,
  xTicks: number[],
  m: Metrics,
): void {
  const { s } = m;
  const yMapper = (a: Axis) => (y: number) => plot.y + plot.height - 1 - ((y - a.lo) / (a.hi - a.lo)) * (plot.height - 1);
  const toLeftY = yMapper(axes.left);
  const middle = (py: number): number => Math.round(py - (7 * s) / 2);

  for (const t of xTicks) canvas.fillRect(Math.round(toX(t)), plot.y, 1, plot.height, GRID);
  for (const t of axes.left.ticks) {
    const py = Math.round(toLeftY(t));
    canvas.fillRect(plot.x, py, plot.width, 1, GRID);
    canvas.fillRect(plot.x - m.tick, py, m.tick, 1, AXIS);
    const label = formatNumber(t, axes.left.step);
    canvas.text(plot.x - m.tick - m.pad / 2 - textWidth(label, s), middle(py), label, TICK_TEXT, s);
  }
  const right = axes.right;
  if (right !== undefined) {
    const toRightY = yMapper(right);
    const edge = plot.x + plot.width;
    for (const t of right.ticks) {
      const py = Math.round(toRightY(t));
      canvas.fillRect(edge, py, m.tick, 1, AXIS);
      canvas.text(edge + m.tick + m.pad / 2, middle(py), formatNumber(t, right.step), TICK_TEXT, s);
    }
  }

  const yLabel = fitText(panel.yLabel, plot.height, s);
  canvas.textUp(m.pad, Math.round(plot.y + (plot.height + textWidth(yLabel, s)) / 2), yLabel, TEXT, s);
  const rightLabel = fitText(panel.rightYLabel ?? '', plot.height, s);
  canvas.textUp(canvas.width - m.pad - m.text, Math.round(plot.y + (plot.height + textWidth(rightLabel, s)) / 2), rightLabel, TEXT, s);

  // The frame goes under the data: a series sitting at zero would otherwise vanish into the bottom edge.
  canvas.strokeRect(plot, AXIS);
  canvas.setClip(plot);
  for (const series of panel.series) {
    const toY = yMapper(series.axis === 'right' && right !== undefined ? right : axes.left);
    drawSeries(canvas, series, toX, toY, m.line);
  }
  canvas.setClip();
}

function drawSeries(canvas: Canvas, series: ChartSeries, toX: (x: number) => number, toY: (y: number) => number, thickness: number): void {
  const dash = series.dashed === true ? new Dash(DASH_ON_PX, DASH_OFF_PX) : undefined;
  for (const path of toPixelPaths(series.points, toX, toY)) {
    if (path.length === 2) {
      // A point with no neighbour would be a dot the size of the line width; a small square can be seen.
      const size = thickness + 2;
      canvas.fillRect((path[0] ?? 0) - Math.floor(size / 2), (path[1] ?? 0) - Math.floor(size / 2), size, size, series.color);
      continue;
    }
    for (let i = 2; i < path.length; i += 2) {
      canvas.line(path[i - 2] ?? 0, path[i - 1] ?? 0, path[i] ?? 0, path[i + 1] ?? 0, series.color, thickness, dash);
    }
  }
}

/**
 * The panel's title and then its legend (a line swatch and the label per series), flowed left to right
 * and wrapped to the plot's width. Returns the height used, so the plot starts below it.
 */
function drawHeader(canvas: Canvas, panel: ChartPanel, area: Rect, m: Metrics): number {
  const { s, pad } = m;
  const lineHeight = m.text + pad / 2;
  const swatch = 14 * s;
  let x = area.x;
  let y = area.y;
  const place = (w: number): void => {
    if (x > area.x && x + w > area.x + area.width) {
      x = area.x;
      y += lineHeight;
    }
  };
  const title = fitText(panel.title, area.width, s);
  if (title !== '') {
    // Drawn twice a pixel apart: a bold face without a second font.
    canvas.text(x, y, title, TEXT, s);
    canvas.text(x + 1, y, title, TEXT, s);
    x += textWidth(title, s) + 1 + 3 * pad;
  }
  for (const series of panel.series) {
    if (series.label === '') continue;
    const label = fitText(series.label, area.width - swatch - pad, s);
    const w = swatch + pad + textWidth(label, s);
    place(w);
    const mid = y + Math.round((7 * s) / 2) - Math.floor(m.line / 2);
    const dash = series.dashed === true ? new Dash(DASH_ON_PX, DASH_OFF_PX) : undefined;
    canvas.line(x, mid, x + swatch - 1, mid, series.color, m.line, dash);
    canvas.text(x + swatch + pad, y, label, TEXT, s);
    x += w + 2 * pad;
  }
  return y - area.y + lineHeight + pad / 2;
}
