import { renderChartPng, type ChartSeries } from '../report/png';
import type { AlignedRow, TimelineComparison } from './compare';

/** The lab and simulator settings a validation ran with, for the report. */
export interface ValidationSettings {
  traceName: string;
  durationS: number;
  vms: number;
  maxContainersPerVm: number;
  containerCpus: number;
  workMs: number;
  /** Start-to-ready time measured in the lab (median) and given to the simulator. */
  startupS: number;
  controlPeriodMs: number;
  scaleDownWindowS: number;
  cpuTargetPct: number;
  /** What the load generator reported: requests sent, ok, errors, p99 ms. */
  load: { sent: number; ok: number; errors: number; p99Ms: number | null };
  /** The host's 1-minute load average when the load started and ended (2 cores shared with other work). */
  hostLoad: { atStart: number; atEnd: number; cores: number };
  /** The simulator's own account of the same run. */
  sim: { arrived: number; served: number; rejected: number; p99Ms: number | null };
}

const LOAD: [number, number, number] = [90, 90, 90];
const LAB: [number, number, number] = [31, 119, 180];
const SIM: [number, number, number] = [230, 120, 20];

/** Offered load over both sides' ready capacity, then replicas (ready and total) of the lab and the sim. */
export function validationChart(rows: readonly AlignedRow[], settings: ValidationSettings): Buffer {
  const perContainer = (settings.containerCpus * 1000) / settings.workMs;
  const s = (label: string, color: [number, number, number], y: (r: AlignedRow) => number, dashed = false): ChartSeries => ({
    label,
    color,
    points: rows.map((r): [number, number] => [r.t, y(r)]),
    ...(dashed ? { dashed } : {}),
  });
  return renderChartPng({
    width: 1400,
    height: 800,
    title: `Lab vs simulator: ${settings.traceName}`,
    xLabel: 'time since the load started',
    xFormat: 'seconds',
    panels: [
      {
        title: `Offered load and ready capacity (ready containers x ${perContainer} req/s at 100 % CPU)`,
        yLabel: 'requests/s',
        series: [s('offered load', LOAD, (r) => r.offeredRps), s('lab capacity', LAB, (r) => r.lab.ready * perContainer), s('sim capacity', SIM, (r) => r.sim.ready * perContainer)],
      },
      {
        title: 'Containers: ready (solid) and all live ones (dashed)',
        yLabel: 'containers',
        series: [s('lab ready', LAB, (r) => r.lab.ready), s('sim ready', SIM, (r) => r.sim.ready), s('lab total', LAB, (r) => r.lab.total, true), s('sim total', SIM, (r) => r.sim.total, true)],
      },
    ],
  });
}

/** The report section: settings, the figures side by side, replicas over time, and what the gap is. */
export function validationMarkdown(comparison: TimelineComparison, rows: readonly AlignedRow[], settings: ValidationSettings, chartFile: string): string {
  const { lab, sim } = comparison;
  const n = (x: number | null, digits = 0): string => (x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
  const lines = [
    `Trace \`${settings.traceName}\`, ${settings.durationS} s; ${settings.vms} VMMs × ${settings.maxContainersPerVm} containers of ${settings.containerCpus} CPU, ${settings.workMs} ms of CPU per request ` +
      `(${(settings.containerCpus * 1000) / settings.workMs} requests/s per container at 100 %); reactive policy, CPU target ${settings.cpuTargetPct} %, control period ${settings.controlPeriodMs / 1000} s, ` +
      `scale-down window ${settings.scaleDownWindowS} s; start-to-ready measured in the lab and given to the simulator: ${settings.startupS} s. ` +
      `Host load average ${settings.hostLoad.atStart.toFixed(1)} at the start and ${settings.hostLoad.atEnd.toFixed(1)} at the end, on ${settings.hostLoad.cores} cores.`,
    '',
    `![lab vs simulator](${chartFile})`,
    '',
    '| figure | lab | simulator |',
    '|---|---:|---:|',
    `| requests (sent / arrived) | ${n(settings.load.sent)} | ${n(settings.sim.arrived)} |`,
    `| served ok | ${n(settings.load.ok)} | ${n(settings.sim.served)} |`,
    `| errors / rejected | ${n(settings.load.errors)} | ${n(settings.sim.rejected)} |`,
    `| p99 latency, ms | ${n(settings.load.p99Ms, 1)} | ${n(settings.sim.p99Ms, 1)} |`,
    `| container-seconds | ${n(lab.containerSeconds)} | ${n(sim.containerSeconds)} (${pct(comparison.containerSecondsGap)}) |`,
    `| ready container-seconds | ${n(lab.readyContainerSeconds)} | ${n(sim.readyContainerSeconds)} |`,
    `| peak ready | ${lab.peakReady} | ${sim.peakReady} |`,
    `| scale-ups / scale-downs (desired count changes) | ${lab.scaleUps} / ${lab.scaleDowns} | ${sim.scaleUps} / ${sim.scaleDowns} |`,
    `| time to capacity (first scale-up → peak ready), s | ${n(lab.timeToCapacityS)} | ${n(sim.timeToCapacityS)} |`,
    ...lab.timeToReady.map((l, i) => `| ${l.replicas} ready first at, s | ${n(l.atS)} | ${n(sim.timeToReady[i]?.atS ?? null)} |`),
    `| mean \\|lab ready − sim ready\\| | ${comparison.meanAbsReadyGap.toFixed(2)} containers | |`,
    `| seconds with the same ready count | ${(comparison.sameReadyShare * 100).toFixed(0)} % | |`,
    '',
    'Replicas over time (ready / desired), every 15 s:',
    '',
    '| t, s | offered req/s | lab | sim |',
    '|---:|---:|---:|---:|',
    ...rows.filter((r) => r.t % 15 === 0).map((r) => `| ${r.t} | ${r.offeredRps.toFixed(0)} | ${r.lab.ready} / ${r.lab.desired} | ${r.sim.ready} / ${r.sim.desired} |`),
  ];
  return lines.join('\n') + '\n';
}
