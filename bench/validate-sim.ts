/**
 * Validation against reality (issue 6, deliverable 6): one trace run in the real local lab (acs-vim with
 * reconcile on, 3 acs-vmm agents, real Docker, load from acs-load) and in the simulator with the same
 * settings, the replica timelines compared.
 *
 *   npm run validate:sim -- [--out docs/validation]
 *
 * `runValidation` is also what test/validate-sim.e2e.test.ts runs, on a trace shortened to 54 s.
 *
 * Writes <out>/validation.md (the report section), <out>/validation.png (both timelines) and
 * <out>/validation.json (the figures and the aligned per-second timeline). Takes about 5 minutes: the
 * trace is 270 s of load. Everything it starts (processes, containers labelled with its agent ids, temp
 * dirs) is removed on every exit.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { alignTimelines, compareTimelines, medianStartupS, parseTraceCsv, reactiveDecider, runSimulation, startupTimesFromSamples, traceRateAt, validationChart, validationMarkdown, type AlignedRow, type ReplicaSample, type TimelineComparison, type ValidationSettings } from '@acs/sim';
import { validateScalingPolicy } from '@acs/scaling';
import type { ServiceView } from '@acs/api-types';
import { removeAgentContainers } from '../test/support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess } from '../test/support/lab';
import { ProcessGroup, REPO_ROOT } from '../test/support/processes';

/**
 * A ramp, a hold and a drop: 4 → `peakRps` requests/s over two minutes (36: 1 → 3 containers at the 60 % CPU
 * target of 0.5-CPU containers doing 20 ms of work each), then back to 8. Peak work is 0.72 CPU-s/s: what
 * a shared 2-core machine can give the containers next to the VIM, three VMMs, their proxies and the load
 * generator (a first run peaking at 50 requests/s, at a host load average of 11–16, starved the containers).
 * `timeScale` < 1 shortens every phase (a test's short run).
 */
export function validationTrace(peakRps = 36, timeScale = 1): { csv: string; durationS: number; name: string } {
  const at = (t: number): number => Math.round(t * timeScale);
  const ramp = Array.from({ length: 11 }, (_, i) => `${at(40 + i * 10)},${(4 + ((i + 1) * (peakRps - 4)) / 12).toFixed(2)}`);
  const rows = ['t_seconds,rps', '0,4', `${at(30)},4`, ...ramp, `${at(150)},${peakRps}`, `${at(210)},8`, `${at(270)},8`];
  return { csv: rows.join('\n') + '\n', durationS: at(270), name: `ramp 4 to ${peakRps} req/s, hold, drop to 8` };
}

/** The lab's short scale-down window (scripts/lab.mjs), so scale-in shows within the run. */
const POLICY_INPUT = { minReplicas: 1, maxReplicas: 12, behavior: { scaleDown: { stabilizationWindowS: 30 } } };
const VMS = 3;
/** The VIM's default container spec (packages/vim/src/container-commands.ts): 0.5 CPU, WORK_MS=20. */
const CONTAINER_CPUS = 0.5;
const WORK_MS = 20;
const MAX_CONTAINERS = 4;

interface LabSample extends ReplicaSample {
  starting: number;
  draining: number;
}

export interface ValidationRun {
  comparison: TimelineComparison;
  rows: AlignedRow[];
  labSamples: number;
  startupsS: number[];
  written: string[];
}

/**
 * Runs `trace` in a real lab and in the simulator, compares, and writes validation.{md,png,json} into
 * `out`. Everything it starts is stopped and removed before it returns or throws.
 */
