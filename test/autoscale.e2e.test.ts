/**
 * The autoscaler for real: acs-vim's control loop → three acs-vmm agents (maxContainers 4) → workload
 * containers in Docker, with traffic through the VIM's front. Lab timings: reports every 250 ms, a
 * control period of 500 ms, and a 5 s scale-down window instead of 300 s.
 */
import type { ClusterResponse, ContainerListResponse, EventListResponse, ForecastView, ServiceView, VmListResponse } from '@acs/api-types';
import { removeAgentContainers } from './support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess, callApi, type ApiAnswer } from './support/lab';
import { BIN, ProcessGroup, runCli, type Daemon } from './support/processes';
import { ReportingAgents } from './support/reporting-agent';

const RUN = `as${process.pid}`;
const VMS = [`${RUN}-a`, `${RUN}-b`, `${RUN}-c`];
const group = new ProcessGroup();
let vim: VimProcess;
let dataDir: string;
const agents = new Map<string, Daemon>();

jest.setTimeout(120_000);

const POLICY = {
  minReplicas: 1,
  maxReplicas: 6,
  controlPeriodMs: 500,
  metrics: [{ metric: 'rps', target: 10 }],
  behavior: { scaleDown: { stabilizationWindowS: 5 } },
};

function startVim(agentPort = 0): Promise<VimProcess> {
  return startVimProcess(group, {
    dataDir,
    agentPort,
    reconcile: true,
    args: ['--report-interval-ms', '250', '--scaling-policy', JSON.stringify(POLICY), '--startup-grace-ms', '20000'],
  });
}

function startAgent(id: string): Daemon {
  const daemon = startVmmProcess(group, vim, id, ['--max-containers', '4', '--stop-grace-seconds', '1']);
  agents.set(id, daemon);
  return daemon;
}

function api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return callApi(vim.api, method, path, body);
}

async function web(): Promise<ServiceView> {
  const { services } = await getJson<ClusterResponse>(`${vim.api}/api/v1/cluster`);
  return services.find((s) => s.name === 'web')!;
}

/** Ready, non-draining web containers per VM (ready VMs only). */
async function readyPerVm(): Promise<Record<string, number>> {
  const { containers } = await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers`);
  const out: Record<string, number> = Object.fromEntries(VMS.map((vm) => [vm, 0]));
  for (const c of containers) if (c.ready && !c.draining && c.service === 'web') out[c.vm] = (out[c.vm] ?? 0) + 1;
  return out;
}

async function readyIds(): Promise<string[]> {
  const { containers } = await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers`);
  return containers.filter((c) => c.ready && c.service === 'web').map((c) => c.id).sort();
}

function total(perVm: Record<string, number>): number {
  return Object.values(perVm).reduce((a, b) => a + b, 0);
}

/**
 * Sends GETs through the traffic front at a fixed rate (open loop) for a bounded time; counts answers
 * by status so a test can assert that none failed.
 */
async function paced(ratePerSecond: number, seconds: number): Promise<{ sent: number; ok: number; failed: Array<number | string> }> {
  const url = `http://127.0.0.1:${vim.httpPort}/work`;
  const result = { sent: 0, ok: 0, failed: [] as Array<number | string> };
  const inFlight: Array<Promise<void>> = [];
  const started = Date.now();
  const count = Math.round(ratePerSecond * seconds);
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    result.sent++;
    inFlight.push(
      fetch(url, { signal: AbortSignal.timeout(15_000) }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) result.ok++;
          else result.failed.push(res.status);
        },
        (error: Error) => void result.failed.push(error.message),
      ),
    );
  }
  await Promise.all(inFlight);
  return result;
}

beforeAll(async () => {
  dataDir = group.tempDir('acs-autoscale-');
  vim = await startVim();
  for (const id of VMS) startAgent(id);
  await eventually(async () => (await getJson<{ vms: Array<{ status: string }> }>(`${vim.api}/api/v1/vms`)).vms.filter((v) => v.status === 'ready').length === 3, 15_000, 'three VMs');
});

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers(VMS);
});

