/**
 * npm run bench:tier2 [-- --seconds 8 --connections 32]
 *
 * What the tier-2 front costs. Starts one real acs-vim and one real acs-vmm on the local Docker Engine,
 * starts ONE web-server container through the admin API and waits until it is ready, then drives it
 * with wrk (Debian package `wrk`), all on 127.0.0.1:
 *   - directly, on the container's published port (hostPort from the API), and
 *   - through the VMM's front (vms[].front.port from GET /api/v1/vms),
 * for a 0 ms and a 20 ms CPU workload (/work?ms=N). Done three times, each time with a fresh agent: with
 * the front's default settings (`auto`: a container may hold what it completes in 5 ms, 2 to 16, the rest
 * queued: the product as shipped), with --max-inflight-per-container 2 (the fixed cap shipped before) and
 * with 32, so the table shows what each choice costs cheap and CPU-bound requests.
 *
 * Bounded: every wrk run is -d<seconds> and killed if it overruns, every wait has a deadline, and the
 * whole run a 7-minute limit (installing wrk, when needed, has its own). Every process it starts and
 * every container its agents start (label acs.vmm=<this run's agent ids>) is removed on the way out,
 * pass, fail, time limit or Ctrl-C.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ContainerListResponse, ContainerStartResponse, ContainerStopResponse, VmListResponse, VmView } from '@acs/api-types';
import { getJson, startVimProcess, startVmmProcess, type VimProcess } from '../test/support/lab';
import { ProcessGroup, type Daemon } from '../test/support/processes';
import { runWrk, wrkVersion, type WrkResult } from './support/wrk';
import { boundRun } from './support/run-bounds';
import { apiCall } from './support/api';
import { removeAgentContainers, removeAgentContainersSync } from './support/own-containers';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '32' } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
if (!Number.isInteger(SECONDS) || SECONDS < 1 || SECONDS > 20 || !Number.isInteger(CONNECTIONS) || CONNECTIONS < 1 || CONNECTIONS > 256) {
  console.error('usage: bench:tier2 -- [--seconds S (1–20, default 8)] [--connections C (1–256, default 32)]');
  process.exit(2);
}

const TIME_LIMIT_MS = 7 * 60_000;
const INSTALL_LIMIT_MS = 3 * 60_000;
const WARMUP_SECONDS = 2;
const REPORT_INTERVAL_MS = 100;
const WORKS_MS = [0, 20] as const;
const VMM_ARGS = ['--max-containers', '8', '--stop-grace-seconds', '2'];
const CONFIGS = [
  { key: 'default', label: 'default (auto)', args: [] as string[] },
  { key: 'cap2', label: 'cap 2', args: ['--max-inflight-per-container', '2'] },
  { key: 'cap32', label: 'cap 32', args: ['--max-inflight-per-container', '32'] },
] as const;
const agentIdOf = (key: string): string => `bench-t2-${process.pid}-${key}`;
const AGENT_IDS = CONFIGS.map((c) => agentIdOf(c.key));

// ---- wrk: there, or installed from Debian when we are root ----

function ensureWrk(): string {
  const present = wrkVersion();
  if (present) return present;
  if (process.getuid?.() !== 0) {
    console.error('bench:tier2 needs wrk, which is not installed. Install the Debian package first:\n  sudo apt-get install -y wrk');
    process.exit(1);
  }
  const apt = (args: string[]): boolean => {
    console.error(`bench:tier2: wrk is missing; running apt-get ${args.join(' ')}`);
    // apt's chatter goes to stderr, so stdout stays the table.
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], timeout: INSTALL_LIMIT_MS / 2, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return result.status === 0;
  };
  if (!apt(['install', '-y', 'wrk']) && !(apt(['update']) && apt(['install', '-y', 'wrk']))) {
    console.error('bench:tier2: could not install wrk with apt-get; install it (apt-get install -y wrk) and run again');
    process.exit(1);
  }
  const installed = wrkVersion();
  if (!installed) {
    console.error('bench:tier2: apt-get reported success but wrk still does not run');
    process.exit(1);
  }
  return installed;
}

const WRK = ensureWrk();

// ---- processes and containers this run owns, and their removal whatever happens ----

const group = new ProcessGroup();
const daemons: Daemon[] = [];
/** An array, not a Set: ts-node runs this with TypeScript's ES5 default target, where for-of over a Set sees nothing. */
const wrkChildren: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-tier2-'));

