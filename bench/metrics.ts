/**
 * What a /metrics scrape costs the VIM as the cluster grows: an in-process acs-vim, N simulated agents
 * (real sockets and handshake) each reporting 4 containers, then 20 scrapes of GET /metrics. Prints the
 * series and bytes per scrape, the scrape time (median, max) and the longest the VIM's event loop was held
 * up meanwhile (tier 1 and the agent sessions wait that long). Loopback only; bounded in count and time.
 *
 *   npm run bench:metrics -- [--agents 1000]
 */
import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from '@acs/daemon';
import { computeProof, FrameDecoder, FrameEncoder, PROTOCOL_VERSION } from '@acs/protocol';
import { startVim } from '@acs/vim';
import { inProcessVimOptions } from '../test/support/lab';
import { sampleReport } from './fixtures';
import { boundRun } from './support/run-bounds';

const SECRET = Buffer.from('bench-metrics-secret-0123456789abcdef');
const SCRAPES = 20;

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--agents');
  const agents = flag > 0 ? Number(process.argv[flag + 1]) : 1000;
  if (!Number.isInteger(agents) || agents < 1 || agents > 5000) throw new Error('--agents: a whole number from 1 to 5000');
  // Agents report once and then stay quiet: long intervals keep them up without further traffic.
  const vim = await startVim(
    inProcessVimOptions(SECRET, { reportIntervalMs: 60_000, heartbeatTimeoutMs: 600_000, pingIntervalMs: 600_000, handshakeTimeoutMs: 30_000 }),
    createLogger('bench', 'error'),
  );
  const sockets: Socket[] = [];
  const finish = boundRun('bench:metrics', 5 * 60_000, async () => {
    for (const s of sockets) s.destroy();
    await vim.close();
  });
  for (let i = 0; i < agents; i++) sockets.push(await reportingAgent(`bench-${i}`, vim.agentAddress.port));
  while ([...vim.cluster.all()].filter((vm) => vm.lastReportAt !== null).length < agents) await new Promise((r) => setTimeout(r, 50));

  const url = `http://127.0.0.1:${vim.adminAddress.port}/metrics`;
  const times: number[] = [];
  let text = '';
  // The VIM runs in this process: how long its event loop is held up while scrapes are served.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  for (let i = 0; i < SCRAPES; i++) {
    const start = process.hrtime.bigint();
    text = await (await fetch(url)).text();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  loop.disable();
  times.sort((a, b) => a - b);
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  console.log(`agents ${agents} (4 containers each): ${series} series, ${(text.length / 1024).toFixed(0)} KiB per scrape`);
  console.log(`scrape time over ${SCRAPES}: median ${times[SCRAPES / 2]!.toFixed(1)} ms, max ${times[SCRAPES - 1]!.toFixed(1)} ms`);
  console.log(`event loop held up while scraping: max ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`);
  await finish(0);
}

/** Connects, authenticates and sends one report of 4 containers with tier-2 figures; resolves once sent. */
function reportingAgent(agentId: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const encoder = new FrameEncoder();
    const decoder = new FrameDecoder();
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) {
        if (message.type === 'challenge') {
          socket.write(encoder.encode({
            type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId, hostname: 'bench', agentVersion: 'bench',
            capacity: { maxContainers: 4, cpus: 2, memoryBytes: 2 ** 34 }, front: null, proof: computeProof(SECRET, message.nonce),
          }));
        } else if (message.type === 'welcome') {
          const report = sampleReport(1, 4);
          for (const c of report.containers) Object.assign(c, { errorsTotal: 3, latencyMs: { p50: 4, p99: 40, count: 100 } });
          socket.write(encoder.encode(report));
          resolve(socket);
        } else if (message.type === 'reject') {
          reject(new Error(`${agentId} rejected: ${message.reason}`));
        }
      }
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
