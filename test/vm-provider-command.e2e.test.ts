/**
 * VM-level scaling through the `command` provider, with a real acs-vim and a fake `vagrant` first on
 * its PATH: a test-made shell script that records its arguments. Agents are hand-driven over the real
 * protocol (RawAgent), so "every VM is full" costs no Docker: one VM with maxContainers 1 reports one
 * web container, and the service is scaled to 2.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmScalingView } from '@acs/api-types';
import { callApi, eventually, getJson, startVimProcess, type VimProcess } from './support/lab';
import { isAlive, ProcessGroup } from './support/processes';
import { eventsOfKind as events, ReportingAgents, scaleWebTo, webContainer } from './support/reporting-agent';

const group = new ProcessGroup();
const agents = new ReportingAgents();

jest.setTimeout(90_000);

afterEach(async () => {
  agents.closeAll();
  await group.cleanup();
});

interface FakeVagrant {
  dir: string;
  /** One line per run: each argument in brackets, e.g. `[up][sb4]`. */
  calls(): string[];
}

/** A `vagrant` script that records its arguments, then runs `body` (sh). */
function fakeVagrant(body: string): FakeVagrant {
  const dir = group.tempDir('acs-fake-vagrant-');
  const log = join(dir, 'calls.log');
  writeFileSync(join(dir, 'vagrant'), `#!/bin/sh\nfor a in "$@"; do printf '[%s]' "$a"; done >> '${log}'\necho >> '${log}'\n${body}\n`);
  chmodSync(join(dir, 'vagrant'), 0o755);
  return { dir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : []) };
}

async function vimWithCommandProvider(vagrant: FakeVagrant, provider: Record<string, unknown>, extraArgs: string[] = []): Promise<VimProcess> {
  const config = join(vagrant.dir, 'vm-provider.json');
  writeFileSync(config, JSON.stringify({ start: ['vagrant', 'up', '{vm}'], stop: ['vagrant', 'halt', '{vm}'], ...provider }));
  return startVimProcess(group, {
    reconcile: true,
    args: ['--vm-provider', 'command', '--vm-provider-config', config, '--startup-grace-ms', '0', '--report-interval-ms', '500', ...extraArgs],
    env: { PATH: `${vagrant.dir}:${process.env['PATH'] ?? ''}` },
  });
}

test('every VM full: runs `vagrant up <standby>` (argument array, no shell) and counts the VM up when its agent connects', async () => {
  const vagrant = fakeVagrant('exit 0');
  const vim = await vimWithCommandProvider(vagrant, { vms: ['sb4', 'sb5'] });
  await agents.open(vim, 'base1', [webContainer('c1')]);
  await scaleWebTo(vim, 2);

  await eventually(() => Promise.resolve(vagrant.calls().length > 0), 30_000, 'vagrant to be run');
  expect(vagrant.calls()).toEqual(['[up][sb4]']);
  const starting = await getJson<VmScalingView>(`${vim.api}/api/v1/vm-scaling`);
  expect(starting.inProgress).toMatchObject({ action: 'start', vm: 'sb4' });
  expect(starting.vms.map((vm) => `${vm.name}:${vm.state}`)).toEqual(['sb4:starting', 'sb5:standby']);

  await agents.open(vim, 'sb4', []);
  const up = await eventually(async () => (await events(vim, 'vm-scaling')).find((e) => e.message.startsWith('sb4 is up')), 20_000, 'sb4 to count as up');
  expect(up.data).toMatchObject({ vm: 'sb4', action: 'start', ok: true });
  const first = (await events(vim, 'vm-scaling'))[0]!;
  expect(first.message).toMatch(/1 container\(s\) unplaced and every VM is full.*base1 1\/1.*starting sb4/);
  // One VM action at a time, and none while the new VM has room: vagrant ran once.
  expect(vagrant.calls()).toEqual(['[up][sb4]']);
});

