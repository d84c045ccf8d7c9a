/**
 * npm run bench:proxy
 *
 * What our two proxy tiers cost next to nginx, and how close 20 ms work gets to the CPU limit. Starts one
 * real acs-vim and one real acs-vmm on the local Docker Engine, one web-server container (workMs 0, the
 * template's 0.5 CPU) through the admin API, and nginx (Debian package) as our own child process with a
 * temporary prefix and config, listening on 127.0.0.1 only. Then, with wrk (Debian package), all on
 * 127.0.0.1, zero-work requests (/work?ms=0) with the same wrk command line each time:
 *   (a) direct to the container's published port (hostPort from the API);
 *   (b) through the VMM front (tier 2 only; vms[].front.port from GET /api/v1/vms);
 *   (c) through the VIM traffic front (tier 1, --http-listen) and so the VMM front (both tiers);
 *   (d) through nginx, a one-tier reverse proxy to the container with upstream keep-alive;
 * and then (e) 20 ms-work requests (/work?ms=20) through both tiers against TWO such containers on the
 * same agent, against the physical limit of 2 × 0.5 CPU ÷ 20 ms = 50 req/s, at 4 connections and, as (e'),
 * at 8. Every daemon setting is the
 * shipped default (tier 2: `auto`, a container may hold what it completes in 5 ms, 2 to 16, the rest
 * queued: 2 for the 20 ms work, up to 16 for zero-work requests).
 *
 * Goals: (c)/(d) ≥ 0.35 in req/s; (e) ≥ 90 % of 50 req/s with p99 under 200 ms (10 × the work).
 *
 * Each row also prints CPU µs per request of acs-vim, acs-vmm and nginx (their CPU time from /proc over the
 * run ÷ requests wrk completed). On a shared machine req/s and the ratio swing with other load; CPU per
 * request swings much less, and is the number to drive down. `npm run bench:proxy-profile` shows where
 * it goes.
 *
 * Bounded: every wrk run is -d<seconds> and killed if it overruns, every wait has a deadline, and the
 * whole run an 8-minute limit (installing wrk and nginx, when needed, has its own). Every process it starts
 * (daemons, wrk, nginx) and every container its agent starts (label acs.vmm=<this run's agent id>) is
 * removed on the way out, pass, fail, time limit or Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BalancerSettings, ContainerListResponse, ContainerStartResponse, ContainerView, VmListResponse, VmView } from '@acs/api-types';
import { getJson, startVimProcess, startVmmProcess, type VimProcess } from '../test/support/lab';
import { ProcessGroup, type Daemon } from '../test/support/processes';
import { runWrk, wrkArgs, wrkVersion, type WrkResult } from './support/wrk';
import { boundRun } from './support/run-bounds';
import { apiCall } from './support/api';
import { removeAgentContainers, removeAgentContainersSync } from './support/own-containers';
import { cpuSeconds } from './support/process-cpu';

if (process.argv.length > 2) {
  console.error('usage: npm run bench:proxy (no options: every figure uses the same fixed wrk settings)');
  process.exit(2);
}

const TIME_LIMIT_MS = 8 * 60_000;
const INSTALL_LIMIT_MS = 4 * 60_000;
/** The zero-work comparison (a)–(d). */
const ZERO = { connections: 32, seconds: 8, path: '/work?ms=0' } as const;
/**
 * The 20 ms run (e): 4 connections, one per tier-2 slot (2 containers × 2 in flight, where `auto` holds
 * CPU-bound containers), enough to keep both
 * containers at their CPU limit without a queue. (e') repeats it at 8, where half the requests also wait
 * in tier 2: by Little's law that alone puts the mean near 8 ÷ 50 req/s = 160 ms, so its p99 measures the
 * queue length wrk chose rather than what the tiers add.
 */