test('the service starts at minReplicas: one container is placed and becomes ready', async () => {
  await eventually(async () => total(await readyPerVm()) === 1, 30_000, 'one ready container');
  const service = await web();
  expect(service).toMatchObject({ desired: 1, autoscale: true, minReplicas: 1, maxReplicas: 6, placement: 'spread' });
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=placement`);
  expect(events.length).toBeGreaterThanOrEqual(1);
  expect(events[0]!.data).toHaveProperty('candidates');
});

test('a steady load above target scales out to the expected count, spread over the VMs', async () => {
  // 25 req/s against a target of 10 req/s per container: ceil(25 / 10) = 3, with the measured rate free to
  // wander ±16% (a paced sender catching up after a stall on a busy machine) before 2 or 4 would be right.
  const load = paced(25, 25);
  await eventually(async () => total(await readyPerVm()) === 3 && (await web()).desired === 3, 25_000, 'three ready containers');
  const perVm = await readyPerVm();
  expect(Object.values(perVm).sort()).toEqual([1, 1, 1]);
  const result = await load;
  expect(result.failed).toEqual([]);
  expect((await web()).desired).toBe(3);
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=decision`);
  expect(events.some((e) => e.data['desired'] === 3 && e.data['reason'] !== undefined)).toBe(true);
});

test('when the load drops it scales in after the stabilisation window, failing no request', async () => {
  const stoppedAt = Date.now();
  // A trickle keeps flowing through the scale-in: drained containers must not fail any of it.
  const trickle = paced(4, 20);
  await eventually(async () => (await web()).desired === 1 && total(await readyPerVm()) === 1, 30_000, 'back to one container');
  const waited = Date.now() - stoppedAt;
  expect(waited).toBeGreaterThanOrEqual(4_000); // the 5 s window, less the report lag
  const result = await trickle;
  expect(result.failed).toEqual([]);
  expect(result.ok).toBe(result.sent);
});

test('a manual scale pins the count; draining a VM moves its containers away', async () => {
  expect((await api('POST', '/api/v1/services/web/scale', { replicas: 3 })).status).toBe(200);
  await eventually(async () => Object.values(await readyPerVm()).join() === '1,1,1', 30_000, 'one container on each VM');
  expect((await web()).autoscale).toBe(false);

  const bad = await api('POST', '/api/v1/services/web/scale', { replicas: 99 });
  expect(bad.status).toBe(422);
  expect(bad.body['problems']).toEqual([expect.objectContaining({ path: 'replicas' })]);

  const [drained] = VMS;
  expect((await api('POST', `/api/v1/vms/${drained}/drain`, undefined)).body).toEqual({ vm: drained, draining: true });
  await eventually(async () => {
    const perVm = await readyPerVm();
    return perVm[drained!] === 0 && total(perVm) === 3;
  }, 40_000, `containers moved off ${drained}`);
  expect((await api('DELETE', `/api/v1/vms/${drained}/drain`, undefined)).body).toEqual({ vm: drained, draining: false });
});

test('a VMM killed with SIGKILL has its containers replaced on the others', async () => {
  const perVm = await readyPerVm();
  const victim = VMS.find((vm) => (perVm[vm] ?? 0) > 0)!;
  agents.get(victim)!.child.kill('SIGKILL');
  await eventually(async () => {
    const now = await readyPerVm();
    return (now[victim] ?? 0) === 0 && total(now) === 3;
  }, 40_000, `replacements for ${victim}`);
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=vm-down`);
  expect(events.some((e) => e.data['vm'] === victim)).toBe(true);
  // The killed agent's container is still in Docker: back, the agent adopts it and the VIM drains the extra.
  const { lastId } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?limit=1`);
  startAgent(victim);
  await eventually(async () => {
    const { events: stops } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=command&since=${lastId}`);
    return stops.some((e) => e.data['command'] === 'stop' && e.data['ok'] === true);
  }, 40_000, 'the extra container stopped after the VM returned');
  await eventually(async () => total(await readyPerVm()) === 3 && (await web()).desired === 3, 20_000, 'three containers again');
});

test('a VM whose Docker Engine never answers is passed over by placement: no start is sent there', async () => {
  // An agent whose Docker never answers: it connects and reports dockerUp false.
  const broken = `${RUN}-nodocker`;
  const daemon = startVmmProcess(group, vim, broken, ['--max-containers', '4', '--docker-socket', '/nonexistent/docker.sock']);
  await eventually(async () => (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.some((v) => v.id === broken && v.status === 'ready' && v.dockerUp === false), 15_000, 'the broken agent, Docker down');
  const { lastId } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?limit=1`);
  // Spread would prefer the empty VM, which is the broken one.
  expect((await api('POST', '/api/v1/services/web/scale', { replicas: 4 })).status).toBe(200);
  await eventually(async () => total(await readyPerVm()) === 4, 30_000, 'four ready containers');
  const { events: commands } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=command&since=${lastId}`);
  expect(commands.filter((e) => e.data['vm'] === broken)).toEqual([]);
  const { events: placements } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=placement&since=${lastId}`);
  expect(placements.length).toBeGreaterThan(0);
  for (const p of placements) expect(p.data['candidates']).toContainEqual(expect.objectContaining({ vmId: broken, eligible: false, reason: 'docker-down' }));
  daemon.child.kill('SIGTERM');
  await daemon.exited;
  expect((await api('POST', '/api/v1/services/web/scale', { replicas: 3 })).status).toBe(200);
  await eventually(async () => total(await readyPerVm()) === 3, 30_000, 'back to three');
});