test('a standby VM left empty for the cool-down is halted with `vagrant halt <vm>`', async () => {
  const vagrant = fakeVagrant('exit 0');
  const vim = await vimWithCommandProvider(vagrant, { vms: ['sb4'] }, ['--vm-idle-cooldown-ms', '1500']);
  await agents.open(vim, 'base1', [webContainer('c1')]);
  await agents.open(vim, 'sb4', []);
  await eventually(() => Promise.resolve(vagrant.calls().length > 0), 30_000, 'vagrant halt');
  expect(vagrant.calls()).toEqual(['[halt][sb4]']);
  const stopped = await eventually(async () => (await events(vim, 'vm-scaling')).find((e) => e.message === 'sb4 stopped'), 10_000, 'the stop to be logged');
  expect(stopped.data).toMatchObject({ vm: 'sb4', action: 'stop', ok: true });
  // Its agent is still connected (a halting VM takes a while to drop off): that session is not halted twice.
  await new Promise((r) => setTimeout(r, 3000));
  expect(vagrant.calls()).toEqual(['[halt][sb4]']);
});

test('a failing `vagrant up` is an error event with its stderr; that VM backs off and the loop tries the next one', async () => {
  const vagrant = fakeVagrant(`if [ "$2" = sb4 ]; then echo "The machine with the name 'sb4' was not found" >&2; exit 1; fi\nexit 0`);
  const vim = await vimWithCommandProvider(vagrant, { vms: ['sb4', 'sb5'] });
  await agents.open(vim, 'base1', [webContainer('c1')]);
  await scaleWebTo(vim, 2);

  const failed = await eventually(async () => (await events(vim, 'error')).find((e) => e.data['vm'] === 'sb4'), 30_000, 'an error event for sb4');
  expect(failed.message).toMatch(/starting sb4 failed: vagrant up sb4 failed \(exit code 1\): The machine with the name 'sb4' was not found; sb4 is not tried again for 15 s/);
  expect(failed.data).toMatchObject({ code: 'command-failed', exitCode: 1, argv: ['vagrant', 'up', 'sb4'] });
  expect(failed.data['stderr']).toContain("name 'sb4' was not found");

  await eventually(() => Promise.resolve(vagrant.calls().includes('[up][sb5]')), 20_000, 'the next standby to be tried');
  expect(vagrant.calls()).toEqual(['[up][sb4]', '[up][sb5]']);
  const view = await getJson<VmScalingView>(`${vim.api}/api/v1/vm-scaling`);
  expect(view.vms.find((vm) => vm.name === 'sb4')?.backoffUntil).not.toBeNull();
  // The VIM is still serving and its service loop still deciding.
  expect((await callApi(vim.api, 'GET', '/api/v1/cluster')).status).toBe(200);
});

test('a `vagrant up` that outlives the timeout is killed and reported', async () => {
  const vagrant = fakeVagrant('echo $$ > "$(dirname "$0")/sleeper.pid"\nexec sleep 60');
  const vim = await vimWithCommandProvider(vagrant, { vms: ['sb4'], timeoutMs: 1000 });
  await agents.open(vim, 'base1', [webContainer('c1')]);
  await scaleWebTo(vim, 2);

  const timedOut = await eventually(async () => (await events(vim, 'error')).find((e) => e.data['vm'] === 'sb4'), 30_000, 'a timeout error event');
  expect(timedOut.message).toMatch(/vagrant up sb4 did not finish within 1 s and was killed/);
  expect(timedOut.data).toMatchObject({ code: 'command-timeout' });
  const pid = Number(readFileSync(join(vagrant.dir, 'sleeper.pid'), 'utf8'));
  await eventually(() => Promise.resolve(!isAlive(pid)), 10_000, 'the sleeping script to be gone');
});

test('a VM whose agent never connects after a successful `vagrant up` times out: an error event, and it backs off', async () => {
  const vagrant = fakeVagrant('exit 0');
  const vim = await vimWithCommandProvider(vagrant, { vms: ['sb4'] }, ['--vm-start-timeout-ms', '1000']);
  await agents.open(vim, 'base1', [webContainer('c1')]);
  await scaleWebTo(vim, 2);

  const timedOut = await eventually(async () => (await events(vim, 'error')).find((e) => e.data['vm'] === 'sb4'), 30_000, 'a start timeout error event');
  expect(timedOut.message).toMatch(/^sb4 did not connect within \d+ s; sb4 is not tried again for 15 s$/);
  const view = await getJson<VmScalingView>(`${vim.api}/api/v1/vm-scaling`);
  expect(view.inProgress).toBeNull();
  expect(view.vms[0]).toMatchObject({ name: 'sb4', state: 'standby' });
  expect(view.vms[0]?.backoffUntil).toEqual(expect.any(String));
  expect(view.lastDecision?.reason).toMatch(/every standby VM is backing off/);
  expect(vagrant.calls()).toEqual(['[up][sb4]']);
});

