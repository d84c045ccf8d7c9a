/**
 * npm run bench:containers [-- --runs 10]
 *
 * Container start-to-ready time as the VIM sees it. Starts one real acs-vim (reports every 100 ms, so
 * the report period does not quantise the figure) and one real acs-vmm on the local Docker Engine,
 * then measures, through the admin API only, the time from sending POST /api/v1/vms/<vm>/containers
 * to the first GET /api/v1/containers (polled every 10 ms) that shows the container `ready: true`:
 * `--runs` starts one at a time (each removed before the next), then 4 and 8 started at once.
 * Also the stop time: DELETE /api/v1/containers/<id>?drainTimeoutMs=0 until its answer.
 *
 * Bounded: every wait has a deadline and the whole run a 5-minute limit. Every process it starts and
 * every container its agent starts (label acs.vmm=<this run's agent id>) is removed on the way out,
 * pass, fail, time limit or Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ContainerListResponse, ContainerStartResponse, ContainerStopResponse, VmListResponse, VmView } from '@acs/api-types';
import { getJson, startVimProcess, startVmmProcess, type VimProcess } from '../test/support/lab';
import { ProcessGroup, type Daemon } from '../test/support/processes';
import { boundRun } from './support/run-bounds';
import { apiCall } from './support/api';
import { removeAgentContainers, removeAgentContainersSync } from './support/own-containers';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 2 || RUNS > 50) {
  console.error('usage: bench:containers -- [--runs N (2–50, default 10)]');
  process.exit(2);
}

const TIME_LIMIT_MS = 5 * 60_000;
const REPORT_INTERVAL_MS = 100;
const POLL_MS = 10;
/** One start (or batch) that is not ready by then fails the run. */
const READY_DEADLINE_MS = 30_000;
const BATCHES = [4, 8] as const;
const AGENT_ID = `bench-${process.pid}`;
const VMM_ARGS = ['--max-containers', '8', '--stop-grace-seconds', '2'];

const GOAL_ONE_MEDIAN_MS = 350;
const GOAL_EIGHT_ALL_MS = 1500;
const DOCKER_ONE_MEDIAN_MS = 215;
const DOCKER_EIGHT_ALL_MS = 1100;

// ---- processes and containers this run owns, and their removal whatever happens ----

const group = new ProcessGroup();
const daemons: Daemon[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-containers-'));

function removeOwnContainers(): Promise<number> {
  return removeAgentContainers([AGENT_ID]);
}

let cleaning: Promise<void> | undefined;
/** Stops the daemons (SIGTERM, SIGKILL after 3 s), then removes every container labelled with this run's agent id. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await group.cleanup();
    // A create that was in flight in dockerd when the agent went can still land: look twice.
    const removed = (await removeOwnContainers()) + (await sleep(300).then(removeOwnContainers));
    if (removed > 0) console.error(`cleanup: removed ${removed} container(s) labelled acs.vmm=${AGENT_ID}`);
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}

/** Last resort when the process exits without the async cleanup having finished. */
process.on('exit', () => {
  for (const daemon of daemons) if (daemon.running) daemon.child.kill('SIGKILL');
  removeAgentContainersSync([AGENT_ID]);
  rmSync(dataDir, { recursive: true, force: true });
});

const finish = boundRun('bench:containers', TIME_LIMIT_MS, cleanup);

// ---- admin API ----

let api = '';

function call<T>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
  return apiCall<T>(api, method, path, body, timeoutMs);
}

function startContainer(): Promise<ContainerStartResponse> {
  return call<ContainerStartResponse>('POST', `/api/v1/vms/${AGENT_ID}/containers`, {});
}

/** DELETE with no drain; resolves with the milliseconds until the answer. */
async function stopContainer(id: string): Promise<number> {
  const sent = performance.now();
  await call<ContainerStopResponse>('DELETE', `/api/v1/containers/${id}?drainTimeoutMs=0`, undefined, 60_000);
  return performance.now() - sent;
}

interface StartTiming {
  id: string;
  /** POST sent → 201 received. */
  postMs: number;
  /** POST sent → first poll showing ready:true received. */
  readyMs: number;
}

/**
 * Sends `count` POSTs at once and polls GET /api/v1/containers every POLL_MS from the moment they are
 * sent; each container's time is when the first answer showing it ready arrived.
 */
