/**
 * Both tiers for real: acs-vim's traffic front → three acs-vmm fronts → workload containers in Docker.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { ContainerListResponse } from '@acs/api-types';
import { removeAgentContainers } from './support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess, callApi, type ApiAnswer } from './support/lab';
import { ProcessGroup, type Daemon } from './support/processes';

const RUN = `t${process.pid}`;
const VMS = [`${RUN}-a`, `${RUN}-b`, `${RUN}-c`];
const group = new ProcessGroup();
let vim: VimProcess;
const agents = new Map<string, Daemon>();

jest.setTimeout(60_000);

function api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return callApi(vim.api, method, path, body);
}

async function readyContainers(vm: string): Promise<number> {
  const { containers } = await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers?vm=${vm}`);
  return containers.filter((c) => c.ready).length;
}

beforeAll(async () => {
  vim = await startVimProcess(group, { args: ['--report-interval-ms', '250'] });
  for (const id of VMS) agents.set(id, startVmmProcess(group, vim, id, ['--max-containers', '2', '--stop-grace-seconds', '1']));
  await eventually(async () => (await getJson<{ vms: Array<{ status: string }> }>(`${vim.api}/api/v1/vms`)).vms.filter((v) => v.status === 'ready').length === 3, 10_000, 'three VMs');
});

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers(VMS);
});

test('with no VM ready to serve, the traffic front answers 503 with Retry-After and a reason', async () => {
  const res = await fetch(`http://127.0.0.1:${vim.httpPort}/`);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.headers.get('x-request-id')).toBeTruthy();
  expect(((await res.json()) as { error: string }).error).toBe('no-ready-vm');
});

test('400 requests over VMs with 1, 1 and 2 containers are all 200 and split by weight (weighted round robin)', async () => {
  const wanted = [1, 1, 2];
  await Promise.all(VMS.map(async (vm, i) => {
    for (let n = 0; n < wanted[i]!; n++) expect((await api('POST', `/api/v1/vms/${vm}/containers`, { workMs: 0 })).status).toBe(201);
  }));
  await eventually(async () => (await Promise.all(VMS.map(readyContainers))).join() === wanted.join(), 20_000, 'containers ready');

  const switched = await api('PUT', '/api/v1/balancer', { policy: 'weighted-round-robin' });
  expect(switched.status).toBe(200);
  expect(switched.body).toMatchObject({ policy: 'weighted-round-robin' });
  const perVm = new Map<string, number>();
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`http://127.0.0.1:${vim.httpPort}/work?ms=0`);
    expect(res.status).toBe(200);
    const servedBy = res.headers.get('x-served-by') ?? '';
    const vm = servedBy.split('/')[0]!;
    perVm.set(vm, (perVm.get(vm) ?? 0) + 1);
    await res.arrayBuffer();
  }
  expect(VMS.map((vm) => perVm.get(vm) ?? 0)).toEqual([100, 100, 200]);
  const vms = (await api('GET', '/api/v1/vms')).body['vms'] as Array<{ id: string; traffic: { requests: number; errors: number } }>;
  expect(vms.filter((v) => VMS.includes(v.id)).map((v) => v.traffic.requests)).toEqual([100, 100, 200]);
  expect(vms.every((v) => v.traffic.errors === 0)).toBe(true);
  // The rate is averaged over whole seconds that have passed: it shows once a second has gone by.
  await eventually(async () => {
    const now = (await api('GET', '/api/v1/vms')).body['vms'] as Array<{ id: string; traffic: { requestsPerSecond: number } }>;
    return now.filter((v) => VMS.includes(v.id)).every((v) => v.traffic.requestsPerSecond > 0);
  }, 3000, 'a request rate for every VM');
});

/** Resident memory of a process, from /proc. */
function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

test('50 MiB up and 50 MiB down stream through both tiers without the VIM holding them', async () => {
  const size = 50 * 1024 * 1024;
  const before = rssBytes(vim.daemon.child.pid!);
  // Upload: a streamed body, generated chunk by chunk, never held whole by this test either.
  const chunk = Buffer.alloc(256 * 1024, 0x62);
  const upload = await new Promise<{ status: number; body: { bytes: number } }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: vim.httpPort, method: 'POST', path: '/upload', headers: { 'content-length': size }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as { bytes: number } }));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
  expect(upload).toEqual({ status: 200, body: expect.objectContaining({ bytes: size }) as object });

  const download = await fetch(`http://127.0.0.1:${vim.httpPort}/download?mb=50`);
  expect(download.status).toBe(200);
  let received = 0;
  for await (const piece of download.body! as unknown as AsyncIterable<Uint8Array>) received += piece.length;
  expect(received).toBe(size);
  // Streaming, not buffering: holding either body would have grown the VIM by at least its 50 MiB.
  // (Heap and allocator growth from passing 64 KiB chunks is measured here at ~35 MiB and not returned.)
  expect(rssBytes(vim.daemon.child.pid!) - before).toBeLessThan(size);
});

test('a bad policy is refused with 400 naming the field; the current one stays', async () => {
  const bad = await api('PUT', '/api/v1/balancer', { policy: 'fastest' });
  expect(bad.status).toBe(400);
  expect(bad.body['error']).toBe('invalid-policy');
  expect(String(bad.body['message'])).toContain('policy: one of');
  expect((await api('GET', '/api/v1/balancer')).body).toMatchObject({ policy: 'weighted-round-robin' });
});

test('an agent SIGKILLed stops receiving requests at once; every request still succeeds', async () => {
  expect((await api('PUT', '/api/v1/balancer', { policy: 'p2c' })).status).toBe(200);
  // Requests in flight on the doomed VM when its agent (and so its front) dies: idempotent, so they are
  // retried on another VM. Round robin across all three sends a third of these to it.
  expect((await api('PUT', '/api/v1/balancer', { policy: 'round-robin' })).status).toBe(200);
  const inFlight = Array.from({ length: 9 }, () => fetch(`http://127.0.0.1:${vim.httpPort}/work?ms=400`).then(async (r) => {
    await r.arrayBuffer();
    return { status: r.status, by: r.headers.get('x-served-by') ?? '' };
  }));
  await new Promise((r) => setTimeout(r, 150));
  await agents.get(VMS[2]!)!.kill('SIGKILL');
  const outcomes = await Promise.all(inFlight);
  expect(outcomes.map((o) => o.status)).toEqual(Array<number>(9).fill(200));
  expect(outcomes.some((o) => o.by.startsWith(VMS[2]!))).toBe(false);
  await eventually(async () => {
    const vms = (await api('GET', '/api/v1/vms')).body['vms'] as Array<{ id: string; status: string }>;
    return vms.find((v) => v.id === VMS[2])?.status === 'down';
  }, 5000, 'the killed VM down');
  const servedBy = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`http://127.0.0.1:${vim.httpPort}/work?ms=0`);
    expect(res.status).toBe(200);
    servedBy.add((res.headers.get('x-served-by') ?? '').split('/')[0]!);
    await res.arrayBuffer();
  }
  expect([...servedBy].sort()).toEqual([VMS[0], VMS[1]]);
});
