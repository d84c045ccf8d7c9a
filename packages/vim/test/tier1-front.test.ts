/**
 * Tier 1 in-process: real HTTP servers stand in for the VM fronts; the cluster view is fed by hand;
 * the clock is injected so slow start and ejection can be stepped through.
 */
import { createServer, type Server } from 'node:http';
import { closeHttpServer, createLogger, listenOn } from '@acs/daemon';
import type { ReportMessage } from '@acs/protocol';
import { ClusterState } from '../src/cluster-state';
import { Tier1Front } from '../src/traffic/tier1-front';

const log = createLogger('test', 'silent');
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function vmFront(status: number): Promise<number> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(String(status));
  });
  closers.push(() => closeHttpServer(server));
  return (await listenOn(server, { host: '127.0.0.1', port: 0 })).port;
}

function addVm(cluster: ClusterState, id: string, port: number, readyContainers: number): void {
  const vm = cluster.vmUp({ id, hostname: id, agentVersion: 't', address: '127.0.0.1:1', capacity: { maxContainers: 4, cpus: 1, memoryBytes: 1 }, front: { host: '127.0.0.1', port } }, 0);
  const report: ReportMessage = {
    type: 'report',
    seq: 1,
    at: 0,
    host: { cpuPct: 10, memUsedBytes: 1, memTotalBytes: 2, load1: 0 },
    containers: Array.from({ length: readyContainers }, (_, i) => ({
      id: `${id}-c${i}`, name: `${id}-c${i}`, service: 'web', state: 'running' as const, ready: true, draining: false, cpuPct: 0, memBytes: 0, inflight: 0, requestsTotal: 0, hostPort: 1,
    })),
  };
  cluster.applyReport(vm, report, 0);
}

async function startTier1(cluster: ClusterState, options: Partial<ConstructorParameters<typeof Tier1Front>[0]>): Promise<{ front: Tier1Front; port: number }> {
  const front = new Tier1Front({ listen: { host: '127.0.0.1', port: 0 }, policy: 'round-robin', upstreamTimeoutMs: 5000, slowStartMs: 0, ...options }, cluster, log);
  const { port } = await front.listen();
  closers.push(() => front.close());
  return { front, port };
}

async function hit(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  await res.arrayBuffer();
  return res.status;
}

test('a VM answering 5xx is ejected after N consecutive failures; the rest of the traffic goes elsewhere', async () => {
  const cluster = new ClusterState();
  addVm(cluster, 'good', await vmFront(200), 1);
  addVm(cluster, 'bad', await vmFront(500), 1);
  const { front, port } = await startTier1(cluster, { outlier: { consecutiveFailures: 3, baseEjectionMs: 60_000 } });
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push(await hit(port));
  expect(statuses.filter((s) => s === 500)).toHaveLength(3);
  expect(front.traffic('bad').requests).toBe(3);
  expect(front.traffic('bad').errors).toBe(3);
  expect(front.ejected().map((e) => e.id)).toEqual(['bad']);
  // Latency is kept for successful requests only: 17 through 'good', none through 'bad'.
  expect(front.traffic('good').latencyMs.count).toBe(17);
  expect(front.traffic('good').latencyMs.p99).toBeGreaterThan(0);
  expect(front.traffic('bad').latencyMs.count).toBe(0);
});

test('never more than the allowed share is ejected: with two VMs failing, one stays in the pool', async () => {
  const cluster = new ClusterState();
  addVm(cluster, 'x', await vmFront(503), 1);
  addVm(cluster, 'y', await vmFront(503), 1);
  const { front, port } = await startTier1(cluster, { outlier: { consecutiveFailures: 2, maxEjectedPercent: 100 } });
  for (let i = 0; i < 12; i++) expect(await hit(port)).toBe(503);
  expect(front.ejected()).toHaveLength(1);
});

test('slow start: a VM that just joined gets a small share, growing to its weight over slowStartMs', async () => {
  let now = 1_000_000;
  const cluster = new ClusterState();
  addVm(cluster, 'old', await vmFront(200), 1);
  const { front, port } = await startTier1(cluster, { policy: 'weighted-round-robin', slowStartMs: 10_000, now: () => now });
  await hit(port); // 'old' joins the pool now
  now += 60_000; // long established
  addVm(cluster, 'new', await vmFront(200), 1);
  const share = async (): Promise<number> => {
    const before = front.traffic('new').requests;
    for (let i = 0; i < 100; i++) await hit(port);
    return front.traffic('new').requests - before;
  };
  const atJoin = await share();
  now += 10_000;
  const afterRamp = await share();
  expect(atJoin).toBeLessThan(20);
  expect(afterRamp).toBeGreaterThanOrEqual(45);
  expect(afterRamp).toBeLessThanOrEqual(55);
});

test('settings change at runtime and a bad one changes nothing', () => {
  const front = new Tier1Front({ listen: { host: '127.0.0.1', port: 0 }, policy: 'p2c', upstreamTimeoutMs: 5000, slowStartMs: 0 }, new ClusterState(), log);
  front.updateSettings({ policy: 'least-loaded', consecutiveFailures: 7, upstreamTimeoutMs: 1234 });
  expect(front.settings).toMatchObject({ policy: 'least-loaded', consecutiveFailures: 7, upstreamTimeoutMs: 1234 });
  expect(() => front.updateSettings({ baseEjectionMs: 10, maxEjectionMs: 5 })).toThrow(RangeError);
  expect(front.settings.consecutiveFailures).toBe(7);
});
