/**
 * npm run bench:agents -- --agents 1000 [--rate 1] [--seconds 10] [--containers 4]
 *
 * Starts one real acs-vim, connects N simulated agents to it over real loopback sockets (real
 * handshake, real frames), has each send `rate` reports a second, and prints what the VIM ingested,
 * its CPU use over the window (from /proc/<pid>/stat), and the report lag percentiles the VIM measured.
 * Bounded: connects, warms up for 3 s, measures for --seconds, then tears everything down.
 * `--target bare` measures bench/bare-receiver.ts instead: the floor of framing and decoding alone.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeProof, FrameDecoder, FrameEncoder, PROTOCOL_VERSION, type ReportMessage } from '@acs/protocol';
import { sampleReport } from './fixtures';
import { cpuTimes } from './support/process-cpu';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    containers: { type: 'string', default: '4' },
    target: { type: 'string', default: 'vim' },
  },
});
const AGENTS = Number(values.agents);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const CONTAINERS = Number(values.containers);
if (![AGENTS, RATE, SECONDS, CONTAINERS].every((n) => Number.isFinite(n) && n >= 0) || AGENTS < 1 || AGENTS > 20_000 || SECONDS > 300) {
  console.error('usage: bench:agents -- --agents N (1–20000) [--rate R] [--seconds S ≤ 300] [--containers C]');
  process.exit(2);
}
const WARMUP_MS = 3000;
const TICK_MS = 10;
/**
 * Each agent reports containers of its own (ids are unique in a real cluster), of a service this VIM does
 * not manage: its control loop builds its snapshots over all of them every period, as it would at this
 * size, but has no reason to command containers that these simulated agents could neither start nor stop.
 */
const SIMULATED_SERVICE = 'bench';

