/**
 * Requests waiting in tier 2 count as demand, for real: acs-vim with its control loop, one acs-vmm whose
 * front lets its single container (20 ms of CPU a request, half a CPU) hold one request at a time, and an
 * open-loop load above what that container serves, so requests queue in tier 2. The service asks for two
 * containers (the VM has room for one) and its metrics (requests/s and in-flight against targets no load
 * here reaches) ask for one: the VM view shows the queue, the autoscaler holds the scale-down with reason
 * `unserved-demand` while it lasts, and takes it once the load is over.
 */
import type { ClusterResponse, ContainerListResponse, EventListResponse, EventView, ServiceView, VmListResponse } from '@acs/api-types';
import { removeAgentContainers } from './support/docker';
import { callApi, eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { OpenLoop } from './support/open-loop';
import { ProcessGroup } from './support/processes';

const VM = `q-${process.pid}`;
const group = new ProcessGroup();
let vim: VimProcess;
let load: OpenLoop | undefined;

jest.setTimeout(60_000);

/** Targets far above this load: on their own, the metrics always ask for one container. */
const POLICY = {
  minReplicas: 1,
  maxReplicas: 2,
  controlPeriodMs: 500,
  metrics: [
    { metric: 'rps', target: 1000 },
    { metric: 'inflight', target: 1000 },
  ],
  behavior: { scaleDown: { stabilizationWindowS: 0 } },
};

/** About 25 req/s fit through one container holding one 40 ms request (20 ms of CPU at half a CPU) at a time. */
const OVERLOAD_RPS = 40;
const LOAD_MAX_SECONDS = 20;

beforeAll(async () => {
  vim = await startVimProcess(group, { reconcile: true, args: ['--report-interval-ms', '250', '--scaling-policy', JSON.stringify(POLICY)] });
  startVmmProcess(group, vim, VM, ['--max-containers', '1', '--max-inflight-per-container', '1', '--stop-grace-seconds', '1']);
});

afterAll(async () => {
  await load?.stop();
  await group.cleanup();
  removeAgentContainers([VM]);
});

async function web(): Promise<ServiceView> {
  const { services } = await getJson<ClusterResponse>(`${vim.api}/api/v1/cluster`);
  return services.find((s) => s.name === 'web')!;
}

async function decisionsSince(id: number): Promise<EventView[]> {
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=decision&service=web&since=${id}`);
  return events;
}

test('queued tier-2 requests show on the VM and hold a scale-down the metrics ask for, until they are served', async () => {
  // A forecast must not raise the count at the end: this test is about the reactive hold alone.
  expect((await callApi(vim.api, 'PUT', '/api/v1/services/web/policy', { predictive: { mode: 'off' } })).status).toBe(200);
  await eventually(async () => {
    const { containers } = await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers`);
    return containers.some((c) => c.vm === VM && c.ready && !c.draining);
  }, 30_000, 'the first container ready');
  // Two wanted, one fits: the autoscaler's count is above what its metrics ask for from the start.
  expect((await callApi(vim.api, 'POST', '/api/v1/services/web/scale', { replicas: 2 })).status).toBe(200);

  load = new OpenLoop({ url: `http://127.0.0.1:${vim.httpPort}/work`, ratePerSecond: OVERLOAD_RPS, maxSeconds: LOAD_MAX_SECONDS });
  await eventually(async () => {
    const { vms } = await getJson<VmListResponse>(`${vim.api}/api/v1/vms`);
    return (vms.find((v) => v.id === VM)?.queued ?? 0) > 0;
  }, 10_000, 'requests queued in tier 2 on the VM');

  const { events: before } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?limit=1`);
  const since = before.at(-1)?.id ?? 0;
  expect((await callApi(vim.api, 'POST', '/api/v1/services/web/autoscale', { enabled: true })).status).toBe(200);

  const held = await eventually(async () => (await decisionsSince(since)).find((e) => e.data['reason'] === 'unserved-demand'), 10_000, 'a held decision');
  expect(held.data).toMatchObject({ current: 2, desired: 2 });
  const explanation = held.data['explanation'] as { raw: number; unservedDemand: { queued: number } | null; metrics: Array<{ metric: string; observed: number | null }> };
  expect(explanation.raw).toBe(1);
  expect(explanation.unservedDemand?.queued).toBeGreaterThan(0);
  // One request in flight at most, so anything above 1 is the container's share of the queue.
  expect(explanation.metrics.find((m) => m.metric === 'inflight')?.observed).toBeGreaterThan(1);
  expect(held.message).toMatch(/held at 2 while \d+ requests? waits? for a free container/);

  // Several more control periods under the same load: still held, and no decision so far took the count down.
  const heldAt = Date.parse(held.at);
  const later = await eventually(async () => {
    const service = await web();
    return service.lastDecision !== null && Date.parse(service.lastDecision.at) >= heldAt + 2000 ? service : undefined;
  }, 10_000, 'two more seconds of decisions');
  expect(load.sentSoFar).toBeLessThan(OVERLOAD_RPS * LOAD_MAX_SECONDS);
  expect(later).toMatchObject({ desired: 2, lastDecision: { reason: 'unserved-demand' } });
  expect((await decisionsSince(since)).filter((e) => (e.data['desired'] as number) < (e.data['current'] as number))).toEqual([]);

  // The load ends and what waited is served (or times out): the scale-down goes ahead.
  const result = await load.stop();
  load = undefined;
  expect(result.ok).toBeGreaterThan(0);
  const down = await eventually(async () => (await decisionsSince(since)).find((e) => e.data['desired'] === 1), 15_000, 'the scale-down after the load');
  expect(down.data).toMatchObject({ current: 2, reason: 'scale-down' });
  expect((await web()).desired).toBe(1);
});
