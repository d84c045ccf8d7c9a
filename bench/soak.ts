/**
 * npm run soak [-- --minutes 30]
 *
 * A long run under faults: one acs-vim and three acs-vmm (free loopback ports, a temp data dir, the
 * shared Docker Engine), a steady open-loop load through tier 1 (20 req/s of /work?ms=5), and one fault
 * a minute, rotating: SIGKILL a VMM and start it again, docker kill a container, restart the VIM (same
 * data dir and ports), scale churn 3 → 8 → 3. Between faults the service is pinned at 3 containers.
 * Prints each fault's outcome, then the request success rate, p50/p99 latency, and the RSS of each
 * process at start and end (a process restarted by a fault is measured in its latest incarnation).
 *
 * Bounded: the run stops after --minutes plus a 3-minute margin whatever happens. Every process it
 * starts and every container its agents start is removed on the way out, also on Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChaosCluster } from '../test/support/chaos-cluster';
import { docker } from '../test/support/docker';
import { eventually } from '../test/support/lab';
import { describeLoad, type OpenLoop, type OpenLoopResult } from '../test/support/open-loop';
import { boundRun } from './support/run-bounds';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' } } });
const MINUTES = Number(values.minutes);
if (!Number.isFinite(MINUTES) || MINUTES < 1 || MINUTES > 240) {
  console.error('usage: npm run soak -- [--minutes N (1–240, default 30)]');
  process.exit(2);
}

const RATE = 20;
const BASE_REPLICAS = 3;
const STEADY_TIMEOUT_MS = 60_000;
const cluster = new ChaosCluster({ run: `soak${process.pid}`, vms: 3 });
let load: OpenLoop | undefined;
let rssStart: Record<string, number | undefined> = {};
// Interrupted (Ctrl-C, time limit): what was measured so far is still printed, before the processes go.
const finish = boundRun('soak', (MINUTES + 3) * 60_000, async () => {
  if (load) printSummary(await load.stop(), 'interrupted: ');
  await cluster.cleanup();
});

/** Resident set size of a live process, in MiB, from /proc (Linux). */
function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.split(/\s+/)[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

function rssNow(): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = { 'acs-vim': rssMiB(cluster.vim.daemon.child.pid) };
  for (const id of cluster.vmIds) out[id] = rssMiB(cluster.agents.get(id)?.child.pid);
  return out;
}

async function steady(): Promise<void> {
  await cluster.scale(BASE_REPLICAS);
  await cluster.waitForSteady(BASE_REPLICAS, STEADY_TIMEOUT_MS);
}

interface Fault {
  name: string;
  run: (round: number) => Promise<string>;
}

const FAULTS: Fault[] = [
  {
    name: 'SIGKILL a VMM, start it again',
    run: async (round) => {
      const vm = cluster.vmIds[round % cluster.vmIds.length]!;
      const since = await cluster.lastEventId();
      const t0 = Date.now();
      cluster.agents.get(vm)!.child.kill('SIGKILL');
      const down = await eventually(async () => (await cluster.events('vm-down', since)).find((e) => e.data['vm'] === vm), 15_000, `vm-down for ${vm}`, 50);
      await eventually(async () => {
        const perVm = await cluster.readyPerVm();
        return perVm[vm] === 0 && Object.values(perVm).reduce((a, b) => a + b, 0) === BASE_REPLICAS;
      }, STEADY_TIMEOUT_MS, 'replacements', 100);
      const replaced = Date.now() - t0;
      cluster.startAgent(vm);
      await cluster.waitForVms(3, 30_000);
      await steady();
      return `${vm}: detection=${Date.parse(down.at) - t0}ms replacement=${replaced}ms back-and-steady=${Date.now() - t0}ms`;
    },
  },
  {
    name: 'docker kill a container',
    run: async (round) => {
      const all = await cluster.containers();
      const victim = all[round % all.length]!;
      const t0 = Date.now();
      docker('kill', victim.id);
      await eventually(async () => !(await cluster.containers()).some((c) => c.id === victim.id), 15_000, 'the kill seen', 50);
      const detected = Date.now() - t0;
      await steady();
      return `${victim.vm}: detection=${detected}ms replacement=${Date.now() - t0}ms`;
    },
  },
  {
    name: 'restart the VIM',
    run: async () => {
      const { agentPort, httpPort, adminPort } = cluster.vim;
      const t0 = Date.now();
      cluster.vim.daemon.child.kill('SIGTERM');
      await cluster.vim.daemon.exited;
      await cluster.startVim({ agentPort, httpPort, adminPort });
      const listening = Date.now() - t0;
      await cluster.waitForVms(3, 30_000);
      const reconnected = Date.now() - t0;
      await steady();
      return `vim-down=${listening}ms agents-back=${reconnected}ms`;
    },
  },
  {
    name: 'scale churn 3 → 8 → 3',
    run: async () => {
      const t0 = Date.now();
      await cluster.scale(8);
      await cluster.waitForSteady(8, STEADY_TIMEOUT_MS);
      const up = Date.now() - t0;
      await steady();
      return `up=${up}ms down=${Date.now() - t0 - up}ms`;
    },
  },
];

function printSummary(result: OpenLoopResult, prefix: string): void {
  const rssEnd = rssNow();
  const rate = result.sent === 0 ? 0 : (100 * result.ok) / result.sent;
  console.log(`soak: ${prefix}load: ${describeLoad(result)}`);
  console.log(`soak: ${prefix}success rate ${rate.toFixed(3)}% (${result.ok}/${result.sent}), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
  console.log('soak: RSS MiB at start → end:');
  for (const name of Object.keys(rssStart)) console.log(`  ${name.padEnd(16)} ${String(rssStart[name] ?? '-').padStart(7)} → ${String(rssEnd[name] ?? '-').padStart(7)}`);
}

async function main(): Promise<void> {
  console.log(`soak: ${MINUTES} min, ${RATE} req/s, one fault a minute; starting 1 VIM + 3 VMMs`);
  await cluster.start();
  await steady();
  rssStart = rssNow();
  load = cluster.load(RATE, MINUTES * 60);
  const startedAt = Date.now();
  let faultsFailed = 0;
  for (let minute = 0; minute < MINUTES; minute++) {
    // Each fault at the middle of its minute, so a minute of load surrounds it.
    const due = startedAt + minute * 60_000 + 30_000;
    if (due > Date.now()) await sleep(due - Date.now());
    const fault = FAULTS[minute % FAULTS.length]!;
    const running = load;
    const failedBefore = running.failures.length;
    const sentBefore = running.sentSoFar;
    try {
      const outcome = await fault.run(Math.floor(minute / FAULTS.length));
      console.log(`soak: minute ${minute + 1}: ${fault.name}: ${outcome}; requests during it ${running.sentSoFar - sentBefore}, failed ${running.failures.length - failedBefore}`);
    } catch (error) {
      faultsFailed++;
      console.log(`soak: minute ${minute + 1}: ${fault.name}: DID NOT RECOVER: ${(error as Error).message}`);
      await steady().catch(() => undefined);
    }
  }
  const end = startedAt + MINUTES * 60_000;
  if (end > Date.now()) await sleep(end - Date.now());
  const result = await load.stop();
  load = undefined;
  printSummary(result, '');
  console.log(`soak: faults that did not recover: ${faultsFailed}`);
  await finish(faultsFailed === 0 ? 0 : 1);
}

main().catch((error: unknown) => void finish(1, `soak failed: ${(error as Error).stack ?? String(error)}`));
