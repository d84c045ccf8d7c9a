/**
 * Which ranges and ticks the chart's axes get, from the data alone: the y axes start at zero, the x axis
 * spans exactly the data. No drawing here.
 */

import { GLYPH_ADVANCE } from './font';
import { textWidth } from './raster';
import { niceStep, niceTimeStep, ticksCovering, ticksWithin, widen } from './scale';
import type { ChartPanel, ChartSeries } from './types';

/** A y axis: its range runs from the first tick to the last. */
export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  step: number;
}

/** Room left above the highest value, as a share of the y range. */
const TOP_HEADROOM = 0.02;

/** Min and max x over every finite point of every series, made into a usable range. */
export function xDomain(panels: ChartPanel[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const panel of panels) {
    for (const series of panel.series) {
      for (const [x, y] of series.points) {
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        if (x < min) min = x;
        if (x > max) max = x;
      }
    }
  }
  return widen(min, max);
}

/**
 * [min, max] of the finite y values, always including 0 (the axes start at zero so heights compare);
 * undefined when there is nothing but zeros.
 */
function yExtent(series: ChartSeries[]): [number, number] | undefined {
  let min = 0;
  let max = 0;
  for (const one of series) {
    for (const [x, y] of one.points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (y < min) min = y;
      if (y > max) max = y;
    }
  }
  return min === max ? undefined : widen(min, max);
}

/**
 * The top the ticks must reach: a little above the maximum, since a maximum that lands on a tick (a
 * replica count pinned at maxReplicas = 12 on a 0..12 axis) would otherwise run along the plot's top edge.
 * Only the range covered grows; the step still comes from the data, so the headroom never coarsens it.
 */
function withHeadroom(lo: number, hi: number): number {
  const top = hi > 0 ? hi + (hi - lo) * TOP_HEADROOM : hi;
  return Number.isFinite(top) ? top : hi;
}

function axisFrom(lo: number, hi: number, step: number): Axis {
  const ticks = ticksCovering(lo, hi, step);
  const first = ticks[0] ?? lo;
  const last = ticks[ticks.length - 1] ?? hi;
  return last > first ? { lo: first, hi: last, ticks, step } : { lo: 0, hi: 1, ticks: [0, 1], step: 1 };
}

/** A y axis over `series` with about `target` intervals. */
export function leftAxis(series: ChartSeries[], target: number): Axis {
  const extent = yExtent(series);
  // Nothing to show: 0..1 rather than a range centred on zero, and no headroom over an invented top.
  if (extent === undefined) return axisFrom(0, 1, niceStep(1 / Math.max(1, target)));
  const [lo, hi] = extent;
  return axisFrom(lo, withHeadroom(lo, hi), niceStep((hi - lo) / Math.max(1, target)));
}

/**
 * A right axis with as many intervals as the left one, so that its ticks sit on the left axis's gridlines;
 * with negative values on either side that cannot be done with nice steps, and it gets its own ticks.
 */
export function rightAxis(series: ChartSeries[], left: Axis): Axis {
  const extent = yExtent(series);
  const intervals = left.ticks.length - 1;
  if ((extent !== undefined && extent[0] < 0) || left.lo < 0 || intervals < 1) return leftAxis(series, intervals);
  const top = extent === undefined ? 1 : withHeadroom(extent[0], extent[1]);
  const step = niceStep(top / intervals);
  return axisFrom(0, step * intervals, step);
}

/** X ticks thinned until their labels, centred on the ticks, no longer touch. */
export function xAxisTicks(
  x0: number,
  x1: number,
  plotWidth: number,
  seconds: boolean,
  format: (v: number, step: number) => string,
  s: number,
): { ticks: number[]; step: number } {
  // Start from about one tick per ten characters of width, then thin while neighbouring labels would sit
  // closer than two characters apart.
  const charPx = GLYPH_ADVANCE * s;
  let target = clamp(Math.floor(plotWidth / (10 * charPx)), 1, 12);
  for (;;) {
    const raw = (x1 - x0) / target;
    const step = seconds ? niceTimeStep(raw) : niceStep(raw);
    const ticks = ticksWithin(x0, x1, step);
    const widest = Math.max(0, ...ticks.map((t) => textWidth(format(t, step), s)));
    const spacing = ticks.length > 1 ? (step / (x1 - x0)) * plotWidth : Infinity;
    if (spacing >= widest + 2 * charPx || target <= 1) return { ticks, step };
    target--;
  }
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
