import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, SIM_EXIT } from '../src/main';
import type { RunOutput } from '../src';

interface CliRun {
  code: number;
  out: string;
  err: string;
}

function cli(...argv: string[]): CliRun {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'acs-sim-cli-'));
const goodTrace = join(dir, 'good.csv');
writeFileSync(goodTrace, 't_seconds,rps\n0,30\n60,120\n120,30\n');
const badTrace = join(dir, 'bad.csv');
writeFileSync(badTrace, 't_seconds,rps\n0,30\n60,-4\n');
const badPolicy = join(dir, 'policy.json');
writeFileSync(badPolicy, '{"minReplicas": 5, "maxReplicas": 2, "colour": "blue"}');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('acs-sim command line', () => {
  it('prints the summary table for a synthetic run', () => {
    const r = cli('--synthetic', 'spike', '--duration', '300');
    expect(r.code).toBe(SIM_EXIT.ok);
    expect(r.out).toMatch(/trace {5}synthetic:spike/);
    expect(r.out).toMatch(/requests arrived\s+[\d,]+/);
    expect(r.out).toMatch(/SLO violation, s/);
    expect(r.out).toMatch(/conserved\s+yes/);
    expect(r.err).toBe('');
  });

  it('prints JSON with summary and timeline, honouring the flags', () => {
    const r = cli('--trace', goodTrace, '--time-compress', '60', '--rate-scale', '2', '--json', '--vms', '2', '--work-ms', '10', '--slo-ms', '80');
    expect(r.code).toBe(SIM_EXIT.ok);
    const output = JSON.parse(r.out) as RunOutput;
    expect(output.format).toBe('acs-sim/1');
    expect(output.trace).toMatchObject({ rateScale: 2, timeCompress: 60, meanRps: 120, maxRps: 240 });
    expect(output.config).toMatchObject({ vms: 2, workMs: 10, sloMs: 80 });
    const [only] = output.runs;
    expect(only!.summary.policy).toBe('reactive');
    expect(only!.summary.durationS).toBe(3);
    expect(only!.timeline.length).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown flag', ['--synthetic', 'step', '--frobnicate'], /unknown option '--frobnicate'/],
    ['a bad number', ['--synthetic', 'step', '--rate-scale', 'lots'], /--rate-scale <x>' argument 'lots' is invalid. expected a number of at least 0/],
    ['a negative rate scale', ['--synthetic', 'step', '--rate-scale', '-1'], /argument '-1' is invalid/],
    ['a zero time compression', ['--synthetic', 'step', '--time-compress', '0'], /expected a number above 0/],
    ['a fractional VM count', ['--synthetic', 'step', '--vms', '2.5'], /expected a whole number, 1 or more/],
    ['an unknown synthetic trace', ['--synthetic', 'sawtooth'], /Allowed choices are step, spike, ramp, daily, random-walk/],
    ['an unknown policy', ['--synthetic', 'step', '--policy', 'magic'], /Allowed choices are reactive, predictive, both/],
    ['an unknown placement', ['--synthetic', 'step', '--placement', 'random'], /Allowed choices are spread, binpack, least-loaded/],
    ['both a trace and a synthetic one', ['--trace', 'x.csv', '--synthetic', 'step'], /cannot be used with option '--synthetic/],
    ['no load at all', [], /give a load: --trace FILE or --synthetic/],
    ['a stray argument', ['--synthetic', 'step', 'extra'], /too many arguments/],
    ['min above max replicas', ['--synthetic', 'step', '--min-replicas', '9', '--max-replicas', '3'], /invalid scaling policy/],
    ['a container bigger than its VM', ['--synthetic', 'step', '--cpus', '4'], /containerCpus: 4 cores never fit on a VM of 2 cores/],
  ])('exits 2 on %s', (_name, argv, message) => {
    const r = cli(...argv);
    expect(r.code).toBe(SIM_EXIT.usage);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('runs --policy both: reactive and predictive side by side, on the same arrivals', () => {
    const r = cli('--synthetic', 'step', '--policy', 'both', '--json');
    expect(r.code).toBe(SIM_EXIT.ok);
    const output = JSON.parse(r.out) as RunOutput;
    const [reactive, predictive] = output.runs;
    expect(reactive!.summary.policy).toBe('reactive');
    expect(predictive!.summary.policy).toBe('predictive');
    expect(predictive!.timeline.map((row) => row.arrived)).toEqual(reactive!.timeline.map((row) => row.arrived));
    expect(predictive!.summary.decider).toMatchObject({ mode: 'on', startupSource: 'learned', startupP90Ms: 30_000 });
  });

  it('runs --policy predictive with the forecast flags, shown in the table', () => {
    const r = cli('--synthetic', 'ramp', '--policy', 'predictive', '--forecast-level', '0.9', '--season-s', '0');
    expect(r.code).toBe(SIM_EXIT.ok);
    expect(r.out).toMatch(/^\s+predictive$/m);
    const json = JSON.parse(cli('--synthetic', 'ramp', '--policy', 'predictive', '--forecast-level', '0.9', '--json').out) as RunOutput;
    expect(json.runs[0]!.summary.decider).toMatchObject({ level: 0.9 });
  });

  it('exits 2 on a forecast level outside (0, 1)', () => {
    const r = cli('--synthetic', 'step', '--policy', 'predictive', '--forecast-level', '1');
    expect(r.code).toBe(SIM_EXIT.usage);
    expect(r.err).toMatch(/expected a number between 0 and 1/);
  });

  it('exits 1 when the trace file cannot be read', () => {
    const r = cli('--trace', join(dir, 'missing.csv'));
    expect(r.code).toBe(SIM_EXIT.inputError);
    expect(r.err).toMatch(/cannot read trace .*missing\.csv: ENOENT/);
  });

  it('exits 1 naming the line of a bad trace', () => {
    const r = cli('--trace', badTrace);
    expect(r.code).toBe(SIM_EXIT.inputError);
    expect(r.err).toBe(`acs-sim: ${badTrace}:3: rps must be ≥ 0, got -4`);
  });

  it('exits 1 listing every problem of a bad policy file', () => {
    const r = cli('--synthetic', 'step', '--policy-file', badPolicy);
    expect(r.code).toBe(SIM_EXIT.inputError);
    expect(r.err).toMatch(/invalid scaling policy/);
    expect(r.err.split('\n').length).toBeGreaterThanOrEqual(3);
  });

  it('shows help with exit 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(SIM_EXIT.ok);
    for (const flag of ['--trace', '--synthetic', '--policy', '--rate-scale', '--time-compress', '--duration', '--seed', '--vms', '--max-containers', '--startup-s', '--work-ms', '--slo-ms', '--json']) {
      expect(r.out).toContain(flag);
    }
  });
});
