/**
 * The live view's feed in-process: a real tier-1 front forwarding to a real HTTP server, a real cluster view
 * and event log (in memory); the services are read through their small read interface. The clock is
 * injected so rates come out exact.
 */
import { createServer } from 'node:http';
import type { DashboardSnapshot, ForecastView, ServicePolicyView, ServiceView } from '@acs/api-types';
import { closeHttpServer, createLogger, listenOn } from '@acs/daemon';
import { ClusterState } from '../src/cluster-state';
import { DashboardFeed, DEFAULT_DASHBOARD_FEED_OPTIONS } from '../src/dashboard';
import type { ServicesReader } from '../src/dashboard/sources';
import { EventStore } from '../src/events';
import { Tier1Front } from '../src/traffic/tier1-front';

const log = createLogger('test', 'silent');
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const WEB: ServiceView = { name: 'web', autoscale: true, desired: 3, ready: 2, starting: 1, draining: 0, minReplicas: 1, maxReplicas: 6, strategy: 'reactive', placement: 'spread', lastDecision: null, actionsInProgress: [] };

function services(mode: string, forecast?: ForecastView): ServicesReader {
  return {
    list: () => [WEB],
    isDraining: (vm) => vm === 'vm-b',
    policyView: (name): ServicePolicyView => ({ service: name, scaling: {}, placement: { strategy: 'spread', cpuOvercommit: 1, maxHostCpuPct: 90 }, predictive: { mode, level: 0.95, defaultCapacityRps: 25, seasonSlots: null, seasonSlotSteps: 1 } }),
    forecastView: () => forecast!,
  };
}

async function lab(reader: ServicesReader): Promise<{ feed: DashboardFeed; front: Tier1Front; port: number; clock: { now: number }; events: EventStore }> {
  const server = createServer((_req, res) => res.end('ok'));
  closers.push(() => closeHttpServer(server));
  const vmPort = (await listenOn(server, { host: '127.0.0.1', port: 0 })).port;
  const cluster = new ClusterState();
  for (const id of ['vm-a', 'vm-b']) {
    const vm = cluster.vmUp({ id, hostname: id, agentVersion: 't', address: '127.0.0.1:1', capacity: { maxContainers: 4, cpus: 1, memoryBytes: 1 }, front: { host: '127.0.0.1', port: vmPort } }, 0);
    cluster.applyReport(vm, {
      type: 'report', seq: 1, at: 0, host: { cpuPct: id === 'vm-a' ? 40 : 70, memUsedBytes: 1, memTotalBytes: 2, load1: 0 },
      containers: [{ id: `${id}-c0`, name: `acs-web-${id}-c0`, service: 'web', state: 'running', ready: true, draining: false, cpuPct: 33, memBytes: 0, inflight: 2, requestsTotal: 0, hostPort: 1 }],
    }, 0);
  }
  const front = new Tier1Front({ listen: { host: '127.0.0.1', port: 0 }, policy: 'round-robin', upstreamTimeoutMs: 5000, slowStartMs: 0 }, cluster, log);
  const { port } = await front.listen();
  closers.push(() => front.close());
  const events = new EventStore(':memory:', { log });
  closers.push(() => events.close());
  const clock = { now: 1_000_000 };
  const feed = new DashboardFeed({ cluster, services: reader, events, traffic: front, now: () => clock.now }, log, { ...DEFAULT_DASHBOARD_FEED_OPTIONS, intervalMs: 3_600_000 });
  closers.push(() => feed.stop());
  return { feed, front, port, clock, events };
}

test('a sample gives offered and served req/s, latency, replicas and each VM; the snapshot adds the tree and the events', async () => {
  const { feed, port, clock, events } = await lab(services('off'));
  feed.start(); // first point at t = 1,000,000
  for (let i = 0; i < 20; i++) await (await fetch(`http://127.0.0.1:${port}/`)).arrayBuffer();
  events.append({ at: clock.now, kind: 'operator', service: 'web', message: 'web scaled by hand from 2 to 3', data: { reason: 'operator' } });
  events.append({ at: clock.now, kind: 'decision', service: 'web', message: 'steady', data: {} });
  clock.now += 2000;
  const snapshot: DashboardSnapshot = feed.snapshot();
  expect(feed.history()).toHaveLength(1);
  // snapshot() on a started feed reads the latest point; take the next one by hand, as the timer would.
  feed.tick();
  const sample = feed.history()[1]!;
  expect(sample).toMatchObject({ t: 1_002_000, offeredRps: 10, servedRps: 10, errorRps: 0, replicas: { desired: 3, ready: 2, starting: 1 } });
  expect(sample.latencyMs.p50).not.toBeNull();
  expect(sample.vms).toEqual({ 'vm-a': { cpuPct: 40, containers: 1 }, 'vm-b': { cpuPct: 70, containers: 1 } });
  expect(snapshot.totalVms).toBe(2);
  expect(snapshot.vms.map((vm) => [vm.id, vm.draining, vm.containers.map((c) => [c.name, c.cpuPct, c.inflight])])).toEqual([
    ['vm-a', false, [['acs-web-vm-a-c0', 33, 2]]],
    ['vm-b', true, [['acs-web-vm-b-c0', 33, 2]]],
  ]);
  expect(snapshot.events.map((e) => e.kind)).toEqual(['decision', 'operator']);
  expect(snapshot.forecasts).toEqual([]);
});

test('with predictive scaling on, the snapshot carries the recent history and the forecast band in epoch ms', async () => {
  const at = (ms: number): string => new Date(ms).toISOString();
  const now = 1_000_000;
  const forecast: ForecastView = {
    service: 'web', mode: 'forecast-only', stepSeconds: 2, level: 0.9, horizonSteps: 2, model: null, recommendation: null,
    accuracy: { mape: null, coverage: null, samples: 0 },
    history: [{ at: at(now - 400_000), rps: 1 }, { at: at(now - 2000), rps: 5 }, { at: at(now), rps: null }],
    forecast: [{ at: at(now + 2000), mean: 6, lower: 4, upper: 8 }],
  };
  const { feed } = await lab(services('forecast-only', forecast));
  const [f] = feed.snapshot().forecasts;
  expect(f).toEqual({ service: 'web', mode: 'forecast-only', level: 0.9, history: [{ t: now - 2000, rps: 5 }, { t: now, rps: null }], forecast: [{ t: now + 2000, mean: 6, lower: 4, upper: 8 }] });
});

test('subscribers get each new snapshot until they unsubscribe', async () => {
  const { feed } = await lab(services('off'));
  const got: DashboardSnapshot[] = [];
  const unsubscribe = feed.subscribe((s) => got.push(s));
  expect(feed.subscribers).toBe(1);
  feed.tick();
  feed.tick();
  expect(got).toHaveLength(2);
  unsubscribe();
  feed.tick();
  expect(got).toHaveLength(2);
  expect(feed.subscribers).toBe(0);
});
