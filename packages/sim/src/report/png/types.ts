/** The chart's input, as the report code builds it. */

/** One line in a panel. */
export interface ChartSeries {
  label: string;
  color: [number, number, number];
  /** (x, y) pairs in data units, in drawing order; a non-finite coordinate leaves a gap. */
  points: Array<[number, number]>;
  /** @default false */
  dashed?: boolean;
  /** @default 'left' */
  axis?: 'left' | 'right';
}

/** A plot with its own y axis (and optionally a right one); panels are stacked and share the x axis. */
export interface ChartPanel {
  title: string;
  yLabel: string;
  rightYLabel?: string;
  series: ChartSeries[];
}

export interface ChartOptions {
  /** Image size in pixels, whole numbers from 1 to {@link MAX_CHART_SIDE_PX}. */
  width: number;
  height: number;
  title: string;
  xLabel: string;
  panels: ChartPanel[];
  /** How x tick labels read: 'seconds' gives clock units and clock-friendly steps (6h, 1d12h). @default 'number' */
  xFormat?: 'seconds' | 'number';
  /** Font pixel size. @default 2 when width ≥ 1000 px, else 1 */
  textScale?: 1 | 2;
  /** Series line thickness in pixels. @default 2 */
  lineWidth?: number;
}

/** Largest width or height accepted: a bigger image is almost surely a unit mistake (and ~800 MB of RGB). */
export const MAX_CHART_SIDE_PX = 16_384;
