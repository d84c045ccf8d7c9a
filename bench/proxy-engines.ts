/**
 * npm run bench:proxy-engines [rounds]
 *
 * The Forwarder's two engines (http-proxy, undici) side by side, paired. Starts two real stacks on the
 * local Docker Engine, one per engine (acs-vim and acs-vmm both with --proxy-engine <engine>, one
 * zero-work container each), then alternates wrk runs through both tiers (the bench:proxy (c) settings:
 * -c32, /work?ms=0, 3 s each, order swapped every round) and prints per run and as medians the req/s and
 * the CPU µs per request of each daemon (/proc CPU time ÷ requests wrk completed). Pairing runs seconds
 * apart cancels most of the other load a shared machine has; the medians of the paired ratios are the
 * figures to read.
 *
 * Bounded: every wrk run is killed if it overruns, the whole run has a 6-minute limit; both stacks'
 * processes and containers (label acs.vmm=<this run's agent ids>) are removed on any exit.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROXY_ENGINES, type ProxyEngine } from '@acs/proxy';
import { startVimProcess, startVmmProcess, type VimProcess } from '../test/support/lab';
import { ProcessGroup, type Daemon } from '../test/support/processes';
import { boundRun } from './support/run-bounds';
import { runWrk } from './support/wrk';
import { startZeroWorkContainer } from './support/zero-work-stack';
import { removeAgentContainers } from './support/own-containers';
import { cpuSeconds } from './support/process-cpu';

const NAME = 'bench:proxy-engines';
const RUN = { connections: 32, seconds: 3, warmupSeconds: 2, path: '/work?ms=0' } as const;
const rounds = Number(process.argv[2] ?? 10);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 40) {
  console.error('usage: npm run bench:proxy-engines [rounds, 1-40, default 10]');
  process.exit(2);
}

const group = new ProcessGroup();
const wrkChildren: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-pe-'));
const agentId = (engine: ProxyEngine): string => `bench-pe-${process.pid}-${engine}`;

async function cleanup(): Promise<void> {
  for (const child of wrkChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await group.cleanup();
  await removeAgentContainers(PROXY_ENGINES.map(agentId));
  rmSync(dataDir, { recursive: true, force: true });
}

const finish = boundRun(NAME, 6 * 60_000, cleanup);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Stack {
  engine: ProxyEngine;
  vim: VimProcess;
  vmm: Daemon;
  url: string;
}

async function startStack(engine: ProxyEngine): Promise<Stack> {
  const args = ['--proxy-engine', engine];
  const vim = await startVimProcess(group, { dataDir: join(dataDir, engine), args });
  const id = agentId(engine);
  const vmm = startVmmProcess(group, vim, id, args);
  const url = `http://127.0.0.1:${vim.httpPort}${RUN.path}`;
  await startZeroWorkContainer(vim, vmm, id, url, 60_000);
  return { engine, vim, vmm, url };
}

interface Sample {
  rps: number;
  vimUs: number;
  vmmUs: number;
}

async function measure(stack: Stack): Promise<Sample> {
  const pids = [stack.vim.daemon.child.pid!, stack.vmm.child.pid!];
  const before = pids.map((pid) => cpuSeconds(pid));
  const result = await runWrk(stack.url, { connections: RUN.connections, seconds: RUN.seconds }, wrkChildren);
  const after = pids.map((pid) => cpuSeconds(pid));
  const perRequest = (i: number): number => ((after[i]! - before[i]!) * 1e6) / Math.max(1, result.requests);
  if (result.non2xx + result.socketErrors > 0) console.log(`  note: ${stack.engine}: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors`);
  return { rps: result.okPerSecond, vimUs: perRequest(0), vmmUs: perRequest(1) };
}

async function main(): Promise<void> {
  const stacks = [];
  for (const engine of PROXY_ENGINES) stacks.push(await startStack(engine));
  for (const stack of stacks) await runWrk(stack.url, { connections: RUN.connections, seconds: RUN.warmupSeconds }, wrkChildren);
  console.log(`${NAME} — Node ${process.version}; ${rounds} rounds of wrk -c${RUN.connections} -d${RUN.seconds}s ${RUN.path} through both tiers, engines alternating`);
  const samples = new Map<ProxyEngine, Sample[]>(PROXY_ENGINES.map((e) => [e, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? stacks : [...stacks].reverse();
    for (const stack of order) samples.get(stack.engine)!.push(await measure(stack));
    const line = stacks.map((s) => {
      const x = samples.get(s.engine)![round]!;
      return `${s.engine}: ${x.rps.toFixed(0)} req/s, vim ${x.vimUs.toFixed(0)} µs, vmm ${x.vmmUs.toFixed(0)} µs`;
    });
    console.log(`  round ${round + 1}: ${line.join(';  ')}`);
  }
  const [a, b] = PROXY_ENGINES.map((e) => samples.get(e)!);
  const ratio = (pick: (s: Sample) => number): number => median(a!.map((x, i) => pick(b![i]!) / pick(x)));
  console.log('');
  for (const engine of PROXY_ENGINES) {
    const s = samples.get(engine)!;
    console.log(`${engine.padEnd(10)} medians: ${median(s.map((x) => x.rps)).toFixed(0)} req/s, CPU µs/req acs-vim ${median(s.map((x) => x.vimUs)).toFixed(0)}, acs-vmm ${median(s.map((x) => x.vmmUs)).toFixed(0)}`);
  }
  const pct = (r: number): string => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(0)} %`;
  console.log(
    `${PROXY_ENGINES[1]} ÷ ${PROXY_ENGINES[0]}, median of paired ratios: req/s ${pct(ratio((x) => x.rps))}, CPU/req acs-vim ${pct(ratio((x) => x.vimUs))}, acs-vmm ${pct(ratio((x) => x.vmmUs))}`,
  );
}

main().then(
  () => finish(0),
  (error: unknown) => finish(1, `${NAME} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
);
