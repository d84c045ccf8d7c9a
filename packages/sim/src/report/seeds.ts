import { checkGoal, type GoalCheck, type PolicyFigures, type ReportData } from './report';
import type { GoalKind } from './scenarios';

/**
 * The goal judged over several seeds. One seed's violation counts are a few seconds to a few tens over
 * hours, so whether a Poisson burst lands before or after a container is ready moves them by seconds:
 * one seed's verdict is partly luck. Each scenario is therefore judged per seed and on the sums over the
 * seeds (the same requests offered `seeds` times over), and the report shows both.
 */

export interface SeedVerdict {
  seed: number;
  reactive: { sloViolationS: number; containerSeconds: number };
  predictive: { sloViolationS: number; containerSeconds: number };
  pass: boolean | null;
}

export interface ScenarioAcrossSeeds {
  name: string;
  goal: GoalKind;
  perSeed: SeedVerdict[];
  /** Sums over the seeds, judged as one run. */
  total: { reactive: { sloViolationS: number; containerSeconds: number }; predictive: { sloViolationS: number; containerSeconds: number }; goal: GoalCheck };
  /** Seeds whose own run met the goal. */
  seedsPassed: number;
}

export interface AcrossSeeds {
  seeds: number[];
  scenarios: ScenarioAcrossSeeds[];
  /** Judged scenarios whose summed figures meet the goal, and per-seed passes over all judged runs. */
  summary: { goals: number; passedOnTotals: number; failedOnTotals: string[]; seedRuns: number; seedRunsPassed: number };
}

/** `reports` are one per seed, with the same scenarios in the same order. */
export function acrossSeeds(reports: readonly ReportData[]): AcrossSeeds {
  const first = reports[0];
  if (first === undefined) throw new RangeError('acrossSeeds needs at least one report');
  const scenarios: ScenarioAcrossSeeds[] = first.scenarios.map((s, i) => {
    const perSeed: SeedVerdict[] = reports.map((r) => {
      const x = r.scenarios[i];
      if (x?.name !== s.name) throw new RangeError(`seed ${r.seed}: scenario ${i} is ${String(x?.name)}, expected ${s.name}`);
      return { seed: r.seed, reactive: pick(x.reactive), predictive: pick(x.predictive), pass: x.goal.pass };
    });
    const sum = (side: 'reactive' | 'predictive'): { sloViolationS: number; containerSeconds: number } => ({
      sloViolationS: perSeed.reduce((a, v) => a + v[side].sloViolationS, 0),
      containerSeconds: perSeed.reduce((a, v) => a + v[side].containerSeconds, 0),
    });
    const reactive = sum('reactive');
    const predictive = sum('predictive');
    const goal = checkGoal(s.goal.kind, reactive as PolicyFigures, predictive as PolicyFigures);
    return { name: s.name, goal: s.goal.kind, perSeed, total: { reactive, predictive, goal }, seedsPassed: perSeed.filter((v) => v.pass === true).length };
  });
  const judged = scenarios.filter((s) => s.goal !== 'none');
  return {
    seeds: reports.map((r) => r.seed),
    scenarios,
    summary: {
      goals: judged.length,
      passedOnTotals: judged.filter((s) => s.total.goal.pass === true).length,
      failedOnTotals: judged.filter((s) => s.total.goal.pass === false).map((s) => s.name),
      seedRuns: judged.length * reports.length,
      seedRunsPassed: judged.reduce((a, s) => a + s.seedsPassed, 0),
    },
  };
}

function pick(f: PolicyFigures): { sloViolationS: number; containerSeconds: number } {
  return { sloViolationS: f.sloViolationS, containerSeconds: f.containerSeconds };
}

/** The across-seeds table, as markdown (report.md) or plain text (stdout). */
export function formatAcrossSeeds(a: AcrossSeeds, markdown: boolean): string {
  const num = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const pct = (p: number, r: number): string => (r === 0 ? (p === 0 ? '0 %' : 'n/a') : `${p >= r ? '+' : ''}${(((p - r) / r) * 100).toFixed(1)} %`);
  const cell = (v: { reactive: { sloViolationS: number; containerSeconds: number }; predictive: { sloViolationS: number; containerSeconds: number } }): string =>
    `${num(v.reactive.sloViolationS)} → ${num(v.predictive.sloViolationS)}, ${pct(v.predictive.containerSeconds, v.reactive.containerSeconds)}`;
  const verdict = (pass: boolean | null): string => (pass === null ? '' : pass ? ' ✓' : ' ✗');
  const head = ['scenario', ...a.seeds.map((s) => `seed ${s}`), `sum of ${a.seeds.length} seeds`, 'seeds met'];
  const rows = a.scenarios.map((s) => [
    s.goal === 'none' ? `${s.name} (info)` : s.name,
    ...s.perSeed.map((v) => cell(v) + verdict(v.pass)),
    cell(s.total) + verdict(s.total.goal.pass),
    s.goal === 'none' ? '–' : `${s.seedsPassed} of ${s.perSeed.length}`,
  ]);
  const m = a.summary;
  const footer = `On the sums over seeds ${a.seeds.join(', ')}: ${m.passedOnTotals} of ${m.goals} goals met${m.failedOnTotals.length > 0 ? ` (not met: ${m.failedOnTotals.join(', ')})` : ''}; seed by seed: ${m.seedRunsPassed} of ${m.seedRuns} runs.`;
  if (markdown) {
    return [
      '| ' + head.join(' | ') + ' |',
      '|' + head.map(() => '---').join('|') + '|',
      ...rows.map((r) => '| ' + r.join(' | ') + ' |'),
      '',
      'Each cell: SLO-violation seconds reactive → predictive, and predictive\'s container-seconds relative to reactive\'s; ✓/✗ the goal.',
      '',
      footer,
    ].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return ['across seeds (SLO-violation s reactive → predictive, container-s change)', line(head), ...rows.map(line), footer].join('\n');
}
