/**
 * The demo's report: a PNG chart (offered load, p99 latency, containers per VM over time, drawn with the
 * simulator's renderer) and the markdown around it, with the events that explain each change. Pure: the
 * same inputs give the same text and bytes; main.ts writes them.
 */
import type { EventView } from '@acs/api-types';
import type { LoadResult, SecondRow } from '@acs/loadgen';
import { renderChartPng, type ChartPanel, type ChartSeries } from '@acs/sim';
import type { ClusterSample } from './sampler';
import type { Phase } from './scenario';

export interface DemoRun {
  api: string;
  target: string;
  /** Epoch ms when the load started: t = 0 on every axis. */
  startedAt: number;
  phases: Phase[];
  load: LoadResult;
  samples: ClusterSample[];
  sampleFailures: number;
  events: EventView[];
}

/** An event placed on the run's clock, with what it changed and why. */
export interface ExplainedEvent {
  t: number;
  at: string;
  kind: string;
  what: string;
  why: string;
}

export const DEMO_CHART_SIZE = { width: 1600, height: 1100 } as const;

type Rgb = [number, number, number];
const SCENARIO: Rgb = [150, 150, 150];
const OFFERED: Rgb = [90, 90, 90];
const OK: Rgb = [31, 119, 180];
const ERRORS: Rgb = [200, 30, 30];
const P99: Rgb = [230, 120, 20];
const DESIRED: Rgb = [60, 60, 60];
/** One colour per VM, in VM-id order; repeats after ten. */
const VM_COLOURS: Rgb[] = [
  [31, 119, 180], [44, 160, 44], [148, 103, 189], [214, 39, 40], [255, 127, 14],
  [23, 190, 207], [140, 86, 75], [227, 119, 194], [188, 189, 34], [127, 127, 127],
];

