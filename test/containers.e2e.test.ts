/**
 * Real processes and the real Docker Engine: acs-vim, acs-vmm agents, the workload image, traffic
 * through a VMM front. Every container is removed afterwards, pass or fail (only this run's).
 */
import type { ContainerListResponse, ContainerStartResponse, VmListResponse } from '@acs/api-types';
import { docker, dockerOk, removeAgentContainers } from './support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { BIN, ProcessGroup, runCli, type Daemon } from './support/processes';

const REPORT_INTERVAL_MS = 500;
const RUN = `t${process.pid}`;
const VM1 = `${RUN}-vm1`;
const VM2 = `${RUN}-vm2`;
const FOREIGN = `acs-test-foreign-${process.pid}`;
const group = new ProcessGroup();
let vim: VimProcess;
const vmms = new Map<string, Daemon>();

jest.setTimeout(60_000);

function startVmm(id: string, extra: string[] = []): Daemon {
  const daemon = startVmmProcess(group, vim, id, ['--max-containers', '2', '--stop-grace-seconds', '2', ...extra]);
  vmms.set(id, daemon);
  return daemon;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${vim.api}${path}`, {
    method,
    signal: AbortSignal.timeout(45_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function containers(vm?: string): Promise<ContainerListResponse['containers']> {
  return (await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers${vm ? `?vm=${vm}` : ''}`)).containers;
}