const WORK = { connections: 4, queuedConnections: 8, seconds: 15, path: '/work?ms=20', workMs: 20, containers: 2, cpus: 0.5 } as const;
const LIMIT_RPS = (WORK.containers * WORK.cpus * 1000) / WORK.workMs;
const WARMUP_SECONDS = 2;
/** wrk's default (2 s) would turn a request queued in tier 2 into a socket error; here it stays a latency. */
const WRK_TIMEOUT = '10s';
const GOAL_C_OVER_D = 0.35;
const GOAL_E_SHARE = 0.9;
const GOAL_E_P99_MS = 10 * WORK.workMs;
const AGENT_ID = `bench-px-${process.pid}`;
const NAME = 'bench:proxy';

// ---- wrk and nginx: there, or installed from Debian when we are root ----

/** The nginx binary (root's PATH has /usr/sbin, a user's often not) and its version line. */
function findNginx(): { bin: string; version: string } | undefined {
  for (const bin of ['nginx', '/usr/sbin/nginx']) {
    const result = spawnSync(bin, ['-v'], { encoding: 'utf8', timeout: 10_000 });
    if (result.error || result.status !== 0) continue;
    return { bin, version: /nginx\/\S+/.exec(`${result.stdout}${result.stderr}`)?.[0] ?? 'nginx' };
  }
  return undefined;
}

function ensureTools(): { wrk: string; nginx: { bin: string; version: string } } {
  let wrk = wrkVersion();
  let nginx = findNginx();
  if (wrk && nginx) return { wrk, nginx };
  const missing = [...(wrk ? [] : ['wrk']), ...(nginx ? [] : ['nginx'])];
  if (process.getuid?.() !== 0) {
    console.error(`${NAME} needs ${missing.join(' and ')}, not installed. Install the Debian package(s) first:\n  sudo apt-get install -y ${[...(wrk ? [] : ['wrk']), ...(nginx ? [] : ['nginx-light'])].join(' ')}\n(nginx-light or nginx: either will do; the benchmark runs its own nginx, the system service is not used)`);
    process.exit(1);
  }
  const started = Date.now();
  const apt = (args: string[]): boolean => {
    const left = INSTALL_LIMIT_MS - (Date.now() - started);
    if (left <= 0) return false;
    console.error(`${NAME}: ${missing.join(' and ')} missing; running apt-get ${args.join(' ')}`);
    // apt's chatter goes to stderr, so stdout stays the report.
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], timeout: left, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return result.status === 0;
  };
  const install = (pkg: string): boolean => apt(['install', '-y', pkg]);
  let updated = false;
  const installWithUpdate = (pkgs: string[]): boolean => {
    for (const pkg of pkgs) if (install(pkg)) return true;
    if (!updated) {
      updated = true;
      if (!apt(['update'])) return false;
      for (const pkg of pkgs) if (install(pkg)) return true;
    }
    return false;
  };
  if (!wrk && !installWithUpdate(['wrk'])) {
    console.error(`${NAME}: could not install wrk with apt-get; install it (apt-get install -y wrk) and run again`);
    process.exit(1);
  }
  if (!nginx && !installWithUpdate(['nginx-light', 'nginx'])) {
    console.error(`${NAME}: could not install nginx with apt-get; install it (apt-get install -y nginx-light, or nginx) and run again`);
    process.exit(1);
  }
  wrk = wrkVersion();
  nginx = findNginx();
  if (!wrk || !nginx) {
    console.error(`${NAME}: apt-get reported success but ${wrk ? 'nginx' : 'wrk'} still does not run`);
    process.exit(1);
  }
  return { wrk, nginx };
}

const TOOLS = ensureTools();

// ---- processes and containers this run owns, and their removal whatever happens ----

