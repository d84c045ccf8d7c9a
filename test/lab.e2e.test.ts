/**
 * The local lab as `npm start` runs it (`node scripts/lab.mjs`), on free ports with a temp data dir and
 * agent ids of its own: it prints what a user needs, refuses a second start, places containers on
 * several VMs, adds a VM through the `process` provider when all are full, and on SIGINT leaves no
 * process and no container behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ClusterResponse, VmScalingView } from '@acs/api-types';
import { docker, removeAgentContainers } from './support/docker';
import { eventually, getJson } from './support/lab';
import { BIN, isAlive, REPO_ROOT, runCli, type Daemon, ProcessGroup } from './support/processes';

const LAB = join(REPO_ROOT, 'scripts/lab.mjs');
const group = new ProcessGroup();
const prefix = `vmsc${randomBytes(3).toString('hex')}-`;
const agentIds = [1, 2, 3].map((i) => `${prefix}${i}`);
let lab: Daemon;
let dataDir: string;
let ports: { http: number; admin: number; agent: number; front: number };
let api: string;
/** Every process the lab and its VIM started, as seen while it ran. */
const pids = new Set<number>();

jest.setTimeout(240_000);

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports from a random base, so two test runs (or a real lab) never collide. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await portFree(p);
    if (free) return base;
  }
}

function labArgs(dir: string, p: typeof ports): string[] {
  return [
    '--vms', '2', '--max-containers', '2', '--max-vms', '3', '--vm-idle-cooldown-ms', '10000', '--agent-prefix', prefix, '--data-dir', dir,
    '--http-port', String(p.http), '--admin-port', String(p.admin), '--agent-port', String(p.agent), '--front-port', String(p.front),
  ];
}


function labContainers(): string[] {
  return agentIds.flatMap((id) => docker('ps', '-aq', '--filter', `label=acs.vmm=${id}`).split('\n').filter((line) => line !== ''));
}

beforeAll(async () => {
  dataDir = group.tempDir('acs-lab-');
  const base = await freePorts(5);
  ports = { http: base, admin: base + 1, agent: base + 2, front: base + 3 };
  api = `http://127.0.0.1:${ports.admin}`;
  lab = group.start('lab', LAB, labArgs(dataDir, ports));
  await lab.waitUntil(() => lab.stdout.includes('lab is up'), 90_000, 'the lab to come up');
});

afterAll(async () => {
  // A failed test must not leave the lab running: stop it the way Ctrl-C does, then make sure.
  if (lab?.running) {
    lab.child.kill('SIGINT');
    const force = setTimeout(() => lab.child.kill('SIGKILL'), 90_000);
    await lab.exited;
    clearTimeout(force);
  }
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  removeAgentContainers(agentIds);
  await group.cleanup();
});

test('prints the traffic and dashboard URLs, the admin token and example commands', () => {
  const out = lab.stdout;
  expect(out).toContain(`http://127.0.0.1:${ports.http}/`);
  expect(out).toContain(`dashboard      http://127.0.0.1:${ports.admin}/`);
  expect(out).toContain(join(dataDir, 'admin-token'));
  expect(out).toMatch(/npx acs status/);
  expect(out).toMatch(/npx acs-load .*--rps/);
  expect(out).toMatch(/npx acs top/);
});

test('a second lab, on the same data dir or the same ports, says one is running and exits 1 without touching it', async () => {
  const lock = readFileSync(join(dataDir, 'lab.pid'), 'utf8');
  const otherPorts = { http: ports.http + 100, admin: ports.admin + 100, agent: ports.agent + 100, front: ports.front + 100 };
  const sameDir = await runCli(LAB, labArgs(dataDir, otherPorts), {}, 30_000);
  expect(sameDir.code).toBe(1);
  expect(sameDir.stderr).toContain(`a lab is already running from ${dataDir} (pid ${lab.child.pid}`);

  const samePorts = await runCli(LAB, labArgs(group.tempDir('acs-lab-other-'), ports), {}, 30_000);
  expect(samePorts.code).toBe(1);
  expect(samePorts.stderr).toMatch(/already (answering|in use)/);

  expect(lab.running).toBe(true);
  expect(readFileSync(join(dataDir, 'lab.pid'), 'utf8')).toBe(lock);
  expect((await fetch(`${api}/healthz`)).status).toBe(200);
});

test('a lab killed outright leaves a lock: the next start names its processes still running instead of failing on their ports', async () => {
  const dir = group.tempDir('acs-lab-stale-');
  // A dead lab pid, and a "child" that is alive (this test process stands in for a left-over acs-vim).
  writeFileSync(join(dir, 'lab.pid'), JSON.stringify({ pid: 2 ** 22 + 1, adminUrl: api, trafficUrl: '', children: [{ name: 'acs-vim', pid: process.pid }] }));
  const otherPorts = { http: ports.http + 200, admin: ports.admin + 200, agent: ports.agent + 200, front: ports.front + 200 };
  const run = await runCli(LAB, labArgs(dir, otherPorts), {}, 30_000);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`did not stop cleanly; these of its processes may still run: acs-vim (pid ${process.pid})`);
});

