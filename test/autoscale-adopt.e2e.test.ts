/**
 * A VIM starting with an empty data dir while containers already run (its state was lost, or the agents
 * outlived a previous VIM): it takes what runs as the desired count and stops nothing.
 */
import type { ClusterResponse, ContainerListResponse, EventListResponse } from '@acs/api-types';
import { removeAgentContainers } from './support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { ProcessGroup } from './support/processes';

const VM = `ad${process.pid}`;
const group = new ProcessGroup();

jest.setTimeout(60_000);

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers([VM]);
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
