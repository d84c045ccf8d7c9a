/**
 * Validation against reality (issue 6, deliverable 6): one trace run in the real local lab (acs-vim with
 * reconcile on, 3 acs-vmm agents, real Docker, load from acs-load) and in the simulator with the same
 * settings, the replica timelines compared.
 *
 *   npm run validate:sim -- [--out docs/validation]
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
import { alignTimelines, compareTimelines, medianStartupS, parseTraceCsv, reactiveDecider, runSimulation, startupTimesFromSamples, traceRateAt, validationChart, validationMarkdown, type ReplicaSample, type ValidationSettings } from '@acs/sim';
import { validateScalingPolicy } from '@acs/scaling';
import type { ServiceView } from '@acs/api-types';
import { removeAgentContainers } from '../test/support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess } from '../test/support/lab';
import { ProcessGroup, REPO_ROOT } from '../test/support/processes';

/**
 * A ramp, a hold and a drop: 4 → 36 requests/s over two minutes (1 → 3 containers at the 60 % CPU target of
 * 0.5-CPU containers doing 20 ms of work each), then back to 8. Peak work is 0.72 CPU-s/s: what a shared
 * 2-core machine can give the containers next to the VIM, three VMMs, their proxies and the load generator
 * (a first run peaking at 50 requests/s, at a host load average of 11–16, starved the containers).
 */
const PEAK_RPS = 36;
const TRACE_CSV = ['t_seconds,rps', '0,4', '30,4', ...Array.from({ length: 11 }, (_, i) => `${40 + i * 10},${(4 + ((i + 1) * (PEAK_RPS - 4)) / 12).toFixed(2)}`), `150,${PEAK_RPS}`, '210,8', '270,8'].join('\n') + '\n';
const DURATION_S = 270;
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(REPO_ROOT, 'docs/validation') } } });
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  const policy = validateScalingPolicy(POLICY_INPUT);
  const group = new ProcessGroup();
  const agentIds = Array.from({ length: VMS }, (_, i) => `validate-${randomBytes(3).toString('hex')}-${i + 1}`);
  const cleanup = async (): Promise<void> => {
    await group.cleanup();
    removeAgentContainers(agentIds);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().then(() => process.exit(130)));
  try {
    const dir = group.tempDir('acs-validate-');
    const traceFile = join(dir, 'trace.csv');
    writeFileSync(traceFile, TRACE_CSV);
    const trace = parseTraceCsv(TRACE_CSV, traceFile);

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
    console.error(`validate: lab up (${agentIds.join(', ')}); ${DURATION_S} s of load from acs-load`);

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
      '--duration', String(DURATION_S),
      '--max-inflight', '200',
      '--seed', '1',
      '--json', '--csv', csvFile,
    ], (DURATION_S + 60) * 1000);
    clearInterval(sampler);
    samples.sort((a, b) => a.t - b.t);

    const startups = startupTimesFromSamples(samples);
    const startupS = medianStartupS(startups);
    const sim = runSimulation({
      trace,
      config: {
        vms: VMS,
        maxContainersPerVm: MAX_CONTAINERS,
        containerCpus: CONTAINER_CPUS,
        workMs: WORK_MS,
        startupS,
        initialReplicas: samples[0]?.ready ?? policy.minReplicas,
        durationS: DURATION_S,
        seed: 1,
        timeline: 'tick',
      },
      policy: POLICY_INPUT,
      deciders: [reactiveDecider],
    }).runs[0]!;
    const simSamples: ReplicaSample[] = sim.timeline.map((r) => ({ t: r.t, desired: r.desired, ready: r.ready, total: r.total }));
    const rows = alignTimelines(samples, simSamples, DURATION_S, (t) => traceRateAt(trace, t + 0.5));
    const comparison = compareTimelines(rows);
    const cpuTarget = policy.strategy === 'reactive' ? (policy.metrics.find((m) => m.metric === 'cpu')?.target ?? 60) : 60;
    const settings: ValidationSettings = {
      traceName: `ramp 4 to ${PEAK_RPS} req/s, hold, drop to 8`,
      durationS: DURATION_S,
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
    writeFileSync(join(out, 'validation.png'), validationChart(rows, settings));
    writeFileSync(join(out, 'validation.md'), validationMarkdown(comparison, rows, settings, 'validation.png'));
    writeFileSync(join(out, 'validation.json'), JSON.stringify({ settings, startupsS: startups, comparison, rows: rows.map((r) => [r.t, r.offeredRps, r.lab.ready, r.lab.total, r.lab.desired, r.sim.ready, r.sim.total, r.sim.desired]), rowColumns: ['t', 'offeredRps', 'labReady', 'labTotal', 'labDesired', 'simReady', 'simTotal', 'simDesired'], loadCsv: readFileSync(csvFile, 'utf8') }) + '\n');
    console.log(readFileSync(join(out, 'validation.md'), 'utf8'));
    console.error(`validate: wrote ${out}/validation.{md,png,json}`);
  } finally {
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

main().catch((error: unknown) => {
  console.error(`validate: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
});