/** Every VM seen in any sample, sorted. */
export function vmIds(samples: ClusterSample[]): string[] {
  const ids = new Set<string>();
  for (const s of samples) for (const id of Object.keys(s.perVm)) ids.add(id);
  return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * The events worth a line: every action and every decision that changed the desired count. A decision
 * that kept the count (logged when its reason changes, or now and then) explains nothing new.
 */
export function explainEvents(events: EventView[], startedAt: number): ExplainedEvent[] {
  const out: ExplainedEvent[] = [];
  for (const e of events) {
    const t = (Date.parse(e.at) - startedAt) / 1000;
    const data = e.data;
    if (e.kind === 'decision') {
      const current = data['current'];
      const desired = data['desired'];
      if (typeof current !== 'number' || typeof desired !== 'number' || current === desired) continue;
      const reason = typeof data['reason'] === 'string' ? data['reason'] : 'decision';
      out.push({ t, at: e.at, kind: e.kind, what: `desired ${current} -> ${desired} containers`, why: `${reason}: ${e.message}` });
      continue;
    }
    const given = typeof data['why'] === 'string' ? data['why'] : typeof data['reason'] === 'string' ? data['reason'] : '';
    // A stop's message already ends with its reason: no need to say it twice.
    out.push({ t, at: e.at, kind: e.kind, what: e.message, why: e.message.includes(given) ? '' : given });
  }
  return out;
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

/** A markdown table cell: one line, no column break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function phaseLabel(p: Phase): string {
  return p.fromRps === p.toRps ? `${fmt(p.fromRps)} req/s` : `${fmt(p.fromRps)} -> ${fmt(p.toRps)} req/s`;
}

/** The scenario's rate as a polyline: each phase is linear, so its two ends are enough. */
function scenarioPoints(phases: Phase[]): Array<[number, number]> {
  return phases.flatMap((p): Array<[number, number]> => [[p.fromS, p.fromRps], [p.toS, p.toRps]]);
}

/** The chart: offered load and answers, p99 latency, and web containers per VM, on one time axis. */
export function demoChart(run: DemoRun): Buffer {
  const rows = run.load.seconds;
  // Rows are per whole second; plot each at its middle so they line up with the samples.
  const at = (r: SecondRow): number => r.t + 0.5;
  const line = (label: string, color: Rgb, y: (r: SecondRow) => number, dashed = false): ChartSeries => ({
    label,
    color,
    points: rows.map((r): [number, number] => [at(r), y(r)]),
    ...(dashed ? { dashed } : {}),
  });
  const ids = vmIds(run.samples);
  // Stacked: each line adds one VM's containers to those below it, so VMs with equal counts do not hide
  // each other, and the band between two lines is that VM's share. The top line is the total.
  const stacked: ChartSeries[] = ids.map((id, i) => ({
    label: i === 0 ? id : `+ ${id}`,
    color: VM_COLOURS[i % VM_COLOURS.length]!,
    points: run.samples.map((s): [number, number] => [s.t, ids.slice(0, i + 1).reduce((sum, vm) => sum + (s.perVm[vm]?.ready ?? 0), 0)]),
  }));
  const panels: ChartPanel[] = [
    {
      title: 'Load through the VIM front',
      yLabel: 'requests/s',
      series: [
        {
          label: 'scenario rate',
          color: SCENARIO,
          dashed: true,
          points: scenarioPoints(run.phases),
        },
        line('offered (Poisson arrivals)', OFFERED, (r) => r.offered),
        line('answered 2xx', OK, (r) => r.ok),
        line('errors and non-2xx', ERRORS, (r) => r.errors),
      ],
    },
    {
      title: 'p99 latency per second, from the intended send time',
      yLabel: 'ms',
      // A second with no answer has no p99: NaN leaves a gap rather than a false zero.
      series: [line('p99', P99, (r) => (r.ok + r.errors > 0 ? r.p99 : Number.NaN))],
    },
    {
      title: 'Web containers taking traffic, stacked by VM (top line: total)',
      yLabel: 'containers',
      series: [
        ...stacked,
        {
          label: 'desired',
          color: DESIRED,
          dashed: true,
          points: run.samples.map((s): [number, number] => [s.t, s.desired ?? Number.NaN]),
        },
      ],
    },
  ];
  const phases = run.phases.map((p) => `${p.name} ${fmt(p.fromS)}-${fmt(p.toS)} s`).join(', ');
  return renderChartPng({
    ...DEMO_CHART_SIZE,
    title: `acs demo: load, latency and containers per VM (${ids.length} VMs)`,
    xLabel: `time since the load started (${phases})`,
    xFormat: 'seconds',
    panels,
  });
}

/** The markdown report; `chartFile` is the PNG's path relative to the report. */
export function demoMarkdown(run: DemoRun, chartFile: string): string {
  const { load } = run;
  const explained = explainEvents(run.events, run.startedAt);
  const ids = vmIds(run.samples);
  const desired = run.samples.map((s) => s.desired).filter((d): d is number => d !== null);
  const peakPerVm = ids.map((id) => Math.max(0, ...run.samples.map((s) => s.perVm[id]?.ready ?? 0)));
  const nonOk = Object.values(load.nonOk).reduce((a, b) => a + b, 0);
  const errors = Object.values(load.errors).reduce((a, b) => a + b, 0);
  const changes = explained.filter((e) => e.kind === 'decision');
  const lines: string[] = [
    '# Auto Cloud Scaler demo',
    '',
    `Started ${new Date(run.startedAt).toISOString()} against the lab at ${run.api} (traffic to ${run.target}), ` +
      `${fmt(load.windowS)} s of open-loop load (acs-load's runner, Poisson arrivals).`,
    '',
    `![offered load, p99 latency and containers per VM](${chartFile})`,
    '',
    '## Scenario',
    '',
    '| phase | from (s) | to (s) | offered |',
    '|---|---:|---:|---|',
    ...run.phases.map((p) => `| ${p.name} | ${fmt(p.fromS)} | ${fmt(p.toS)} | ${phaseLabel(p)} |`),
    '',
    '## Outcome',
    '',
    '| | |',
    '|---|---|',
    `| requests offered / sent | ${load.offered} / ${load.sent} |`,
    `| answered 2xx | ${load.ok} |`,
    `| non-2xx answers | ${nonOk}${nonOk > 0 ? ` (${Object.entries(load.nonOk).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''} |`,
    `| errors without an answer | ${errors}${errors > 0 ? ` (${Object.entries(load.errors).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''} |`,
    `| dropped (max in-flight) | ${load.dropped} |`,
    `| latency p50 / p99 / max | ${fmt(load.latencyMs.p50, 1)} / ${fmt(load.latencyMs.p99, 1)} / ${fmt(load.latencyMs.max, 1)} ms |`,
    `| desired containers, min -> max | ${desired.length > 0 ? `${Math.min(...desired)} -> ${Math.max(...desired)}` : '-'} |`,
    `| most containers taking traffic, per VM | ${ids.map((id, i) => `${id}: ${peakPerVm[i]}`).join(', ') || '-'} |`,
    `| scaling changes | ${changes.length} |`,
    `| cluster samples (one a second) | ${run.samples.length}${run.sampleFailures > 0 ? `, ${run.sampleFailures} failed` : ''} |`,
    '',
    '## What changed and why',
    '',
  ];
  if (explained.length === 0) {
    lines.push('The VIM logged no scaling decision or action during the run: the load stayed within what the running containers handle (or autoscale is off: `acs autoscale on`).');
  } else {
    lines.push(
      'From the VIM\'s event log (`acs events`): each change of the desired count with the autoscaler\'s reason, then the placements and commands that carried it out. Time is seconds since the load started.',
      '',
      '| t (s) | at | kind | what | why |',
      '|---:|---|---|---|---|',
      ...explained.map((e) => `| ${fmt(e.t, 1)} | ${e.at.slice(11, 23)} | ${e.kind} | ${cell(e.what)} | ${cell(e.why)} |`),
    );
  }
  return `${lines.join('\n')}\n`;
}