async function removeAllOwnContainers(): Promise<void> {
  let removed = await removeAgentContainers(AGENT_IDS);
  // A create that was in flight in dockerd when an agent went can still land: look twice.
  await sleep(300);
  removed += await removeAgentContainers(AGENT_IDS);
  if (removed > 0) console.error(`cleanup: removed ${removed} container(s) labelled acs.vmm=${AGENT_IDS.join('|')}`);
}

let cleaning: Promise<void> | undefined;
/** Kills wrk, stops the daemons (SIGTERM, SIGKILL after 3 s), then removes every container labelled with this run's agent ids. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of wrkChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await group.cleanup();
    await removeAllOwnContainers();
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}

/** Last resort when the process exits without the async cleanup having finished. */
process.on('exit', () => {
  for (const child of wrkChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const daemon of daemons) if (daemon.running) daemon.child.kill('SIGKILL');
  removeAgentContainersSync(AGENT_IDS);
  rmSync(dataDir, { recursive: true, force: true });
});

const finish = boundRun('bench:tier2', TIME_LIMIT_MS, cleanup);

/** Fails at once, with what the daemon said, when the VIM or an agent that should run has exited. */
function assertUp(...which: Daemon[]): void {
  for (const daemon of which) {
    if (daemon.running) continue;
    const code = daemon.child.exitCode ?? daemon.child.signalCode;
    throw new Error(`${daemon.name} exited (${code}) during the run; its stderr:\n${daemon.stderr.slice(-3000) || '(empty)'}\nits last log lines:\n${daemon.stdout.trim().split('\n').slice(-5).join('\n')}`);
  }
}

// ---- admin API ----


async function waitForVm(vim: VimProcess, vmm: Daemon, agentId: string): Promise<VmView & { front: { host: string; port: number } }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    assertUp(vim.daemon, vmm);
    const { vms } = await getJson<VmListResponse>(`${vim.api}/api/v1/vms`).catch(() => ({ vms: [] as VmView[] }));
    const vm = vms.find((v) => v.id === agentId && v.status === 'ready');
    if (vm?.front) return { ...vm, front: vm.front };
    if (Date.now() > deadline) throw new Error(`acs-vmm ${agentId} did not join the VIM within 20 s:\n${vmm.stdout.slice(-2000)}${vmm.stderr.slice(-2000)}`);
    await sleep(50);
  }
}

