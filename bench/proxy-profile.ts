/**
 * npm run bench:proxy-profile            (ACS_PROFILER=v8 npm run bench:proxy-profile for V8's sampler)
 *
 * Where the CPU of a request through both tiers goes. Starts one real acs-vim and one real acs-vmm, one
 * zero-work container through the admin API, drives /work?ms=0 through tier 1 with wrk (the bench:proxy
 * (c) settings: -c32, 12 s after a 2 s warm-up) and prints per process the CPU µs per request (from
 * /proc/<pid>/stat) and where it went:
 * - with `perf` installed and allowed: `perf record -e cpu-clock` on each daemon during the wrk run (CPU
 *   time only, kernel included; the daemons run with --perf-basic-prof so JIT-compiled functions have
 *   names), split by area (kernel, Node/V8 C++, V8 builtins, JIT-compiled JS, libc) and the top symbols;
 * - otherwise (or ACS_PROFILER=v8): V8's sampling profiler, started in each daemon by a preload
 *   (bench/support/cpu-profile-preload.js) and written when SIGTERM stops it, summarised as self time
 *   per function over the wrk run, grouped by where the code lives (ours, http-proxy, Node's http and
 *   net internals, GC, native). It samples on wall time: on a loaded machine, preemption inside a
 *   syscall is charged to that syscall.
 *
 * Bounded like the other benchmarks (run-bounds: 5-minute limit, clean-up on any exit); everything on
 * 127.0.0.1; the container carries this run's agent id label and is removed on the way out, and so are
 * the profiles and perf's /tmp/perf-<pid>.map files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVimProcess, startVmmProcess } from '../test/support/lab';
import { ProcessGroup, type Daemon } from '../test/support/processes';
import { boundRun } from './support/run-bounds';
import { runWrk } from './support/wrk';
import { startZeroWorkContainer } from './support/zero-work-stack';
import { removeAgentContainers } from './support/own-containers';
import { cpuSeconds } from './support/process-cpu';

const NAME = 'bench:proxy-profile';
const AGENT_ID = `bench-pp-${process.pid}`;
const RUN = { connections: 32, seconds: 12, warmupSeconds: 2, path: '/work?ms=0' } as const;
/** Sampling interval of the V8 profiler: fine enough for a ~100 µs request, coarse enough to cost little. */
const SAMPLE_US = 200;
const TOP = 30;

const group = new ProcessGroup();
const wrkChildren: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-pp-'));
const profileDir = mkdtempSync(join(tmpdir(), 'acs-bench-pp-prof-'));
/** For removing the daemons' perf map files. */
const daemonPids: number[] = [];

async function cleanup(): Promise<void> {
  for (const child of wrkChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await group.cleanup();
  await removeAgentContainers([AGENT_ID]);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
  for (const pid of daemonPids) rmSync(`/tmp/perf-${pid}.map`, { force: true });
}

const finish = boundRun(NAME, 5 * 60_000, cleanup);

/** SIGTERM and a long wait: the profile is written only on a clean exit, and the VMM drains its container first. */
async function stopForProfile(daemon: Daemon): Promise<void> {
  if (!daemon.running) return;
  daemon.child.kill('SIGTERM');
  const timer = setTimeout(() => daemon.child.kill('SIGKILL'), 30_000);
  await daemon.exited;
  clearTimeout(timer);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, for the one-line split. */
function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)') return name;
  if (url === '') return 'native (V8 builtins, C++)';
  if (url.includes('/http-proxy/')) return 'http-proxy';
  if (url.includes('/node_modules/')) return 'other dependencies';
  if (url.startsWith('node:')) return /node:(_http|http)/.test(url) ? 'node http' : /node:(net|stream|internal\/streams|internal\/stream_base)/.test(url) ? 'node net/streams' : 'node other';
  return 'our code';
}