test('a start that fails on one VM is retried on another, and that VM is backed off', async () => {
  // An agent too old to report its Docker state (so counted as up) whose every start fails, as a real
  // agent's does when its engine goes away between a report and the start.
  const broken = `${RUN}-refuser`;
  const refusers = new ReportingAgents();
  try {
    await refusers.open(vim, broken, [], { refuseStarts: 'docker-unavailable' });
    await eventually(async () => (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.some((v) => v.id === broken && v.lastReportAt !== null), 15_000, 'the refusing agent');
    const { lastId } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?limit=1`);
    // Spread prefers the empty VM, which is the refusing one.
    expect((await api('POST', '/api/v1/services/web/scale', { replicas: 4 })).status).toBe(200);
    await eventually(async () => total(await readyPerVm()) === 4, 30_000, 'four ready containers');
    const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=command&since=${lastId}`);
    const failed = events.find((e) => e.data['vm'] === broken && e.data['ok'] === false);
    expect(failed?.data).toMatchObject({ command: 'start', code: 'docker-unavailable' });
    expect(failed!.data['backoffMs']).toBeGreaterThan(0);
    expect(events.some((e) => e.data['command'] === 'start' && e.data['ok'] === true && e.data['vm'] !== broken)).toBe(true);
  } finally {
    refusers.closeAll();
  }
  expect((await api('POST', '/api/v1/services/web/scale', { replicas: 3 })).status).toBe(200);
  await eventually(async () => total(await readyPerVm()) === 3, 30_000, 'back to three');
});

test('the policy is read and changed through the API, validated as a whole', async () => {
  const got = await api('GET', '/api/v1/services/web/policy');
  expect(got.body).toMatchObject({ service: 'web', scaling: { strategy: 'reactive', minReplicas: 1, maxReplicas: 6 }, placement: { strategy: 'spread' } });

  const changed = await api('PUT', '/api/v1/services/web/policy', { scaling: { maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowS: 7 } } }, placement: { strategy: 'binpack' } });
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ scaling: { maxReplicas: 5, minReplicas: 1, behavior: { scaleDown: { stabilizationWindowS: 7 } } }, placement: { strategy: 'binpack' } });

  const invalid = await api('PUT', '/api/v1/services/web/policy', { scaling: { minReplicas: 9, metrics: [{ metric: 'latency', target: 5 }] }, placement: { strategy: 'random' }, colour: 'blue' });
  expect(invalid.status).toBe(422);
  expect(invalid.body['error']).toBe('invalid-policy');
  // Every problem at once, each naming its field.
  const paths = (invalid.body['problems'] as Array<{ path: string }>).map((p) => p.path);
  expect(paths).toEqual(expect.arrayContaining(['colour', 'scaling.minReplicas', 'scaling.metrics[0].metric', 'placement']));
  // Nothing was applied.
  expect((await api('GET', '/api/v1/services/web/policy')).body).toMatchObject({ scaling: { maxReplicas: 5 }, placement: { strategy: 'binpack' } });

  // The threshold strategy, selectable per service, starts from its own defaults.
  const threshold = await api('PUT', '/api/v1/services/web/policy', { scaling: { strategy: 'threshold' } });
  expect(threshold.status).toBe(200);
  expect(threshold.body['scaling']).toMatchObject({ strategy: 'threshold', maxReplicas: 5, rules: [expect.objectContaining({ metric: 'cpu' })] });
  expect((await api('PUT', '/api/v1/services/web/policy', { scaling: { ...POLICY, strategy: 'reactive', maxReplicas: 5 } })).status).toBe(200);

  // Predictive settings live in the same policy, validated the same way.
  const predictive = await api('PUT', '/api/v1/services/web/policy', { predictive: { mode: 'forecast-only', level: 0.9 } });
  expect(predictive.status).toBe(200);
  expect(predictive.body['predictive']).toMatchObject({ mode: 'forecast-only', level: 0.9 });
  const badPredictive = await api('PUT', '/api/v1/services/web/policy', { predictive: { mode: 'sometimes' } });
  expect(badPredictive.status).toBe(422);
  expect(badPredictive.body['problems']).toEqual([expect.objectContaining({ path: 'predictive.mode' })]);

  // The forecast: one arrival-rate point per control period since the VIM started, and a model.
  const forecast = await getJson<ForecastView>(`${vim.api}/api/v1/services/web/forecast`);
  expect(forecast).toMatchObject({ service: 'web', mode: 'forecast-only', stepSeconds: 0.5, level: 0.9 });
  expect(forecast.history.length).toBeGreaterThan(20);
  expect(forecast.history.some((h) => (h.rps ?? 0) > 20)).toBe(true); // the 25 req/s load earlier
  expect(forecast.model?.kind).toMatch(/holt/);

  const unknownService = await api('GET', '/api/v1/services/nope/policy');
  expect(unknownService.status).toBe(404);
  await api('PUT', '/api/v1/services/web/policy', { placement: { strategy: 'spread' }, scaling: { maxReplicas: 6 } });
});