async function startAndTime(count: number): Promise<StartTiming[]> {
  const sent = performance.now();
  const started: Array<ContainerStartResponse & { postMs: number }> = [];
  let postFailure: string | undefined;
  const posts = Promise.all(
    Array.from({ length: count }, () =>
      startContainer().then((answer) => {
        started.push({ ...answer, postMs: performance.now() - sent });
      }),
    ),
  ).catch((error: unknown) => {
    postFailure = error instanceof Error ? error.message : JSON.stringify(error);
  });
  const readyAt = new Map<string, number>();
  for (;;) {
    assertDaemonsUp();
    const polledAt = performance.now();
    const { containers } = await call<ContainerListResponse>('GET', `/api/v1/containers?vm=${AGENT_ID}`, undefined, 5000);
    const answeredAt = performance.now();
    for (const c of containers) if (c.ready && !readyAt.has(c.id)) readyAt.set(c.id, answeredAt - sent);
    if (postFailure !== undefined) {
      await posts;
      throw new Error(`starting a container failed: ${postFailure}`);
    }
    if (started.length === count && started.every((s) => readyAt.has(s.containerId))) break;
    if (answeredAt - sent > READY_DEADLINE_MS) {
      const lateOnes = started.filter((s) => !readyAt.has(s.containerId));
      const late = lateOnes.map((s) => s.name);
      throw new Error(
        `after ${READY_DEADLINE_MS} ms: ${started.length}/${count} POSTs answered, not ready: ${late.join(', ') || '(none answered yet)'}\n` +
          `GET /api/v1/containers: ${JSON.stringify(containers)}\nagent log (warnings, and lines about those containers):\n${agentLogExcerpt([...late, ...lateOnes.map((s) => s.containerId.slice(0, 12))])}`,
      );
    }
    await sleep(Math.max(0, POLL_MS - (performance.now() - polledAt)));
  }
  return started.map((s) => ({ id: s.containerId, postMs: s.postMs, readyMs: readyAt.get(s.containerId)! }));
}

// ---- figures ----

/** Quantile with linear interpolation between closest ranks (numpy's default). */
function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const ms = (n: number): string => `${Math.round(n)} ms`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function dockerVersion(): string {
  const result = spawnSync('docker', ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'], { encoding: 'utf8', timeout: 15_000 });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

// ---- the run ----

async function waitForVm(vim: VimProcess, vmm: Daemon): Promise<VmView> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!vmm.running) throw new Error(`acs-vmm ${AGENT_ID} exited before joining:\n${vmm.stderr.slice(-2000)}${vmm.stdout.slice(-2000)}`);
    const { vms } = await getJson<VmListResponse>(`${vim.api}/api/v1/vms`).catch(() => ({ vms: [] as VmView[] }));
    const vm = vms.find((v) => v.id === AGENT_ID && v.status === 'ready');
    if (vm) return vm;
    if (Date.now() > deadline) throw new Error(`acs-vmm ${AGENT_ID} did not join the VIM within 20 s:\n${vmm.stdout.slice(-2000)}${vmm.stderr.slice(-2000)}`);
    await sleep(50);
  }
}

let vmmDaemon: Daemon | undefined;

/** What the agent logged at warn and above, and about the given containers (names or short ids): context for a failure. */
function agentLogExcerpt(names: string[]): string {
  const lines = (vmmDaemon?.logs ?? []).filter(
    (l) => l.level === 'warn' || l.level === 'error' || l.level === 'fatal' || names.some((n) => JSON.stringify(l).includes(n)),
  );
  return lines.slice(-20).map((l) => `  ${JSON.stringify(l)}`).join('\n');
}

/** Fails at once, with what the daemon said, when the VIM or the agent has exited. */
function assertDaemonsUp(): void {
  for (const daemon of daemons) {
    if (daemon.running) continue;
    const code = daemon.child.exitCode ?? daemon.child.signalCode;
    throw new Error(`${daemon.name} exited (${code}) during the run; its stderr:\n${daemon.stderr.slice(-3000) || '(empty)'}\nits last log lines:\n${daemon.stdout.trim().split('\n').slice(-5).join('\n')}`);
  }
}

