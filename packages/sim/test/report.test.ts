import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acrossSeeds, buildReport, checkGoal, formatAcrossSeeds, writeReport, type PolicyFigures, type ReportData, type ReportScenario } from '../src/report';
import { rampTrace, stepTrace } from '../src';
import { run, SIM_EXIT } from '../src/main';

/** Two short synthetic scenarios: the report's machinery without its minutes of running. */
function tinyScenarios(): ReportScenario[] {
  const lab = { config: {}, policy: {}, rateScale: 1, timeCompress: 1 };
  return [
    { name: 'ramp', title: 'Ramp', description: 'short', trace: rampTrace({ startS: 200, endS: 300, durationS: 500 }), source: 'synthetic:ramp', ...lab, goal: 'fewer-violations' },
    { name: 'step', title: 'Step', description: 'short', trace: stepTrace({ upAtS: 100, downAtS: 300, durationS: 420 }), source: 'synthetic:step', ...lab, goal: 'none' },
  ];
}

function cli(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the elasticity report', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'acs-sim-report-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same JSON bytes for the same seed', () => {
    const a = JSON.stringify(buildReport({ scenarios: tinyScenarios(), seed: 5 }).data);
    const b = JSON.stringify(buildReport({ scenarios: tinyScenarios(), seed: 5 }).data);
    expect(a).toBe(b);
    const c = JSON.stringify(buildReport({ scenarios: tinyScenarios(), seed: 6 }).data);
    expect(c).not.toBe(a);
  });

  it('holds both policies per scenario, their relative differences and the goal check', () => {
    const { data } = buildReport({ scenarios: tinyScenarios(), seed: 5 });
    expect(data.format).toBe('acs-sim-report/1');
    expect(data.startupS).toBe(30);
    expect(data.scenarios.map((s) => s.name)).toEqual(['ramp', 'step']);
    const ramp = data.scenarios[0]!;
    expect(ramp.reactive.decider).toBeUndefined();
    expect(ramp.predictive.decider).toMatchObject({ mode: 'on' });
    expect(ramp.relative.containerSeconds).toBeCloseTo((ramp.predictive.containerSeconds - ramp.reactive.containerSeconds) / ramp.reactive.containerSeconds, 4);
    expect(ramp.goal.kind).toBe('fewer-violations');
    expect(typeof ramp.goal.pass).toBe('boolean');
    expect(data.scenarios[1]!.goal).toMatchObject({ kind: 'none', pass: null });
    expect(data.summary.goals).toBe(1);
    expect(ramp.charts).toEqual({ overview: 'ramp.png', zoom: null });
  });

  it('writes report.md, report.json and a PNG per scenario', () => {
    const dir = join(tempDir(), 'nested', 'out');
    const result = buildReport({ scenarios: tinyScenarios(), seed: 5 });
    const written = writeReport(dir, result);
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['report.md', 'report.json', 'ramp.png', 'step.png']);
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportData;
    expect(json).toEqual(JSON.parse(JSON.stringify(result.data)));
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('# Elasticity report');
    expect(md).toContain('![Ramp](ramp.png)');
    expect(md).toMatch(/\*\*Goal \(fewer-violations\): (PASS|FAIL)\.\*\*/);
    for (const png of ['ramp.png', 'step.png']) expect(readFileSync(join(dir, png)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });
});

describe('checkGoal', () => {
  const f = (sloViolationS: number, containerSeconds: number): PolicyFigures =>
    ({ sloViolationS, containerSeconds }) as PolicyFigures;

  it('fewer violations: at most 30 % of reactive violations for at most 10 % more container-seconds', () => {
    expect(checkGoal('fewer-violations', f(100, 1000), f(30, 1100)).pass).toBe(true);
    expect(checkGoal('fewer-violations', f(100, 1000), f(31, 1000)).pass).toBe(false);
    expect(checkGoal('fewer-violations', f(100, 1000), f(0, 1101)).pass).toBe(false);
  });

  it('with no reactive violation there is nothing to remove: it passes only with none either, and says so', () => {
    expect(checkGoal('fewer-violations', f(0, 1000), f(0, 1000))).toMatchObject({ pass: true, detail: expect.stringContaining('reactive had none') as string });
    expect(checkGoal('fewer-violations', f(0, 1000), f(1, 1000)).pass).toBe(false);
  });

  it('no worse: each figure within 5 %', () => {
    expect(checkGoal('no-worse', f(100, 1000), f(105, 1050)).pass).toBe(true);
    expect(checkGoal('no-worse', f(100, 1000), f(106, 1000)).pass).toBe(false);
    expect(checkGoal('no-worse', f(100, 1000), f(50, 1051)).pass).toBe(false);
    expect(checkGoal('none', f(1, 1), f(2, 2)).pass).toBeNull();
  });
});

