/**
 * A VIM starting with an empty data dir while containers already run (its state was lost, or the agents
 * outlived a previous VIM): it takes what runs as the desired count and stops nothing.
 */
import type { ClusterResponse, ContainerListResponse, EventListResponse } from '@acs/api-types';
import { removeAgentContainers } from './support/docker';
import { callApi, eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { ProcessGroup } from './support/processes';

const VM = `ad${process.pid}`;
const VM2 = `ad${process.pid}b`;
const group = new ProcessGroup();

jest.setTimeout(60_000);

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers([VM, VM2]);
});

async function readyIds(vim: VimProcess): Promise<string[]> {
  const { containers } = await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers`);
  return containers.filter((c) => c.ready).map((c) => c.id).sort();
}

test('a first start adopts the containers already running instead of scaling them to minReplicas', async () => {
  // A VIM that manages nothing, and two containers started by hand through it.
  const first = await startVimProcess(group, { reconcile: false });
  const agent = startVmmProcess(group, first, VM, ['--max-containers', '4']);
  await eventually(async () => (await getJson<{ vms: Array<{ status: string }> }>(`${first.api}/api/v1/vms`)).vms.some((v) => v.status === 'ready'), 15_000, 'the agent');
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${first.api}/api/v1/vms/${VM}/containers`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
  }
  await eventually(async () => (await readyIds(first)).length === 2, 30_000, 'two ready containers');
  const running = await readyIds(first);
  first.daemon.child.kill('SIGTERM');
  await first.daemon.exited;

  // A new VIM, with an empty data dir (the agent secret kept), on the port the agent reconnects to.
  const second = await startVimProcess(group, {
    agentPort: first.agentPort,
    reconcile: true,
    args: ['--secret-file', first.secretFile, '--report-interval-ms', '250', '--scaling-policy', '{"controlPeriodMs":500}'],
  });
  await eventually(async () => (await getJson<EventListResponse>(`${second.api}/api/v1/events?kind=operator`)).events.some((e) => e.message.startsWith('first start')), 20_000, 'the adoption');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const { services } = await getJson<ClusterResponse>(`${second.api}/api/v1/cluster`);
  expect(services[0]).toMatchObject({ name: 'web', desired: 2, ready: 2 });
  expect(await readyIds(second)).toEqual(running);
  const { events } = await getJson<EventListResponse>(`${second.api}/api/v1/events?kind=command`);
  expect(events).toEqual([]);
  expect(agent.running).toBe(true);
});

test('during a first start\'s grace, containers the VIM started itself are not adopted back after a scale-in', async () => {
  // The grace is long (the default 30 s) and no container predates this VIM: scale 1 → 3 → 1 within it.
  const vim = await startVimProcess(group, { reconcile: true, args: ['--report-interval-ms', '250', '--scaling-policy', '{"controlPeriodMs":500}'] });
  startVmmProcess(group, vim, VM2, ['--max-containers', '4']);
  await eventually(async () => (await readyIds(vim)).length === 1, 30_000, 'the first container');
  expect((await callApi(vim.api, 'POST', '/api/v1/services/web/scale', { replicas: 3 })).status).toBe(200);
  await eventually(async () => (await readyIds(vim)).length === 3, 30_000, 'three ready containers');
  expect((await callApi(vim.api, 'POST', '/api/v1/services/web/scale', { replicas: 1 })).status).toBe(200);
  await eventually(async () => (await readyIds(vim)).length === 1, 30_000, 'back to one container');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const { services } = await getJson<ClusterResponse>(`${vim.api}/api/v1/cluster`);
  expect(services[0]).toMatchObject({ name: 'web', desired: 1 });
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=operator`);
  expect(events.filter((e) => e.message.startsWith('first start'))).toEqual([]);
});