async function main(): Promise<void> {
  const vim = await startVimProcess(group, { dataDir, args: ['--report-interval-ms', String(REPORT_INTERVAL_MS)] });
  daemons.push(vim.daemon);
  api = vim.api;
  const vmm = startVmmProcess(group, vim, AGENT_ID, VMM_ARGS);
  daemons.push(vmm);
  vmmDaemon = vmm;
  await waitForVm(vim, vmm);

  console.log(`bench:containers — Node ${process.version}, ${availableParallelism()} CPUs, Docker Engine ${dockerVersion()}`);
  console.log(`acs-vim --report-interval-ms ${REPORT_INTERVAL_MS}; acs-vmm --agent-id ${AGENT_ID} ${VMM_ARGS.join(' ')} --front-listen 127.0.0.1:0`);
  console.log("container: the service's default template (acs-workload:latest, 0.5 CPU, 256 MiB), POST body {}");
  console.log(`ready = POST sent → first GET /api/v1/containers (polled every ${POLL_MS} ms) answering ready:true`);
  console.log('');

  // One start first, not counted: the first container on a fresh agent pays one-off costs (image layers, first Docker calls).
  const [warm] = await startAndTime(1);
  const warmStop = await stopContainer(warm!.id);
  console.log(`warm-up (not counted): ready ${ms(warm!.readyMs)}, stop ${ms(warmStop)}`);

  const one: StartTiming[] = [];
  const stops: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [timing] = await startAndTime(1);
    one.push(timing!);
    stops.push(await stopContainer(timing!.id));
  }
  // An array, not a Map: `npm run bench:*` runs through ts-node with the root tsconfig.json, which sets
  // no target, so TypeScript's ES5 default applies and for-of over a Map would silently see nothing.
  const batches: Array<{ size: number; timings: StartTiming[]; stopAllMs: number }> = [];
  for (const size of BATCHES) {
    const timings = await startAndTime(size);
    const stopSent = performance.now();
    await Promise.all(timings.map((t) => stopContainer(t.id)));
    batches.push({ size, timings, stopAllMs: performance.now() - stopSent });
  }

  const oneReady = one.map((t) => t.readyMs);
  const oneMedian = quantile(oneReady, 0.5);
  const rows: string[][] = [
    [
      `1 at a time (×${RUNS})`,
      ms(oneMedian),
      ms(quantile(oneReady, 0.9)),
      ms(Math.max(...oneReady)),
      ms(quantile(one.map((t) => t.postMs), 0.5)),
      `median < ${ms(GOAL_ONE_MEDIAN_MS)}`,
      oneMedian < GOAL_ONE_MEDIAN_MS ? 'met' : 'MISSED',
      `${ms(DOCKER_ONE_MEDIAN_MS)} median`,
    ],
  ];
  let eightAll = Number.NaN;
  for (const { size, timings } of batches) {
    const ready = timings.map((t) => t.readyMs);
    const all = Math.max(...ready);
    if (size === 8) eightAll = all;
    rows.push([
      `${size} at once`,
      ms(quantile(ready, 0.5)),
      '-',
      ms(all),
      ms(quantile(timings.map((t) => t.postMs), 0.5)),
      size === 8 ? `all < ${ms(GOAL_EIGHT_ALL_MS)}` : '-',
      size === 8 ? (all < GOAL_EIGHT_ALL_MS ? 'met' : 'MISSED') : '-',
      size === 8 ? `≈${ms(DOCKER_EIGHT_ALL_MS)} all` : '-',
    ]);
  }
  console.log('');
  console.log('start → ready (max = until all of the batch are ready; POST→201 = create + start + inspect on the agent)');
  console.log(table(['case', 'median', 'p90', 'max', 'POST→201 median', 'goal', 'verdict', 'Docker alone'], rows));
  console.log('');
  const stopRows = [[`1 at a time (×${RUNS})`, ms(quantile(stops, 0.5)), ms(quantile(stops, 0.9)), ms(Math.max(...stops))]];
  for (const { size, stopAllMs } of batches) stopRows.push([`${size} at once (until all answered)`, '-', '-', ms(stopAllMs)]);
  console.log('stop: DELETE /api/v1/containers/<id>?drainTimeoutMs=0 → answer (drain, docker stop -t 2, remove)');
  console.log(table(['case', 'median', 'p90', 'max'], stopRows));
  console.log('');
  console.log('percentiles interpolate between closest ranks; "Docker alone" = create+start+first 200 measured on this machine without ACS');
  console.log(
    `result: one-at-a-time median ${ms(oneMedian)} (goal < ${ms(GOAL_ONE_MEDIAN_MS)}: ${oneMedian < GOAL_ONE_MEDIAN_MS ? 'met' : 'missed'}), ` +
      `8 at once all ready in ${ms(eightAll)} (goal < ${ms(GOAL_EIGHT_ALL_MS)}: ${eightAll < GOAL_EIGHT_ALL_MS ? 'met' : 'missed'})`,
  );

  assertDaemonsUp();
  await cleanup();
}

function sleep(msToWait: number): Promise<void> {
  return new Promise((r) => setTimeout(r, msToWait));
}

void main().then(
  () => finish(0),
  (error: unknown) => finish(1, `bench:containers failed: ${error instanceof Error ? error.message : String(error)}`),
);