const group = new ProcessGroup();
const daemons: Daemon[] = [];
/** Arrays, not Sets: ts-node runs this with TypeScript's ES5 default target, where for-of over a Set sees nothing. */
const wrkChildren: ChildProcess[] = [];
let nginxChild: ChildProcess | undefined;
/** nginx's worker pids, read from /proc when it started: killed by id if the master cannot take them with it. */
let nginxWorkers: number[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-proxy-'));
const nginxDir = mkdtempSync(join(tmpdir(), 'acs-bench-nginx-'));

function running(child: ChildProcess | undefined): boolean {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM (nginx's fast shutdown: the master stops its workers), SIGKILL after 5 s, then any worker left, by pid. */
async function stopNginx(): Promise<void> {
  const child = nginxChild;
  if (child && running(child)) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
  for (const pid of nginxWorkers) if (existsSync(`/proc/${pid}`)) killPid(pid, 'SIGKILL');
}

let cleaning: Promise<void> | undefined;
/** Kills wrk, stops nginx and the daemons (SIGTERM, SIGKILL after a few seconds), then removes every container labelled with this run's agent id. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of wrkChildren) if (running(child)) child.kill('SIGKILL');
    await stopNginx();
    await group.cleanup();
    let removed = await removeAgentContainers([AGENT_ID]);
    // A create that was in flight in dockerd when the agent went can still land: look twice.
    await sleep(300);
    removed += await removeAgentContainers([AGENT_ID]);
    if (removed > 0) console.error(`cleanup: removed ${removed} container(s) labelled acs.vmm=${AGENT_ID}`);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(nginxDir, { recursive: true, force: true });
  })();
  return cleaning;
}

/** Last resort when the process exits without the async cleanup having finished. */
process.on('exit', () => {
  for (const child of wrkChildren) if (running(child)) child.kill('SIGKILL');
  if (nginxChild && running(nginxChild)) nginxChild.kill('SIGTERM');
  for (const pid of nginxWorkers) if (existsSync(`/proc/${pid}`)) killPid(pid, 'SIGKILL');
  for (const daemon of daemons) if (daemon.running) daemon.child.kill('SIGKILL');
  removeAgentContainersSync([AGENT_ID]);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(nginxDir, { recursive: true, force: true });
});

const finish = boundRun(NAME, TIME_LIMIT_MS, cleanup);

/** Fails at once, with what the daemon said, when the VIM or the agent has exited. */
function assertUp(...which: Daemon[]): void {
  for (const daemon of which) {
    if (daemon.running) continue;
    const code = daemon.child.exitCode ?? daemon.child.signalCode;
    throw new Error(`${daemon.name} exited (${code}) during the run; its stderr:\n${daemon.stderr.slice(-3000) || '(empty)'}\nits last log lines:\n${daemon.stdout.trim().split('\n').slice(-5).join('\n')}`);
  }
}

function assertNginxUp(): void {
  if (running(nginxChild)) return;
  throw new Error(`nginx exited (${nginxChild?.exitCode ?? nginxChild?.signalCode}) during the run; its error log:\n${readText(join(nginxDir, 'error.log')).slice(-3000)}`);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '(none)';
  }
}

// ---- admin API ----


async function waitForVm(vim: VimProcess, vmm: Daemon): Promise<VmView & { front: { host: string; port: number } }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    assertUp(vim.daemon, vmm);
    const { vms } = await getJson<VmListResponse>(`${vim.api}/api/v1/vms`).catch(() => ({ vms: [] as VmView[] }));
    const vm = vms.find((v) => v.id === AGENT_ID && v.status === 'ready');
    if (vm?.front) return { ...vm, front: vm.front };
    if (Date.now() > deadline) throw new Error(`acs-vmm ${AGENT_ID} did not join the VIM within 20 s:\n${vmm.stdout.slice(-2000)}${vmm.stderr.slice(-2000)}`);
    await sleep(50);
  }
}

async function listContainers(vim: VimProcess): Promise<ContainerView[]> {
  return (await apiCall<ContainerListResponse>(vim.api, 'GET', `/api/v1/containers?vm=${AGENT_ID}`, undefined, 5000)).containers;
}

