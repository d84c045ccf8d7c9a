/**
 * A small, dependency-free PNG line-chart renderer for the simulator's reports: stacked panels sharing an
 * x axis, nice ticks, a legend per panel, a built-in bitmap font. Pure: the same options always give the
 * same bytes, and nothing touches the file system.
 */
import { drawChart } from './chart';
import { encodePng } from './encode';
import type { ChartOptions } from './types';

export type { ChartOptions, ChartPanel, ChartSeries } from './types';
export { MAX_CHART_SIDE_PX } from './types';

/** The chart as PNG bytes (8-bit RGB). Throws RangeError for a width or height that is not a whole number in range. */
export function renderChartPng(options: ChartOptions): Buffer {
  const canvas = drawChart(options);
  return encodePng(canvas.width, canvas.height, canvas.pixels);
}