test('--help lists the options; a bad option exits 2', async () => {
  const help = await runCli(LAB, ['--help']);
  expect(help.code).toBe(0);
  for (const flag of ['--vms', '--max-containers', '--max-vms', '--data-dir', '--http-port', '--admin-port', 'ACS_LAB_DATA_DIR']) expect(help.stdout).toContain(flag);
  const bad = await runCli(LAB, ['--vms', 'many']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--vms must be a whole number');
});

test('scaling to 5 fills both VMs, the process provider adds a third, and traffic flows', async () => {
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const scaled = await runCli(BIN.acs, ['--api', api, 'scale', '5'], { ACS_ADMIN_TOKEN: token });
  expect(scaled.code).toBe(0);

  const cluster = await eventually(async () => {
    const body = await getJson<ClusterResponse>(`${api}/api/v1/cluster`);
    const web = body.services.find((s) => s.name === 'web');
    const used = body.vms.filter((vm) => vm.status === 'ready' && vm.containers > 0);
    return web?.ready === 5 && used.length === 3 ? body : undefined;
  }, 120_000, '5 ready containers over 3 VMs', 500);
  expect(cluster.vms.map((vm) => vm.id).sort()).toEqual(agentIds);

  const view = await getJson<VmScalingView>(`${api}/api/v1/vm-scaling`);
  expect(view.provider).toBe('process');
  const added = view.vms.find((vm) => vm.name === `${prefix}3`);
  expect(added?.state).toBe('running');
  expect(added?.pid).toEqual(expect.any(Number));
  pids.add(added!.pid!);
  const events = await getJson<{ events: Array<{ kind: string; message: string }> }>(`${api}/api/v1/events?kind=vm-scaling`);
  expect(events.events.map((e) => e.message).join('\n')).toMatch(new RegExp(`unplaced and every VM is full.*starting ${prefix}3[\\s\\S]*${prefix}3 is up`));

  for (let i = 0; i < 10; i++) {
    const res = await fetch(`http://127.0.0.1:${ports.http}/`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
});

test('scaled in with binpack, the added VM empties and the provider stops it after the cool-down', async () => {
  const token = { ACS_ADMIN_TOKEN: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim() };
  expect((await runCli(BIN.acs, ['--api', api, 'policy', 'set', 'placement.strategy=binpack'], token)).code).toBe(0);
  expect((await runCli(BIN.acs, ['--api', api, 'scale', '4'], token)).code).toBe(0);
  const stopped = await eventually(async () => {
    const events = await getJson<{ events: Array<{ message: string; data: Record<string, unknown> }> }>(`${api}/api/v1/events?kind=vm-scaling`);
    return events.events.find((e) => e.message === `${prefix}3 stopped`);
  }, 90_000, `${prefix}3 to be stopped`, 500);
  expect(stopped.data).toMatchObject({ vm: `${prefix}3`, action: 'stop', ok: true });
  const view = await getJson<VmScalingView>(`${api}/api/v1/vm-scaling`);
  expect(view.vms.find((vm) => vm.name === `${prefix}3`)).toMatchObject({ state: 'standby', pid: null });
  await eventually(() => Promise.resolve([...pids].every((pid) => !isAlive(pid))), 30_000, `the ${prefix}3 VMM process to exit`, 200);
  const cluster = await getJson<ClusterResponse>(`${api}/api/v1/cluster`);
  expect(cluster.services.find((s) => s.name === 'web')?.ready).toBe(4);
  expect(cluster.vms.find((vm) => vm.id === `${prefix}3`)?.status).toBe('down');
});

test('SIGINT stops every process the lab started and removes every container', async () => {
  const lock = JSON.parse(readFileSync(join(dataDir, 'lab.pid'), 'utf8')) as { pid: number; children: Array<{ pid: number }> };
  pids.add(lock.pid);
  for (const child of lock.children) pids.add(child.pid);
  expect(pids.size).toBeGreaterThanOrEqual(5); // the lab, the VIM, 2 VMMs, the added VMM
  expect(labContainers().length).toBeGreaterThan(0);

  lab.child.kill('SIGINT');
  const exit = await lab.exited;
  expect(exit.code).toBe(0);
  expect(lab.stdout).toContain('lab: stopped.');
  await eventually(() => Promise.resolve([...pids].every((pid) => !isAlive(pid))), 30_000, 'every lab process to exit', 200);
  expect(labContainers()).toEqual([]);
  expect(existsSync(join(dataDir, 'lab.pid'))).toBe(false);
});