/** Starts a container with workMs 0 (cpus: the template's default) and waits until the VIM sees it ready. */
async function startReadyContainer(vim: VimProcess, vmm: Daemon): Promise<ContainerStartResponse> {
  const started = await apiCall<ContainerStartResponse>(vim.api, 'POST', `/api/v1/vms/${AGENT_ID}/containers`, { workMs: 0 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    assertUp(vim.daemon, vmm);
    const containers = await listContainers(vim);
    if (containers.some((c) => c.id === started.containerId && c.ready && !c.draining)) return started;
    if (Date.now() > deadline) throw new Error(`container ${started.name} not ready within 30 s; GET /api/v1/containers: ${JSON.stringify(containers)}`);
    await sleep(50);
  }
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, text: await response.text() };
}

async function expectOk(url: string): Promise<void> {
  const { status, text } = await get(url);
  if (status !== 200) throw new Error(`GET ${url} → ${status}: ${text}`);
}

/** Polls `url` until it answers 200 (bounded); `check` says why to give up early (a process that died). */
async function waitForOk(url: string, timeoutMs: number, check: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    check();
    try {
      const { status, text } = await get(url);
      if (status === 200) return;
      last = `${status}: ${text}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`GET ${url} did not answer 200 within ${timeoutMs} ms; last: ${last}`);
    await sleep(50);
  }
}

// ---- nginx ----

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function nginxConf(listenPort: number, upstreamPort: number): string {
  const d = nginxDir;
  return `worker_processes 1;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    client_body_temp_path ${d}/client_body;
    proxy_temp_path ${d}/proxy;
    fastcgi_temp_path ${d}/fastcgi;
    uwsgi_temp_path ${d}/uwsgi;
    scgi_temp_path ${d}/scgi;
    upstream container {
        server 127.0.0.1:${upstreamPort};
        keepalive 64;
    }
    server {
        listen 127.0.0.1:${listenPort};
        location / {
            proxy_pass http://container;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`;
}

function nginxArgs(): string[] {
  // -e: the error log in the prefix from the very start (nginx opens its compiled-in one before reading the config otherwise).
  return ['-p', `${nginxDir}/`, '-c', join(nginxDir, 'nginx.conf'), '-e', join(nginxDir, 'error.log'), '-g', 'daemon off;'];
}

/** Starts nginx as our child, on a free loopback port (a few tries, in case another process takes the port first), and waits until it proxies. */
async function startNginx(upstreamPort: number): Promise<{ port: number; conf: string }> {
  // Workers run as an unprivileged user when we are root: let them into the prefix (nothing secret in it).
  chmodSync(nginxDir, 0o755);
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const conf = nginxConf(port, upstreamPort);
    writeFileSync(join(nginxDir, 'nginx.conf'), conf);
    if (attempt === 1) {
      const checked = spawnSync(TOOLS.nginx.bin, [...nginxArgs().slice(0, 6), '-t'], { encoding: 'utf8', timeout: 10_000 });
      if (checked.status !== 0) throw new Error(`nginx -t rejects the config:\n${checked.stderr}${checked.stdout}\n${conf}`);
    }
    const child = spawn(TOOLS.nginx.bin, nginxArgs(), { stdio: ['ignore', 'pipe', 'pipe'] });
    nginxChild = child;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (output += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (output += t));
    child.once('error', (error) => (output += `spawn error: ${error.message}`));
    try {
      await waitForOk(`http://127.0.0.1:${port}${ZERO.path}`, 10_000, assertNginxUp);
      nginxWorkers = childPids(child.pid!);
      return { port, conf };
    } catch (error) {
      lastError = `${error instanceof Error ? error.message : String(error)}\n${output}${readText(join(nginxDir, 'error.log')).slice(-2000)}`;
      await stopNginx();
      nginxChild = undefined;
    }
  }
  throw new Error(`nginx did not start after 3 tries: ${lastError}`);
}

function childPids(pid: number): number[] {
  const text = readText(`/proc/${pid}/task/${pid}/children`);
  return text.split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
}

// ---- wrk ----

function fmtMs(n: number): string {
  return n < 10 ? `${n.toFixed(2)} ms` : n < 100 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

function table(header: string[], rows: string[][], leftColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---- the run ----

interface Measured {
  key: 'a' | 'b' | 'c' | 'd' | 'e' | "e'";
  label: string;
  url: string;
  connections: number;
  seconds: number;
  result: WrkResult;
  /** CPU used during the run, in % of one core: VIM, VMM, nginx (master + worker). */
  cpuPct: { vim: number; vmm: number; nginx: number };
  /**
   * CPU time per request served, in µs: VIM, VMM, nginx. Far steadier than req/s on a shared machine (other
   * load slows a request down but hardly changes the CPU it takes), so the number to drive down.
   */
  cpuUsPerRequest: { vim: number; vmm: number; nginx: number };
}

async function main(): Promise<void> {
  const vim = await startVimProcess(group, { dataDir });
  daemons.push(vim.daemon);
  const vmm = startVmmProcess(group, vim, AGENT_ID);
  daemons.push(vmm);
  const vm = await waitForVm(vim, vmm);
  const first = await startReadyContainer(vim, vmm);

  const direct = `http://127.0.0.1:${first.hostPort}`;
  const front = `http://127.0.0.1:${vm.front.port}`;
  const tier1 = `http://127.0.0.1:${vim.httpPort}`;
  await expectOk(`${direct}${ZERO.path}`);
  await expectOk(`${front}${ZERO.path}`);
  // Tier 1 reads the cluster view the API just showed; still, wait for its first 200 rather than assume it.
  await waitForOk(`${tier1}${ZERO.path}`, 10_000, () => assertUp(vim.daemon, vmm));
  const nginx = await startNginx(first.hostPort);
  const viaNginx = `http://127.0.0.1:${nginx.port}`;
  const balancer = await apiCall<BalancerSettings>(vim.api, 'GET', '/api/v1/balancer');

  console.log(`${NAME} — Node ${process.version}, ${availableParallelism()} CPUs, ${TOOLS.wrk}, ${TOOLS.nginx.version}`);
  console.log(`acs-vim pid ${vim.daemon.child.pid}: tier-1 front ${tier1} (policy ${balancer.policy}, slow start ${balancer.slowStartMs} ms), admin ${vim.api}`);
  console.log(`acs-vmm pid ${vmm.child.pid} (${AGENT_ID}, every setting default): tier-2 front ${front}`);
  console.log(`container ${first.name} (acs-workload:latest, workMs 0, template default 0.5 CPU) on ${direct}`);
  console.log(`nginx pid ${nginxChild?.pid} (workers ${nginxWorkers.join(', ') || '?'}) on ${viaNginx} → ${direct}`);
  console.log('');

  const pidsOf = (): { vim: number[]; vmm: number[]; nginx: number[] } => ({
    vim: [vim.daemon.child.pid!],
    vmm: [vmm.child.pid!],
    nginx: [nginxChild!.pid!, ...nginxWorkers],
  });
  const measure = async (key: Measured['key'], label: string, url: string, connections: number, seconds: number): Promise<Measured> => {
    assertUp(vim.daemon, vmm);
    assertNginxUp();
    const pids = pidsOf();
    const before = { vim: cpuSeconds(...pids.vim), vmm: cpuSeconds(...pids.vmm), nginx: cpuSeconds(...pids.nginx) };
    const startedAt = Date.now();
    const result = await runWrk(url, { connections, seconds, timeout: WRK_TIMEOUT }, wrkChildren);
    const wall = (Date.now() - startedAt) / 1000;
    const pct = (now: number, then: number): number => (100 * (now - then)) / wall;
    const after = { vim: cpuSeconds(...pids.vim), vmm: cpuSeconds(...pids.vmm), nginx: cpuSeconds(...pids.nginx) };
    const cpuPct = { vim: pct(after.vim, before.vim), vmm: pct(after.vmm, before.vmm), nginx: pct(after.nginx, before.nginx) };
    const perRequest = (now: number, then: number): number => (1e6 * (now - then)) / Math.max(1, result.requests);
    const cpuUsPerRequest = { vim: perRequest(after.vim, before.vim), vmm: perRequest(after.vmm, before.vmm), nginx: perRequest(after.nginx, before.nginx) };
    assertUp(vim.daemon, vmm);
    console.log(
      `  (${key}) ${label.padEnd(34)} ${String(Math.round(result.okPerSecond)).padStart(6)} req/s, p50 ${fmtMs(result.p50Ms)}, p99 ${fmtMs(result.p99Ms)}` +
        `${result.non2xx + result.socketErrors > 0 ? `, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors` : ''}`,
    );
    return { key, label, url, connections, seconds, result, cpuPct, cpuUsPerRequest };
  };

  // Warms up the JIT in both fronts, the container and nginx; not reported.
  console.log(`warm-up: ${WARMUP_SECONDS} s through both tiers and ${WARMUP_SECONDS} s through nginx, not counted`);
  await runWrk(`${tier1}${ZERO.path}`, { connections: ZERO.connections, seconds: WARMUP_SECONDS, timeout: WRK_TIMEOUT }, wrkChildren);
  await runWrk(`${viaNginx}${ZERO.path}`, { connections: ZERO.connections, seconds: WARMUP_SECONDS, timeout: WRK_TIMEOUT }, wrkChildren);

  const measured: Measured[] = [];
  measured.push(await measure('a', 'direct to the container', `${direct}${ZERO.path}`, ZERO.connections, ZERO.seconds));
  measured.push(await measure('b', 'VMM front (tier 2)', `${front}${ZERO.path}`, ZERO.connections, ZERO.seconds));
  measured.push(await measure('c', 'VIM front → VMM front (both tiers)', `${tier1}${ZERO.path}`, ZERO.connections, ZERO.seconds));
  measured.push(await measure('d', 'nginx (one tier, keep-alive)', `${viaNginx}${ZERO.path}`, ZERO.connections, ZERO.seconds));

  // (e): a second container on the same agent, then 20 ms work through both tiers.
  const second = await startReadyContainer(vim, vmm);
  await expectOk(`http://127.0.0.1:${second.hostPort}${ZERO.path}`);
  console.log(`(e) second container ${second.name} on 127.0.0.1:${second.hostPort}; warm-up ${WARMUP_SECONDS} s of ${WORK.path} through both tiers, not counted`);
  await runWrk(`${tier1}${WORK.path}`, { connections: WORK.connections, seconds: WARMUP_SECONDS, timeout: WRK_TIMEOUT }, wrkChildren);
  // Both containers have to be in the VMM's report before and after for the per-container split.
  await sleep(1500);
  const countsBefore = await listContainers(vim);
  const e = await measure('e', `${WORK.containers} containers, ${WORK.workMs} ms work, both tiers`, `${tier1}${WORK.path}`, WORK.connections, WORK.seconds);
  measured.push(e);
  await sleep(1500);
  const countsAfter = await listContainers(vim);
  measured.push(await measure("e'", `the same with ${WORK.queuedConnections} connections (queued in tier 2)`, `${tier1}${WORK.path}`, WORK.queuedConnections, WORK.seconds));
  const split = [first, second].map((c) => {
    const before = countsBefore.find((v) => v.id === c.containerId)?.requestsTotal ?? NaN;
    const after = countsAfter.find((v) => v.id === c.containerId)?.requestsTotal ?? NaN;
    return `${c.name}: ${after - before}`;
  });

  const by = (key: Measured['key']): Measured => measured.find((m) => m.key === key)!;
  const rps = (key: Measured['key']): number => by(key).result.okPerSecond;
  const ratio = (top: Measured['key'], bottom: Measured['key']): number => rps(top) / rps(bottom);
  const rows = measured.map((m) => [
    `(${m.key})`,
    m.label,
    m.url,
    `-c${m.connections} -d${m.seconds}s`,
    String(Math.round(m.result.okPerSecond)),
    m.key.startsWith('e') ? `${((100 * m.result.okPerSecond) / LIMIT_RPS).toFixed(1)} % of ${LIMIT_RPS}` : '',
    fmtMs(m.result.p50Ms),
    fmtMs(m.result.p99Ms),
    String(m.result.non2xx),
    String(m.result.socketErrors),
    `${Math.round(m.cpuPct.vim)} / ${Math.round(m.cpuPct.vmm)} / ${Math.round(m.cpuPct.nginx)}`,
    `${Math.round(m.cpuUsPerRequest.vim)} / ${Math.round(m.cpuUsPerRequest.vmm)} / ${Math.round(m.cpuUsPerRequest.nginx)}`,
  ]);

  const cOverD = ratio('c', 'd');
  const eShare = e.result.okPerSecond / LIMIT_RPS;
  const eErrors = e.result.non2xx + e.result.socketErrors;
  const goalC = cOverD >= GOAL_C_OVER_D;
  const goalE = eShare >= GOAL_E_SHARE && e.result.p99Ms < GOAL_E_P99_MS;

  console.log('');
  console.log('req/s = successful (2xx) responses a second; socket errors include wrk timeouts (10 s); CPU = % of one core during the run, acs-vim / acs-vmm / nginx (master + worker); CPU µs/req = CPU time of each ÷ requests wrk completed (a process not on the path still ticks a little)');
  console.log(table(['', 'path', 'url', 'wrk', 'req/s', 'of limit', 'p50', 'p99', 'non-2xx', 'socket err', 'CPU % vim/vmm/nginx', 'CPU µs/req vim/vmm/nginx'], rows, 4));
  console.log('');
  console.log(`ratios (req/s): (c)/(d) both tiers ÷ nginx = ${cOverD.toFixed(2)}   (b)/(a) tier 2 ÷ direct = ${ratio('b', 'a').toFixed(2)}   (c)/(b) both tiers ÷ tier 2 = ${ratio('c', 'b').toFixed(2)}   (d)/(a) nginx ÷ direct = ${ratio('d', 'a').toFixed(2)}`);
  console.log(`(e) requests per container during the run (VMM reports): ${split.join(', ')}`);
  console.log(
    `goals: (c)/(d) ≥ ${GOAL_C_OVER_D}: ${goalC ? 'MET' : 'MISSED'} (${cOverD.toFixed(2)});  ` +
      `(e) ≥ ${GOAL_E_SHARE * 100} % of ${LIMIT_RPS} req/s with p99 < ${GOAL_E_P99_MS} ms: ${goalE ? 'MET' : 'MISSED'} ` +
      `(${(eShare * 100).toFixed(1)} %, p99 ${fmtMs(e.result.p99Ms)}${eErrors > 0 ? `, ${eErrors} errors` : ''})`,
  );

  console.log('');
  console.log('commands and config:');
  console.log(`  acs-vim ${vim.daemon.child.spawnargs.slice(2).join(' ')}`);
  console.log(`  acs-vmm ${vmm.child.spawnargs.slice(2).join(' ')}`);
  console.log(`  POST ${vim.api}/api/v1/vms/${AGENT_ID}/containers {"workMs":0}   (twice for (e))`);
  for (const m of measured) console.log(`  (${m.key}) wrk ${wrkArgs(m.url, { connections: m.connections, seconds: m.seconds, timeout: WRK_TIMEOUT }).join(' ')}`);
  console.log(`  warm-ups: the same with -d${WARMUP_SECONDS}s, through ${tier1} and ${viaNginx} (and ${tier1}${WORK.path} -c${WORK.connections} before (e))`);
  console.log(`  nginx: ${TOOLS.nginx.bin} ${nginxArgs().map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`);
  console.log(`  ${join(nginxDir, 'nginx.conf')}:`);
  console.log(nginx.conf.trimEnd().split('\n').map((l) => `    ${l}`).join('\n'));
  await cleanup();
}

function sleep(msToWait: number): Promise<void> {
  return new Promise((r) => setTimeout(r, msToWait));
}

void main().then(
  () => finish(0),
  (error: unknown) => finish(1, `${NAME} failed: ${error instanceof Error ? error.message : String(error)}`),
);