/** Self time per function over the samples taken in [from, to] µs of the profile's clock. */
function summarise(profile: CpuProfile, fromUs: number, toUs: number): { total: number; byFunction: Array<[string, number]>; byArea: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < fromUs || t > toUs) continue;
    // A sample's time is the gap to the next one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + dt);
  }
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = area(url, functionName);
    if (where === '(idle)') continue;
    total += us;
    const file = url.replace(/^.*\/(node_modules|packages)\//, '').replace(/^file:\/\//, '');
    const key = `${functionName || '(anonymous)'}  ${file}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byArea.set(where, (byArea.get(where) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]);
  return { total, byFunction: sorted(byFunction), byArea: sorted(byArea) };
}

function readProfile(pid: number): CpuProfile {
  const file = readdirSync(profileDir).find((f) => f === `${pid}.cpuprofile`);
  if (!file) throw new Error(`no CPU profile from pid ${pid} in ${profileDir} (did it exit cleanly?)`);
  return JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
}

async function main(): Promise<void> {
  // Node refuses --cpu-prof in NODE_OPTIONS; the preload starts the same profiler through the inspector.
  // --perf-basic-prof: JIT-compiled functions get names in perf's view (/tmp/perf-<pid>.map, removed after).
  const env = {
    // One profiler at a time: V8's own sampler costs CPU that perf would count.
    NODE_OPTIONS: PERF ? '--perf-basic-prof' : `--require ${join(__dirname, 'support', 'cpu-profile-preload.js')}`,
    ACS_CPU_PROFILE_DIR: profileDir,
    ACS_CPU_PROFILE_INTERVAL_US: String(SAMPLE_US),
  };
  const vim = await startVimProcess(group, { dataDir, env });
  const vmm = startVmmProcess(group, vim, AGENT_ID, [], env);
  const tier1 = `http://127.0.0.1:${vim.httpPort}${RUN.path}`;
  await startZeroWorkContainer(vim, vmm, AGENT_ID, tier1, 30_000);

  await runWrk(tier1, { connections: RUN.connections, seconds: RUN.warmupSeconds }, wrkChildren);
  const pids = { 'acs-vim (tier 1)': vim.daemon.child.pid!, 'acs-vmm (tier 2)': vmm.child.pid! };
  daemonPids.push(...Object.values(pids));
  const cpuBefore = Object.values(pids).map((pid) => cpuSeconds(pid));
  // The profiles' clock is the monotonic one, in µs; process.hrtime is too.
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const perfRuns = PERF ? Object.values(pids).map((pid) => startPerf(pid)) : [];
  const result = await runWrk(tier1, { connections: RUN.connections, seconds: RUN.seconds }, wrkChildren);
  const toUs = Number(process.hrtime.bigint() / 1000n);
  await Promise.all(perfRuns.map((run) => run.done));
  const cpuAfter = Object.values(pids).map((pid) => cpuSeconds(pid));

  await stopForProfile(vmm);
  await stopForProfile(vim.daemon);

  console.log(`${NAME} — Node ${process.version}; wrk -c${RUN.connections} -d${RUN.seconds}s ${tier1}: ${result.requests} requests, ${Math.round(result.okPerSecond)} req/s, ` +
    `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${result.non2xx + result.socketErrors > 0 ? `, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors` : ''}`);
  Object.entries(pids).forEach(([name, pid], i) => {
    const cpuUs = ((cpuAfter[i]! - cpuBefore[i]!) * 1e6) / result.requests;
    console.log('');
    if (PERF) {
      console.log(`${name}, pid ${pid}: ${cpuUs.toFixed(0)} µs CPU a request (/proc)`);
      console.log(perfSummary(pid));
      return;
    }
    const { total, byFunction, byArea } = summarise(readProfile(pid), fromUs, toUs);
    const share = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
    const perRequest = (us: number): string => `${(us / result.requests).toFixed(1).padStart(6)} µs/req`;
    console.log(`${name}, pid ${pid}: ${cpuUs.toFixed(0)} µs CPU a request (/proc); profiled (non-idle) ${(total / 1000).toFixed(0)} ms = ${(total / result.requests).toFixed(1)} µs a request`);
    console.log(`  by area: ${byArea.map(([a, us]) => `${a} ${((100 * us) / total).toFixed(0)} %`).join(', ')}`);
    console.log(`  top ${TOP} functions by self time:`);
    for (const [key, us] of byFunction.slice(0, TOP)) console.log(`  ${share(us)} ${perRequest(us)}  ${key}`);
  });
  await cleanup();
}

// ---- perf: CPU time, not wall time ----
// V8's sampler ticks on wall time, so on a loaded machine a process preempted in a syscall gets the wait
// charged to that syscall (writev looks huge). perf's cpu-clock samples only when the process is on a CPU,
// and sees the kernel side too; used when perf is installed and allowed.

const PERF = process.env.ACS_PROFILER !== 'v8' && spawnSync('perf', ['stat', '-e', 'task-clock', 'true'], { encoding: 'utf8', timeout: 10_000 }).status === 0;

function perfFile(pid: number): string {
  return join(profileDir, `perf-${pid}.data`);
}

function startPerf(pid: number): { done: Promise<void> } {
  const child = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '2000', '-g', '-p', String(pid), '-o', perfFile(pid), '--', 'sleep', String(RUN.seconds)], { stdio: 'ignore' });
  wrkChildren.push(child);
  return { done: new Promise((resolve) => child.once('exit', () => resolve())) };
}

/** Self CPU per symbol (kernel and user) as µs per request, and per area (kernel, V8/Node C++, JIT-compiled JS). */
function perfSummary(pid: number): string {
  const report = spawnSync('perf', ['report', '-i', perfFile(pid), '--no-children', '--sort', 'dso,sym', '--stdio', '-g', 'none', '--percent-limit', '0'], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  // perf's own CPU reading would be the samples × the period; /proc is the reference, perf gives the split.
  const rows = report.stdout
    .split('\n')
    .map((l) => /^\s+(\d+\.\d+)%\s+(\[JIT\] tid \d+|\S+)\s+\[(.)\]\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pct: Number(m[1]), dso: m[2]!, kernel: m[3] === 'k', sym: m[4]!.trim() }));
  const areaOf = (r: (typeof rows)[number]): string =>
    r.kernel ? 'kernel' : r.dso.startsWith('perf-') || r.dso.includes('JIT') ? 'JS (JIT)' : r.sym.startsWith('Builtins_') ? 'V8 builtins' : r.dso.startsWith('libc') ? 'libc' : 'node/V8 C++';
  const byArea = new Map<string, number>();
  for (const r of rows) byArea.set(areaOf(r), (byArea.get(areaOf(r)) ?? 0) + r.pct);
  const areas = [...byArea].sort((a, b) => b[1] - a[1]).map(([a, pct]) => `${a} ${pct.toFixed(0)} %`).join(', ');
  return [
    `  perf cpu-clock split: ${areas}`,
    `  top ${TOP} symbols by self CPU:`,
    ...rows.slice(0, TOP).map((r) => `  ${r.pct.toFixed(1).padStart(5)} %  ${r.sym.slice(0, 110)}`),
  ].join('\n');
}

void main().then(
  () => finish(0),
  (error: unknown) => finish(1, `${NAME} failed: ${error instanceof Error ? error.message : String(error)}`),
);
