/**
 * A seeded frame fuzzer against a real acs-vim's agent port, while a real acs-vmm stays connected and its
 * container keeps serving through tier 1. Every hostile connection must be closed by the VIM with a reason
 * (counted in GET /api/v1/agent-server, one log line each), and the VIM's memory must stay bounded.
 */
import type { VmListResponse } from '@acs/api-types';
import { seededRandom } from '@acs/balancing';
import { removeAgentContainers } from '../support/docker';
import { eventually, getJson, type VimProcess } from '../support/lab';
import { ProcessGroup, type Daemon } from '../support/processes';
import { RawAgent } from '../support/raw-agent';
import { fuzzCase, type FuzzCase } from './fuzz-cases';
import { agentServerView, rssBytes, settlesWithin, startServingLab, totalCloses } from './support';

const RUN = `fz${process.pid}`;
const VMM_ID = `${RUN}-vmm`;
const SEED = Number(process.env['ACS_FUZZ_SEED'] ?? 20261123);
/** Bounded: 20 rounds of every kind. */
const CASES = 320;
const CONCURRENCY = 16;
const group = new ProcessGroup();
let vim: VimProcess;
let vmm: Daemon;
let secret: Buffer;

jest.setTimeout(180_000);

beforeAll(async () => {
  ({ vim, vmm, secret } = await startServingLab(group, VMM_ID, 1000));
});

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers([VMM_ID]);
});

/** Sends one case and waits for the VIM to close the connection; we never close first. */
async function play(fuzz: FuzzCase): Promise<{ kind: string; closedByVim: boolean }> {
  const agent = await RawAgent.open(vim.agentPort);
  try {
    if (fuzz.authenticate) {
      const answer = await agent.handshake(secret, fuzz.authenticate.agentId);
      if (answer.type !== 'welcome') throw new Error(`${fuzz.kind}: handshake got ${answer.type}`);
      agent.writeRaw(fuzz.after!);
    } else {
      agent.writeRaw(fuzz.before);
    }
    return { kind: fuzz.kind, closedByVim: await settlesWithin(agent.closed, 15_000) };
  } finally {
    agent.close();
  }
}

/** Requests through tier 1 until stopped: the real VMM's container must keep answering. */
function keepRequesting(): { stop(): Promise<Map<number | string, number>> } {
  const statuses = new Map<number | string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      let key: number | string;
      try {
        const res = await fetch(`http://127.0.0.1:${vim.httpPort}/work?ms=0`, { signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        key = res.status;
      } catch (error) {
        key = (error as Error).message;
      }
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return statuses;
    },
  };
}

test(`${CASES} hostile connections (seed ${SEED}) are each closed by the VIM with a reason; the VMM and its container keep serving`, async () => {
  const vmBefore = (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.find((v) => v.id === VMM_ID)!;
  const closesBefore = totalCloses(await agentServerView(vim.api));
  const logLinesBefore = vim.daemon.logs.length;
  const rssBefore = rssBytes(vim.daemon.child.pid!);
  const random = seededRandom(SEED);
  const cases = Array.from({ length: CASES }, (_, i) => fuzzCase(random, i, RUN));

  const traffic = keepRequesting();
  const outcomes: Array<{ kind: string; closedByVim: boolean }> = [];
  let peakRss = rssBefore;
  for (let i = 0; i < cases.length; i += CONCURRENCY) {
    outcomes.push(...(await Promise.all(cases.slice(i, i + CONCURRENCY).map(play))));
    peakRss = Math.max(peakRss, rssBytes(vim.daemon.child.pid!));
  }
  const statuses = await traffic.stop();

  expect(outcomes.filter((o) => !o.closedByVim)).toEqual([]);
  // Every connection counted under a reason the VIM chose; none merely noticed as a peer hanging up.
  const view = await eventually(async () => {
    const v = await agentServerView(vim.api);
    return totalCloses(v) - closesBefore >= CASES && v;
  }, 10_000, 'every close counted');
  expect(totalCloses(view) - closesBefore).toBe(CASES);
  expect(view.closes['peer-closed']).toBeUndefined();
  expect(view.closes['protocol-error']).toBeGreaterThan(0);
  expect(view.closes['rejected:handshake-timeout']).toBeGreaterThan(0);
  expect(view.closes['rejected:invalid-hello']).toBeGreaterThan(0);
  // …and logged, one line each, with the reason.
  const closeLines = vim.daemon.logs.slice(logLinesBefore).filter((l) => l.msg === 'agent rejected' || (l.msg === 'agent session closed' && l['agentId'] !== VMM_ID));
  expect(closeLines).toHaveLength(CASES);
  expect(closeLines.every((l) => typeof l['reason'] === 'string' || typeof l['code'] === 'string')).toBe(true);

  // The VIM is alive, the real VMM never lost its session, and its container answered every request.
  expect(vim.daemon.running).toBe(true);
  const vmAfter = (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.find((v) => v.id === VMM_ID)!;
  expect(vmAfter).toMatchObject({ status: 'ready', connectedAt: vmBefore.connectedAt });
  expect(vmm.logs.filter((l) => l.msg === 'lost connection to VIM')).toEqual([]);
  expect([...statuses.keys()]).toEqual([200]);
  expect(statuses.get(200)).toBeGreaterThan(10);

  const growthMiB = (peakRss - rssBefore) / 2 ** 20;
  console.log(`frame fuzz: ${CASES} connections, VIM RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, peak +${growthMiB.toFixed(1)} MiB; closes ${JSON.stringify(view.closes)}; ${statuses.get(200)} requests served meanwhile`);
  expect(growthMiB).toBeLessThan(128);
});