interface SimAgent {
  socket: Socket;
  encoder: FrameEncoder;
  ready: boolean;
  seq: number;
  /** Which TICK_MS slot of the report period this agent reports in, spreading load evenly. */
  slot: number;
  /** What it reports (seq and time set per send). */
  report: ReportMessage;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-bench-'));
  const nodeArgs = (process.env['BENCH_VIM_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  if (values.target !== 'vim' && values.target !== 'bare') throw new Error('--target is vim or bare');
  const targetArgs =
    values.target === 'bare'
      ? ['-r', 'ts-node/register/transpile-only', join(__dirname, 'bare-receiver.ts')]
      : [join(__dirname, '../packages/vim/bin/acs-vim.js'), '--data-dir', dataDir, '--agent-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0'];
  const vim = spawn(process.execPath, [...nodeArgs, ...targetArgs], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ACS_SECRET: 'bench-secret-0123456789abcdef' } });
  let cleaned = false;
  const cleanup = (): void => {
    if (cleaned) return;
    cleaned = true;
    // SIGTERM lets a profiled VIM write its profile; the exit handler is the backstop.
    vim.kill(nodeArgs.length > 0 ? 'SIGTERM' : 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  // Bounded whatever happens: connecting, warm-up, the window, and generous slack.
  setTimeout(() => {
    console.error('bench:agents: overall time limit reached; giving up');
    process.exit(1);
  }, (SECONDS + 120) * 1000).unref();
  const { agentPort, adminPort } = await new Promise<{ agentPort: number; adminPort: number }>((resolve, reject) => {
    let buffered = '';
    vim.stdout.setEncoding('utf8').on('data', (text: string) => {
      buffered += text;
      const line = buffered.split('\n').find((l) => l.includes('acs-vim listening'));
      if (!line) return;
      const parsed = JSON.parse(line) as { agentListen: string; adminListen: string };
      vim.stdout.removeAllListeners('data');
      // BENCH_VIM_STDOUT=FILE keeps what the VIM prints (e.g. with BENCH_VIM_NODE_ARGS=--trace-gc).
      const keep = process.env['BENCH_VIM_STDOUT'];
      if (keep) vim.stdout.pipe(createWriteStream(keep));
      else vim.stdout.resume();
      resolve({ agentPort: Number(parsed.agentListen.split(':').pop()), adminPort: Number(parsed.adminListen.split(':').pop()) });
    });
    vim.once('exit', (code) => reject(new Error(`acs-vim exited with ${code}`)));
  });
  const secret = 'bench-secret-0123456789abcdef';
  const api = `http://127.0.0.1:${adminPort}`;
  const periodMs = 1000 / RATE;
  const slots = Math.max(1, Math.round(periodMs / TICK_MS));

  console.log(`bench:agents (${values.target === 'bare' ? 'bare receiver: framing + decoding only' : 'acs-vim'}) — ${AGENTS} agents × ${RATE} report/s (${CONTAINERS} containers each), ${SECONDS} s window, Node ${process.version}`);
  const agents: SimAgent[] = [];
  // Reporting starts before connecting, as real agents report right after their welcome.
  // Slots are scheduled by the wall clock and caught up when a timer fires late, so the offered rate
  // is what was asked for, not what setInterval's drift allows.
  let sent = 0;
  let slot = 0;
  const slotMs = periodMs / slots;
  let nextSlotAt = Date.now();
  // While agents are still connecting, report about once a second each, so a 2-core machine running both
  // the simulator and the VIM still answers handshakes; the full rate starts once everyone is in.
  let connecting = true;
  let cycle = 0;
  const rampEvery = Math.max(1, Math.round(RATE));
  const timer = setInterval(() => {
    const now = Date.now();
    while (nextSlotAt <= now) {
      const thisCycleReports = !connecting || cycle % rampEvery === 0;
      for (const agent of agents) {
        if (!thisCycleReports || agent.slot !== slot || !agent.ready) continue;
        agent.socket.write(agent.encoder.encode({ ...agent.report, seq: ++agent.seq, at: now }));
        sent++;
      }
      slot = (slot + 1) % slots;
      if (slot === 0) cycle++;
      nextSlotAt += slotMs;
    }
  }, TICK_MS / 2);

  const connectStart = Date.now();
  // Connect in batches: 10,000 SYNs at once overflow the listen backlog and cost seconds of retries.
  for (let i = 0; i < AGENTS; i += 250) {
    const batch = [];
    for (let j = i; j < Math.min(AGENTS, i + 250); j++) batch.push(connectAgent(j, agentPort, secret, j % slots));
    agents.push(...(await Promise.all(batch)));
  }
  connecting = false;
  console.log(`connected and authenticated ${agents.length} agents in ${((Date.now() - connectStart) / 1000).toFixed(1)} s`);

  await sleep(WARMUP_MS);
  await fetch(`${api}/api/v1/agent-server/reset-lag`, { method: 'POST' });
  const before = { cpu: cpuTimes(vim.pid!), stats: await stats(api), at: process.hrtime.bigint(), sent };
  await sleep(SECONDS * 1000);
  clearInterval(timer);
  const sentInWindow = sent - before.sent;
  await sleep(500); // let reports in flight land before reading the counter
  const after = { cpu: cpuTimes(vim.pid!), stats: await stats(api), at: process.hrtime.bigint() };

  const elapsedS = Number(after.at - before.at) / 1e9 - 0.5;
  const ingested = after.stats.reportsTotal - before.stats.reportsTotal;
  const offered = AGENTS * RATE;
  const pctOfCore = (seconds: number): number => (100 * seconds) / elapsedS;
  const userPct = pctOfCore(after.cpu.user - before.cpu.user);
  const systemPct = pctOfCore(after.cpu.system - before.cpu.system);
  const cpuPct = userPct + systemPct;
  const lag = after.stats.lagMs;
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${vim.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  console.log(`sessions ready at end:   ${after.stats.sessions.ready} / ${AGENTS}`);
  console.log(`reports sent:            ${(sentInWindow / elapsedS).toFixed(0)}/s (asked for ${offered}/s)`);
  console.log(`reports ingested:        ${(ingested / elapsedS).toFixed(0)}/s (${((100 * ingested) / sentInWindow).toFixed(2)}% of sent)`);
  console.log(`VIM CPU:                 ${cpuPct.toFixed(1)}% of one core (user ${userPct.toFixed(1)}%, kernel ${systemPct.toFixed(1)}%)`);
  console.log(`VIM RSS:                 ${rss.toFixed(0)} MiB`);
  console.log(`report lag (VIM-measured, ${lag.count} reports): p50 ≤ ${lag.p50} ms, p90 ≤ ${lag.p90} ms, p99 ≤ ${lag.p99} ms, max ${lag.max.toFixed(1)} ms`);
  const healthy = after.stats.sessions.ready === AGENTS && Math.abs(ingested - sentInWindow) <= AGENTS && sentInWindow >= 0.95 * offered * elapsedS;
  console.log(healthy ? 'result: all agents stayed connected and every offered report was ingested' : 'result: NOT HEALTHY — agents dropped or reports lost');
  for (const agent of agents) agent.socket.destroy();
  cleanup();
  process.exit(healthy ? 0 : 1);
}

function connectAgent(index: number, port: number, secret: string, slot: number): Promise<SimAgent> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const agent: SimAgent = { socket, encoder: new FrameEncoder(), ready: false, seq: 0, slot, report: sampleReport(0, CONTAINERS, { agent: index, service: SIMULATED_SERVICE }) };
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) {
        if (message.type === 'challenge') {
          socket.write(agent.encoder.encode({
            type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: `sim-${index}`, hostname: 'bench', agentVersion: 'bench',
            capacity: { maxContainers: 4, cpus: 2, memoryBytes: 2 ** 34 }, front: null, proof: computeProof(secret, message.nonce),
          }));
        } else if (message.type === 'welcome') {
          agent.ready = true;
          resolve(agent);
        } else if (message.type === 'reject') {
          reject(new Error(`sim-${index} rejected: ${message.reason}`));
        }
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (!agent.ready) reject(new Error(`sim-${index}: connection closed before welcome`));
      agent.ready = false;
    });
  });
}

interface AgentServerStats {
  sessions: { ready: number };
  reportsTotal: number;
  lagMs: { count: number; p50: number; p90: number; p99: number; max: number };
}

async function stats(api: string): Promise<AgentServerStats> {
  return (await (await fetch(`${api}/api/v1/agent-server`)).json()) as AgentServerStats;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