test('acs status, events and why read the same story', async () => {
  const env = { ACS_API: vim.api };
  const status = await runCli(BIN.acs, ['status'], env);
  expect(status.code).toBe(0);
  expect(status.stdout).toContain('web');
  for (const vm of VMS) expect(status.stdout).toContain(vm);

  const events = await runCli(BIN.acs, ['events', '--kind', 'command', '--limit', '5'], env);
  expect(events.code).toBe(0);
  expect(events.stdout).toMatch(/started|stopped/);

  const forecast = await runCli(BIN.acs, ['forecast', '--ascii'], env);
  expect(forecast.code).toBe(0);
  expect(forecast.stdout).toContain('now');
  expect(forecast.stdout).toMatch(/Mode: forecast-only/);

  const why = await runCli(BIN.acs, ['why'], env);
  expect(why.code).toBe(0);
  expect(why.stdout).toMatch(/web/);
  expect(why.stdout.trim().split('\n')).toHaveLength(1);
});

test('restarting acs-vim under load changes nothing: same containers, same desired count', async () => {
  // Autoscaling, with a load that asks for the three running containers (25 req/s, 10 per container: 3 with room either side).
  expect((await api('POST', '/api/v1/services/web/autoscale', { enabled: true })).status).toBe(200);
  const load = paced(25, 20);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  await eventually(async () => (await web()).starting === 0 && (await web()).draining === 0 && (await web()).desired === 3, 30_000, 'a steady cluster');
  const before = await readyIds();
  expect(before).toHaveLength(3);
  const { lastId } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?limit=1`);
  const historyBefore = (await getJson<ForecastView>(`${vim.api}/api/v1/services/web/forecast`)).history;
  const agentPort = vim.agentPort;
  const httpPort = vim.httpPort;
  vim.daemon.child.kill('SIGTERM');
  await vim.daemon.exited;
  vim = await startVimProcess(group, {
    dataDir,
    agentPort,
    httpPort,
    reconcile: true,
    args: ['--report-interval-ms', '250', '--scaling-policy', JSON.stringify(POLICY), '--startup-grace-ms', '20000'],
  });
  await eventually(async () => (await getJson<{ vms: Array<{ status: string }> }>(`${vim.api}/api/v1/vms`)).vms.filter((v) => v.status === 'ready').length === 3, 20_000, 'agents back');
  // Several control periods after the agents are back: nothing started, nothing stopped.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  expect(await readyIds()).toEqual(before);
  expect(await web()).toMatchObject({ desired: 3, autoscale: true, starting: 0 });
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=command&since=${lastId}`);
  expect(events).toEqual([]);
  // The forecast history survived the restart (written on the way out), the gap marked as such.
  const historyAfter = (await getJson<ForecastView>(`${vim.api}/api/v1/services/web/forecast`)).history;
  expect(historyAfter.map((h) => h.at)).toEqual(expect.arrayContaining(historyBefore.slice(-10).map((h) => h.at)));

  // Requests sent while the front itself was restarting fail; the rest were served.
  const result = await load;
  expect(result.ok).toBeGreaterThan(result.sent / 2);
});