async function frontOf(vm: string): Promise<string> {
  const found = await eventually(async () => (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.find((v) => v.id === vm && v.status === 'ready'), 10_000, `${vm} ready`);
  return `http://127.0.0.1:${found.front!.port}`;
}

async function startContainer(vm: string, body: object = {}): Promise<ContainerStartResponse> {
  const { status, body: started } = await api<ContainerStartResponse>('POST', `/api/v1/vms/${vm}/containers`, body);
  expect(status).toBe(201);
  await eventually(async () => (await containers(vm)).some((c) => c.id === started.containerId && c.ready), 15_000, `${started.name} ready`);
  return started;
}

beforeAll(async () => {
  vim = await startVimProcess(group, { args: ['--report-interval-ms', String(REPORT_INTERVAL_MS)] });
  startVmm(VM1);
  startVmm(VM2);
  await frontOf(VM1);
  await frontOf(VM2);
});

afterAll(async () => {
  if (process.env['ACS_TEST_DUMP_LOGS']) for (const [id, d] of vmms) process.stderr.write(`--- ${id}\n${d.stdout.slice(-6000)}\n${d.stderr}\n`);
  await group.cleanup();
  removeAgentContainers([VM1, VM2]);
  if (dockerOk('inspect', FOREIGN)) docker('rm', '-f', FOREIGN);
});

test('the workload image was built offline and carries its content hash', () => {
  const hash = docker('image', 'inspect', '--format', '{{ index .Config.Labels "acs.content-hash" }}', 'acs-workload:latest');
  expect(hash).toMatch(/^[0-9a-f]{16}$/);
});

test('a container is hardened as specified and published on 127.0.0.1 only', async () => {
  const started = await startContainer(VM1);
  const info = JSON.parse(docker('inspect', started.containerId)) as Array<{
    Config: { Labels: Record<string, string>; User: string };
    HostConfig: { CpuQuota: number; CpuPeriod: number; Memory: number; PidsLimit: number; ReadonlyRootfs: boolean; CapDrop: string[]; SecurityOpt: string[]; Init: boolean; PortBindings: Record<string, Array<{ HostIp: string }>> };
  }>;
  const { Config, HostConfig } = info[0]!;
  expect(Config.Labels).toMatchObject({ 'acs.managed': 'true', 'acs.vmm': VM1, 'acs.service': 'web' });
  expect(HostConfig).toMatchObject({ CpuQuota: 5_000, CpuPeriod: 10_000, Memory: 256 * 1024 * 1024, ReadonlyRootfs: true, Init: true });
  expect(HostConfig.PidsLimit).toBeGreaterThan(0);
  expect(HostConfig.CapDrop).toEqual(['ALL']);
  expect(HostConfig.SecurityOpt).toContain('no-new-privileges');
  expect(Object.values(HostConfig.PortBindings).flat().map((b) => b.HostIp)).toEqual(['127.0.0.1']);
  expect(Config.User).toBe('65534:65534');
  const health = await fetch(`http://127.0.0.1:${started.hostPort}/healthz`);
  expect(health.status).toBe(200);
});

test('a container burns CPU measurably: its Docker CPU stat rises under work', async () => {
  const [container] = await containers(VM1);
  const deadline = Date.now() + 8000;
  // Bounded load straight at the container: 200 ms of CPU per request, four at a time.
  const load = (async () => {
    let sent = 0;
    while (Date.now() < deadline && sent < 200) {
      await Promise.all([0, 1, 2, 3].map(() => fetch(`http://127.0.0.1:${container!.hostPort}/work?ms=200`).then((r) => r.text())));
      sent += 4;
    }
  })();
  const busy = await eventually(async () => ((await containers(VM1)).find((c) => c.id === container!.id)?.cpuPct ?? 0) > 50, 7000, 'container CPU over 50% of its limit');
  await load;
  expect(busy).toBe(true);
});

test('two containers behind one VMM front both take requests, and one stops under load with no failed request', async () => {
  while ((await containers(VM1)).length < 1) await startContainer(VM1, { workMs: 2 });
  const second = await startContainer(VM1, { workMs: 2 });
  const front = await frontOf(VM1);
  const servedBy: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${front}/work?ms=1`);
    expect(res.status).toBe(200);
    servedBy.push(res.headers.get('x-served-by') ?? '');
  }
  const expected = (await containers(VM1)).map((c) => `${VM1}/${c.name}`).sort();
  expect([...new Set(servedBy)].sort()).toEqual(expected);

  // A steady stream of requests (4 at a time, bounded) while one container is drained and stopped.
  let stop = false;
  const statuses: number[] = [];
  const stream = Promise.all(
    [0, 1, 2, 3].map(async () => {
      for (let i = 0; i < 500 && !stop; i++) statuses.push((await fetch(`${front}/work?ms=5`)).status);
    }),
  );
  await new Promise((r) => setTimeout(r, 300));
  const { status, body } = await api<{ drained: boolean }>('DELETE', `/api/v1/containers/${second.containerId}?drainTimeoutMs=10000`);
  await new Promise((r) => setTimeout(r, 300));
  stop = true;
  await stream;
  expect(status).toBe(200);
  expect(body.drained).toBe(true);
  expect(statuses.length).toBeGreaterThan(20);
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  expect(dockerOk('inspect', second.containerId)).toBe(false);
  expect((await containers(VM1)).map((c) => c.id)).not.toContain(second.containerId);
});

test('start beyond maxContainers: at-capacity through the API and the CLI', async () => {
  // VM1 runs one container; max is 2.
  await startContainer(VM1);
  const { status, body } = await api<{ error: string; message: string }>('POST', `/api/v1/vms/${VM1}/containers`, {});
  expect(status).toBe(409);
  expect(body.error).toBe('at-capacity');
  const cli = await runCli(BIN.acs, ['container', 'start', '--vm', VM1], { ACS_API: vim.api });
  expect(cli.code).toBe(1);
  expect(cli.stderr).toMatch(/at-capacity/);
  expect(cli.stderr).toMatch(/at most 2 containers/);
});

test('docker kill of a managed container: it leaves the front and the VIM sees it gone within one report', async () => {
  const started = await startContainer(VM2, { workMs: 1 });
  const front = await frontOf(VM2);
  expect((await fetch(`${front}/`)).status).toBe(200);
  const killedAt = Date.now();
  docker('kill', started.containerId);
  await eventually(async () => !(await containers(VM2)).some((c) => c.id === started.containerId), 2 * REPORT_INTERVAL_MS + 1000, 'the killed container gone from the VIM');
  expect(Date.now() - killedAt).toBeLessThan(2 * REPORT_INTERVAL_MS + 1000);
  const after = await fetch(`${front}/`);
  expect(after.status).toBe(503);
  expect(((await after.json()) as { error: string }).error).toBe('no-ready-container');
});

test('a VMM restart adopts its labelled containers without recreating them; stop-all spares unlabelled ones', async () => {
  docker('run', '-d', '--name', FOREIGN, '--read-only', 'acs-workload:latest');
  const started = await startContainer(VM2, { workMs: 1 });
  const before = docker('inspect', '--format', '{{.State.StartedAt}}', started.containerId);

  await vmms.get(VM2)!.kill('SIGTERM');
  startVmm(VM2);
  const front = await frontOf(VM2);
  await eventually(async () => (await containers(VM2)).some((c) => c.id === started.containerId && c.ready), 15_000, 'adopted container ready');
  expect(docker('inspect', '--format', '{{.State.StartedAt}}', started.containerId)).toBe(before);
  expect((await fetch(`${front}/`)).headers.get('x-served-by')).toBe(`${VM2}/${started.name}`);
  expect(docker('inspect', '--format', '{{.State.Running}}', FOREIGN)).toBe('true');

  // Stop-all: an agent told to clean up on exit removes its own containers and nothing else.
  await vmms.get(VM2)!.kill('SIGTERM');
  const cleaner = startVmm(VM2, ['--stop-containers-on-exit']);
  await eventually(async () => (await containers(VM2)).some((c) => c.id === started.containerId && c.ready), 15_000, 're-adopted');
  // Ctrl-C in a terminal reaches the whole process group and a launcher forwards its own signal too:
  // the repeat must not cut the clean-up short.
  cleaner.child.kill('SIGINT');
  cleaner.child.kill('SIGTERM');
  expect(await cleaner.exited).toEqual({ code: 0, signal: null });
  expect(dockerOk('inspect', started.containerId)).toBe(false);
  expect(docker('inspect', '--format', '{{.State.Running}}', FOREIGN)).toBe('true');
});
