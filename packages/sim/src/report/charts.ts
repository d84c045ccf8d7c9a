import type { SimResult, TimelineRow } from '../result';
import { renderChartPng, type ChartPanel, type ChartSeries } from './png';
import type { ScenarioRuns } from './report';

/**
 * The report's pictures: for each scenario, offered load against the capacity each policy had ready, the
 * containers each paid for, and p99 latency against the SLO, on the trace's own clock (trace seconds,
 * so a 14-day trace reads in days whatever the compression).
 */

export const CHART_SIZE = { width: 1600, height: 1100 } as const;

const LOAD: [number, number, number] = [90, 90, 90];
const REACTIVE: [number, number, number] = [31, 119, 180];
const PREDICTIVE: [number, number, number] = [230, 120, 20];
const SLO: [number, number, number] = [200, 30, 30];

/** The whole run. */
export function overviewChart(runs: ScenarioRuns): Buffer {
  return chart(runs, 0, Number.POSITIVE_INFINITY, '');
}

/**
 * One trace day at full detail where reactive was worst: the day holding the most control periods with
 * an SLO violation, centred on them; around the highest load if reactive had none.
 */
export function zoomChart(runs: ScenarioRuns): Buffer {
  const { fromS, toS } = zoomWindow(runs.reactive, runs.output.trace.timeCompress, runs.output.config.sloMs);
  return chart(runs, fromS, toS, ', worst day for reactive');
}

/** Simulated seconds [fromS, toS) of the zoom chart's trace day. */
export function zoomWindow(reactive: SimResult, timeCompress: number, sloMs: number): { fromS: number; toS: number } {
  const rows = reactive.timeline;
  const widthS = 86_400 / timeCompress;
  const bad = rows.map((r) => ((r.p99Ms ?? 0) > sloMs || r.rejected > 0 ? 1 : 0));
  let best = -1;
  let bestLo = 0;
  let bestHi = 0;
  let count = 0;
  let lo = 0;
  for (let hi = 0; hi < rows.length; hi++) {
    count += bad[hi]!;
    while (rows[hi]!.t - rows[lo]!.t >= widthS) count -= bad[lo++]!;
    if (count > best) {
      best = count;
      bestLo = lo;
      bestHi = hi;
    }
  }
  let bestAt = 0;
  if (best > 0) {
    // Centred on the violations it holds, so the lead-up to them is in the picture too.
    let sum = 0;
    for (let i = bestLo; i <= bestHi; i++) if (bad[i] === 1) sum += rows[i]!.t;
    bestAt = sum / best - widthS / 2;
  } else {
    let peak = -1;
    for (const r of rows) {
      if (r.offeredRps <= peak) continue;
      peak = r.offeredRps;
      bestAt = r.t;
    }
    bestAt = Math.max(0, bestAt - widthS / 2);
  }
  const end = rows.length > 0 ? rows[rows.length - 1]!.t : 0;
  const fromS = Math.max(0, Math.min(bestAt, end - widthS));
  return { fromS, toS: fromS + widthS };
}

function chart(runs: ScenarioRuns, fromS: number, toS: number, suffix: string): Buffer {
  const { scenario, output, reactive, predictive } = runs;
  const c = output.trace.timeCompress;
  const capacityRps = (output.config.containerCpus * 1000) / output.config.workMs;
  const inWindow = (r: TimelineRow): boolean => r.t >= fromS && r.t < toS;
  const x = (r: TimelineRow): number => r.t * c;
  const rowsR = reactive.timeline.filter(inWindow);
  const rowsP = predictive.timeline.filter(inWindow);
  const series = (label: string, color: [number, number, number], rows: TimelineRow[], y: (r: TimelineRow) => number, dashed = false): ChartSeries => ({
    label,
    color,
    points: rows.map((r): [number, number] => [x(r), y(r)]),
    ...(dashed ? { dashed } : {}),
  });
  const panels: ChartPanel[] = [
    {
      title: `Offered load and ready capacity (ready containers x ${capacityRps} req/s at 100 % CPU)`,
      yLabel: 'requests/s',
      series: [
        series('offered load', LOAD, rowsR, (r) => r.offeredRps),
        series('reactive capacity', REACTIVE, rowsR, (r) => r.ready * capacityRps),
        series('predictive capacity', PREDICTIVE, rowsP, (r) => r.ready * capacityRps),
      ],
    },
    {
      title: 'Containers (starting, ready and draining: what is paid for)',
      yLabel: 'containers',
      series: [series('reactive', REACTIVE, rowsR, (r) => r.total), series('predictive', PREDICTIVE, rowsP, (r) => r.total)],
    },
    {
      title: `p99 latency per control period, SLO ${output.config.sloMs} ms`,
      yLabel: 'ms',
      series: [
        // A period with no completed request has no p99: NaN leaves a gap rather than a false zero.
        series('reactive', REACTIVE, rowsR, (r) => r.p99Ms ?? Number.NaN),
        series('predictive', PREDICTIVE, rowsP, (r) => r.p99Ms ?? Number.NaN),
        {
          label: 'SLO',
          color: SLO,
          dashed: true,
          points: rowsR.length > 0 ? [[x(rowsR[0]!), output.config.sloMs], [x(rowsR[rowsR.length - 1]!), output.config.sloMs]] : [],
        },
      ],
    },
  ];
  return renderChartPng({
    ...CHART_SIZE,
    title: `${scenario.title}: reactive vs predictive, start-up ${output.config.startupS} s${suffix}`,
    xLabel: c === 1 ? 'time' : `trace time (played x${c}: one simulated second is ${c} trace seconds)`,
    xFormat: 'seconds',
    panels,
  });
}