async function startReadyContainer(vim: VimProcess, vmm: Daemon, agentId: string): Promise<ContainerStartResponse> {
  const started = await apiCall<ContainerStartResponse>(vim.api, 'POST', `/api/v1/vms/${agentId}/containers`, { workMs: 0 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    assertUp(vim.daemon, vmm);
    const { containers } = await apiCall<ContainerListResponse>(vim.api, 'GET', `/api/v1/containers?vm=${agentId}`, undefined, 5000);
    if (containers.some((c) => c.id === started.containerId && c.ready)) return started;
    if (Date.now() > deadline) throw new Error(`container ${started.name} not ready within 30 s; GET /api/v1/containers: ${JSON.stringify(containers)}`);
    await sleep(20);
  }
}

async function expectOk(url: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} → ${response.status}: ${text}`);
}

// ---- wrk ----

// ---- figures ----

function fmtMs(n: number): string {
  return n < 10 ? `${n.toFixed(2)} ms` : n < 100 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i <= 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---- the run ----

interface Measured {
  config: string;
  target: 'direct' | 'front';
  workMs: number;
  result: WrkResult;
}

async function measureConfig(vim: VimProcess, config: (typeof CONFIGS)[number]): Promise<Measured[]> {
  const agentId = agentIdOf(config.key);
  const vmm = startVmmProcess(group, vim, agentId, [...VMM_ARGS, ...config.args]);
  daemons.push(vmm);
  const vm = await waitForVm(vim, vmm, agentId);
  const container = await startReadyContainer(vim, vmm, agentId);
  const direct = `http://127.0.0.1:${container.hostPort}`;
  const front = `http://127.0.0.1:${vm.front.port}`;
  await expectOk(`${direct}/work?ms=0`);
  await expectOk(`${front}/work?ms=0`);
  console.log(`[${config.label}] agent ${agentId} (${[...VMM_ARGS, ...config.args].join(' ')}): front ${front}, container ${container.name} on ${direct}`);

  // Warms up the JIT in the front and the container; not reported.
  await runWrk(`${front}/work?ms=0`, { connections: CONNECTIONS, seconds: WARMUP_SECONDS }, wrkChildren);
  const measured: Measured[] = [];
  for (const workMs of WORKS_MS) {
    for (const [target, base] of [['direct', direct], ['front', front]] as const) {
      assertUp(vim.daemon, vmm);
      const result = await runWrk(`${base}/work?ms=${workMs}`, { connections: CONNECTIONS, seconds: SECONDS }, wrkChildren);
      measured.push({ config: config.label, target, workMs, result });
      console.log(`  ${target.padEnd(6)} ms=${String(workMs).padEnd(2)}  ${Math.round(result.okPerSecond)} req/s, p50 ${fmtMs(result.p50Ms)}, p99 ${fmtMs(result.p99Ms)}`);
    }
  }
  assertUp(vim.daemon, vmm);

  // This agent is done: remove its container through the API, stop it, and sweep its label.
  await apiCall<ContainerStopResponse>(vim.api, 'DELETE', `/api/v1/containers/${container.containerId}?drainTimeoutMs=0`, undefined, 30_000);
  const killer = setTimeout(() => vmm.child.kill('SIGKILL'), 5000);
  await vmm.kill('SIGTERM');
  clearTimeout(killer);
  await removeAgentContainers([agentId]);
  return measured;
}

async function main(): Promise<void> {
  const vim = await startVimProcess(group, { dataDir, args: ['--report-interval-ms', String(REPORT_INTERVAL_MS)] });
  daemons.push(vim.daemon);
  console.log(`bench:tier2 — Node ${process.version}, ${availableParallelism()} CPUs, ${WRK}`);
  console.log(`wrk -t1 -c${CONNECTIONS} -d${SECONDS}s --latency --timeout 10s; ${WARMUP_SECONDS} s warm-up through the front per agent, not counted`);
  console.log("one container, the service's default template (acs-workload:latest, 0.5 CPU, 256 MiB) with workMs 0; requests: /work?ms=N");
  console.log('');

  const measured: Measured[] = [];
  for (const config of CONFIGS) measured.push(...(await measureConfig(vim, config)));

  const rows = measured.map((m) => {
    const direct = measured.find((d) => d.config === m.config && d.workMs === m.workMs && d.target === 'direct')!;
    return [
      m.config,
      m.target === 'direct' ? 'direct (container port)' : 'through the front',
      `${m.workMs} ms`,
      String(Math.round(m.result.okPerSecond)),
      fmtMs(m.result.p50Ms),
      fmtMs(m.result.p99Ms),
      String(m.result.non2xx),
      String(m.result.socketErrors),
      m.target === 'direct' ? '1.00' : (m.result.okPerSecond / direct.result.okPerSecond).toFixed(2),
      m.target === 'direct' ? '' : `${fmtMs(m.result.p50Ms - direct.result.p50Ms)}`,
    ];
  });
  console.log('');
  console.log('req/s = successful responses a second; socket errors include wrk timeouts (10 s); ratio = req/s ÷ direct req/s (same agent run, same work)');
  console.log(table(['agent front setting', 'target', 'work', 'req/s', 'p50', 'p99', 'non-2xx', 'socket errors', 'ratio', 'p50 − direct'], rows));
  const failed = measured.filter((m) => m.result.non2xx + m.result.socketErrors > 0);
  console.log('');
  console.log(failed.length === 0 ? 'result: every request answered 2xx' : `result: ${failed.length} run(s) had errors (see the non-2xx and socket errors columns)`);
  await cleanup();
}

function sleep(msToWait: number): Promise<void> {
  return new Promise((r) => setTimeout(r, msToWait));
}

void main().then(
  () => finish(0),
  (error: unknown) => finish(1, `bench:tier2 failed: ${error instanceof Error ? error.message : String(error)}`),
);