describe('acrossSeeds', () => {
  const reports = [5, 6].map((seed) => buildReport({ scenarios: tinyScenarios(), seed }).data);
  const a = acrossSeeds(reports);

  it('sums each scenario over the seeds and judges the sums as one run', () => {
    const ramp = a.scenarios.find((s) => s.name === 'ramp')!;
    expect(ramp.perSeed.map((v) => v.seed)).toEqual([5, 6]);
    expect(ramp.total.reactive.sloViolationS).toBe(reports[0]!.scenarios[0]!.reactive.sloViolationS + reports[1]!.scenarios[0]!.reactive.sloViolationS);
    expect(ramp.total.predictive.containerSeconds).toBe(reports[0]!.scenarios[0]!.predictive.containerSeconds + reports[1]!.scenarios[0]!.predictive.containerSeconds);
    expect(ramp.total.goal.pass).toBe(checkGoal('fewer-violations', ramp.total.reactive as PolicyFigures, ramp.total.predictive as PolicyFigures).pass);
    expect(ramp.seedsPassed).toBe(reports.filter((r) => r.scenarios[0]!.goal.pass === true).length);
    expect(a.summary).toMatchObject({ goals: 1, seedRuns: 2 });
  });

  it('shows informational scenarios without a verdict, and every seed as a column', () => {
    const text = formatAcrossSeeds(a, true);
    expect(text).toMatch(/^\| scenario \| seed 5 \| seed 6 \| sum of 2 seeds \| seeds met \|$/m);
    expect(text).toMatch(/^\| step \(info\) \|.*\| – \|$/m);
  });

  it('refuses reports whose scenarios differ', () => {
    const other = buildReport({ scenarios: tinyScenarios().reverse(), seed: 7 }).data;
    expect(() => acrossSeeds([reports[0]!, other])).toThrow(/scenario 0 is step, expected ramp/);
  });
});

describe('acs-sim report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-sim-report-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Three trace hours per minute: at ×30 that is 360 simulated seconds.
  const rows = ['t_seconds,rps', ...Array.from({ length: 180 }, (_, i) => `${i * 60},${(1 + Math.sin(i / 20)).toFixed(3)}`)];
  const tiny = join(dir, 'tiny.csv');
  writeFileSync(tiny, rows.join('\n'));

  it('runs the real-trace scenarios on given files and writes the report', () => {
    const out = join(dir, 'out');
    const r = cli('report', '--only', 'nasa,worldcup', '--nasa', tiny, '--worldcup', tiny, '--out', out, '--seed', '3');
    expect(r.code).toBe(SIM_EXIT.ok);
    expect(r.out).toMatch(/^nasa\s+reactive/m);
    expect(r.out).toMatch(/^worldcup\s+reactive/m);
    expect(r.out).toMatch(/goals\n {2}(PASS|FAIL) {2}nasa/);
    expect(r.err).toMatch(/2\/2 worldcup done/);
    for (const name of ['report.md', 'report.json', 'nasa.png', 'worldcup.png']) expect(existsSync(join(out, name))).toBe(true);
    const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
    expect(data.seed).toBe(3);
    expect(data.scenarios.map((s) => [s.name, s.trace.timeCompress, s.cluster.vms, s.cluster.maxReplicas])).toEqual([
      ['nasa', 30, 5, 20],
      ['worldcup', 30, 5, 20],
    ]);
  });

  it('judges the goal per seed and on the sums over seeds (--seeds)', () => {
    const out = join(dir, 'seeds');
    const r = cli('report', '--only', 'nasa', '--nasa', tiny, '--out', out, '--seeds', '1-2,4');
    expect(r.code).toBe(SIM_EXIT.ok);
    expect(r.err).toMatch(/seed 4: 1\/1 nasa done/);
    expect(r.out).toMatch(/across seeds/);
    expect(r.out).toMatch(/On the sums over seeds 1, 2, 4: [01] of 1 goals met/);
    const data = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData & { acrossSeeds: { seeds: number[] } };
    expect(data.seed).toBe(1);
    expect(data.acrossSeeds.seeds).toEqual([1, 2, 4]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Across seeds\n\n\| scenario \| seed 1 \| seed 2 \| seed 4 \| sum of 3 seeds \| seeds met \|/);
  });

  it('exits 2 on a bad seed list', () => {
    for (const bad of ['1-', '3-1', 'a,b']) {
      const r = cli('report', '--seeds', bad);
      expect(r.code).toBe(SIM_EXIT.usage);
      expect(r.err).toMatch(/--seeds/);
    }
  });

  it('exits 1 naming the flag when a trace file is missing, before running anything', () => {
    const out = join(dir, 'never');
    const r = cli('report', '--worldcup', join(dir, 'missing.csv'), '--out', out);
    expect(r.code).toBe(SIM_EXIT.inputError);
    expect(r.err).toMatch(/cannot read World Cup trace \(--worldcup\) .*missing\.csv: ENOENT/);
    expect(r.out).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on an unknown scenario name', () => {
    const r = cli('report', '--only', 'daily,tuesday');
    expect(r.code).toBe(SIM_EXIT.usage);
    expect(r.err).toMatch(/--only takes scenario names from daily, daily-fast, ramp/);
  });

  it('keeps the run flags apart from the report', () => {
    const r = cli('report', '--synthetic', 'step');
    expect(r.code).toBe(SIM_EXIT.usage);
    expect(r.err).toMatch(/unknown option '--synthetic'/);
  });
});