export async function runValidation(out: string, trace: { csv: string; durationS: number; name: string } = validationTrace(), log: (line: string) => void = () => undefined): Promise<ValidationRun> {
  const durationS = trace.durationS;
  mkdirSync(out, { recursive: true });
  const policy = validateScalingPolicy(POLICY_INPUT);
  const group = new ProcessGroup();
  const agentIds = Array.from({ length: VMS }, (_, i) => `validate-${randomBytes(3).toString('hex')}-${i + 1}`);
  const cleanup = async (): Promise<void> => {
    await group.cleanup();
    removeAgentContainers(agentIds);
  };
  const onSignal = (): void => void cleanup().then(() => process.exit(130));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  try {
    const dir = group.tempDir('acs-validate-');
    const traceFile = join(dir, 'trace.csv');
    writeFileSync(traceFile, trace.csv);
    const parsed = parseTraceCsv(trace.csv, traceFile);

    const vim = await startVimProcess(group, { reconcile: true, args: ['--scaling-policy', JSON.stringify(POLICY_INPUT)] });
    for (const id of agentIds) startVmmProcess(group, vim, id, ['--max-containers', String(MAX_CONTAINERS), '--stop-containers-on-exit']);
    const service = async (): Promise<ServiceView> => {
      const { services } = await getJson<{ services: ServiceView[] }>(`${vim.api}/api/v1/cluster`);
      const web = services.find((s) => s.name === 'web');
      if (web === undefined) throw new Error('no web service in /api/v1/cluster');
      return web;
    };
    await eventually(async () => (await getJson<{ vms: Array<{ status: string }> }>(`${vim.api}/api/v1/vms`)).vms.filter((v) => v.status === 'ready').length === VMS, 30_000, `${VMS} agents`);
    await eventually(async () => (await service()).ready >= policy.minReplicas, 60_000, 'the first container ready');
    log(`validate: lab up (${agentIds.join(', ')}); ${durationS} s of load from acs-load`);

    const samples: LabSample[] = [];
    const loadAtStart = loadavg()[0]!;
    const t0 = Date.now();
    const sampler = setInterval(() => {
      const at = (Date.now() - t0) / 1000;
      service().then(
        (s) => samples.push({ t: Math.round(at), desired: s.desired, ready: s.ready, total: s.ready + s.starting + s.draining, starting: s.starting, draining: s.draining }),
        () => undefined, // a missed second is held over by alignTimelines
      );
    }, 1000);
    const csvFile = join(dir, 'load.csv');
    const load = await runLoad([
      join(REPO_ROOT, 'packages/loadgen/bin/acs-load.js'),
      '--target', `http://127.0.0.1:${vim.httpPort}/`,
      '--pattern', `trace:${traceFile}`,
      '--duration', String(durationS),
      '--max-inflight', '200',
      '--seed', '1',
      '--json', '--csv', csvFile,
    ], (durationS + 60) * 1000);
    clearInterval(sampler);
    samples.sort((a, b) => a.t - b.t);

    const startups = startupTimesFromSamples(samples);
    const startupS = medianStartupS(startups);
    const sim = runSimulation({
      trace: parsed,
      config: {
        vms: VMS,
        maxContainersPerVm: MAX_CONTAINERS,
        containerCpus: CONTAINER_CPUS,
        workMs: WORK_MS,
        startupS,
        initialReplicas: samples[0]?.ready ?? policy.minReplicas,
        durationS: durationS,
        seed: 1,
        timeline: 'tick',
      },
      policy: POLICY_INPUT,
      deciders: [reactiveDecider],
    }).runs[0]!;
    const simSamples: ReplicaSample[] = sim.timeline.map((r) => ({ t: r.t, desired: r.desired, ready: r.ready, total: r.total }));
    const rows = alignTimelines(samples, simSamples, durationS, (t) => traceRateAt(parsed, t + 0.5));
    const comparison = compareTimelines(rows);
    const cpuTarget = policy.strategy === 'reactive' ? (policy.metrics.find((m) => m.metric === 'cpu')?.target ?? 60) : 60;
    const settings: ValidationSettings = {
      traceName: trace.name,
      durationS: durationS,
      vms: VMS,
      maxContainersPerVm: MAX_CONTAINERS,
      containerCpus: CONTAINER_CPUS,
      workMs: WORK_MS,
      startupS,
      controlPeriodMs: policy.controlPeriodMs,
      scaleDownWindowS: POLICY_INPUT.behavior.scaleDown.stabilizationWindowS,
      cpuTargetPct: cpuTarget,
      hostLoad: { atStart: loadAtStart, atEnd: loadavg()[0]!, cores: availableParallelism() },
      load: { sent: load.sent, ok: load.ok, errors: load.sent - load.ok, p99Ms: load.latencyMs.p99 },
      sim: { arrived: sim.summary.requests.arrived, served: sim.summary.requests.served, rejected: sim.summary.requests.rejected, p99Ms: sim.summary.latencyMs.p99 },
    };
    const written = [join(out, 'validation.png'), join(out, 'validation.md'), join(out, 'validation.json')];
    writeFileSync(written[0]!, validationChart(rows, settings));
    writeFileSync(written[1]!, validationMarkdown(comparison, rows, settings, 'validation.png'));
    writeFileSync(written[2]!, JSON.stringify({ settings, startupsS: startups, comparison, rows: rows.map((r) => [r.t, r.offeredRps, r.lab.ready, r.lab.total, r.lab.desired, r.sim.ready, r.sim.total, r.sim.desired]), rowColumns: ['t', 'offeredRps', 'labReady', 'labTotal', 'labDesired', 'simReady', 'simTotal', 'simDesired'], loadCsv: readFileSync(csvFile, 'utf8') }) + '\n');
    return { comparison, rows, labSamples: samples.length, startupsS: startups, written };
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
    await cleanup();
  }
}

interface LoadSummary {
  sent: number;
  ok: number;
  latencyMs: { p99: number | null };
}

/** Runs acs-load to completion (bounded by its own --duration and by `timeoutMs`), its --json summary parsed. */
function runLoad(args: string[], timeoutMs: number): Promise<LoadSummary> {
  return new Promise((resolveLoad, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`acs-load exited with ${String(code)}: ${stdout.slice(0, 500)}`));
      try {
        resolveLoad(JSON.parse(stdout) as LoadSummary);
      } catch (error) {
        reject(new Error(`acs-load printed no JSON summary: ${(error as Error).message}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(REPO_ROOT, 'docs/validation') } } });
  const out = resolve(values.out);
  const run = await runValidation(out, validationTrace(), (line) => console.error(line));
  console.log(readFileSync(run.written[1]!, 'utf8'));
  console.error(`validate: wrote ${run.written.join(', ')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`validate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
}
