/**
 * Real processes on loopback: one acs-vim, three acs-vmm, the real acs CLI, and raw sockets that
 * misbehave on purpose.
 */
import { readFileSync, statSync } from 'node:fs';
import type { VmListResponse } from '@acs/api-types';
import { FRAME_HEADER_BYTES } from '@acs/protocol';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { BIN, ProcessGroup, runCli } from './support/processes';
import { RawAgent } from './support/raw-agent';

const REPORT_INTERVAL_MS = 500;
const HEARTBEAT_TIMEOUT_MS = 3 * REPORT_INTERVAL_MS;
/** Deadlines are swept, not timed per socket: allow one sweep period and a scheduling hiccup. */
const DETECTION_SLACK_MS = 1500;
const vimArgs = ['--report-interval-ms', String(REPORT_INTERVAL_MS), '--handshake-timeout-ms', '1000'];

const group = new ProcessGroup();
let vim: VimProcess;

async function vms(api = vim.api): Promise<VmListResponse['vms']> {
  return (await getJson<VmListResponse>(`${api}/api/v1/vms`)).vms;
}

async function statusOf(id: string): Promise<string | undefined> {
  return (await vms()).find((vm) => vm.id === id)?.status;
}

beforeAll(async () => {
  vim = await startVimProcess(group, { args: vimArgs });
  for (const id of ['vmm1', 'vmm2', 'vmm3']) startVmmProcess(group, vim, id);
});

afterAll(() => group.cleanup());

test('three agents show ready in `acs vms --json`, with real host usage', async () => {
  const list = await eventually(
    async () => {
      const { code, stdout } = await runCli(BIN.acs, ['vms', '--json'], { ACS_API: vim.api });
      if (code !== 0) return undefined;
      const parsed = JSON.parse(stdout) as VmListResponse;
      const ready = parsed.vms.filter((vm) => vm.status === 'ready' && vm.host !== null);
      return ready.length === 3 ? parsed.vms : undefined;
    },
    10_000,
    'three ready VMs with a report',
  );
  expect(list.map((vm) => vm.id)).toEqual(['vmm1', 'vmm2', 'vmm3']);
  for (const vm of list) {
    expect(vm.host!.memTotalBytes).toBeGreaterThan(0);
    expect(vm.host!.cpuPct).toBeGreaterThanOrEqual(0);
    expect(vm.capacity.maxContainers).toBe(4);
    expect(vm.containers).toEqual([]);
  }
  const table = await runCli(BIN.acs, ['vms'], { ACS_API: vim.api });
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^ID\s+STATUS/);
  expect(table.stdout).toContain('vmm2');
});

test('the generated secret file is private to its owner', () => {
  expect(statSync(vim.secretFile).mode & 0o777).toBe(0o600);
});

test('garbage bytes, an oversize length and a silent socket are closed; the agents stay ready', async () => {
  const garbage = await RawAgent.open(vim.agentPort);
  garbage.writeRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  const oversize = await RawAgent.open(vim.agentPort);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32BE(0xffffffff, 0);
  oversize.writeRaw(header);
  const silent = await RawAgent.open(vim.agentPort);

  await Promise.all([garbage.closed, oversize.closed, silent.closed]);
  await vim.daemon.waitForLog((l) => l.reason === 'rejected' || l.code === 'handshake-timeout');
  expect(vim.daemon.logs.some((l) => String(l.detail).includes('frame-too-large'))).toBe(true);
  expect(vim.daemon.running).toBe(true);
  expect((await vms()).filter((vm) => vm.status === 'ready').map((vm) => vm.id)).toEqual(['vmm1', 'vmm2', 'vmm3']);
});

test('an agent that goes silent after its handshake is marked down within the heartbeat timeout', async () => {
  const agent = await RawAgent.open(vim.agentPort);
  const answer = await agent.handshake(readFileSync(vim.secretFile, 'utf8').trim(), 'silent-one');
  expect(answer.type).toBe('welcome');
  await eventually(async () => (await statusOf('silent-one')) === 'ready', 5000, 'silent-one ready');
  const silentSince = Date.now();
  await agent.closed; // the VIM closes it
  const down = (await vms()).find((vm) => vm.id === 'silent-one')!;
  expect(down.status).toBe('down');
  expect(down.downReason).toMatch(/heartbeat-timeout/);
  expect(Date.now() - silentSince).toBeLessThan(HEARTBEAT_TIMEOUT_MS + DETECTION_SLACK_MS);
});

test('a second live session with the same agent id is rejected', async () => {
  const impostor = await RawAgent.open(vim.agentPort);
  const answer = await impostor.handshake(readFileSync(vim.secretFile, 'utf8').trim(), 'vmm1');
  expect(answer).toMatchObject({ type: 'reject', code: 'duplicate-agent' });
  expect(await statusOf('vmm1')).toBe('ready');
});

test('a wrong secret: the agent exits non-zero with a clear message and the VIM logs the reject', async () => {
  const intruder = group.start('intruder', BIN.vmm, ['--vim', `127.0.0.1:${vim.agentPort}`, '--agent-id', 'intruder'], {
    ACS_SECRET: 'not-the-secret-at-all-0123456789',
  });
  const { code } = await intruder.exited;
  expect(code).not.toBe(0);
  expect(intruder.stderr).toMatch(/rejected this agent: secret does not match \(bad-proof\)/);
  await vim.daemon.waitForLog((l) => l.msg === 'agent rejected' && l.agentId === 'intruder' && l.code === 'bad-proof');
  expect(vim.daemon.stdout).not.toContain('not-the-secret-at-all');
});

test('SIGKILL one agent → down within the heartbeat timeout; the others stay ready', async () => {
  const victim = startVmmProcess(group, vim, 'vmm4');
  await eventually(async () => (await statusOf('vmm4')) === 'ready', 10_000, 'vmm4 ready');
  const killedAt = Date.now();
  await victim.kill('SIGKILL');
  await eventually(async () => (await statusOf('vmm4')) === 'down', HEARTBEAT_TIMEOUT_MS + DETECTION_SLACK_MS, 'vmm4 down');
  expect(Date.now() - killedAt).toBeLessThan(HEARTBEAT_TIMEOUT_MS + DETECTION_SLACK_MS);
  expect((await vms()).filter((vm) => vm.status === 'ready').map((vm) => vm.id)).toEqual(['vmm1', 'vmm2', 'vmm3']);
});

test('restart acs-vim → every agent is ready again within 5 s', async () => {
  const { agentPort, adminPort, dataDir } = vim;
  await vim.daemon.kill('SIGTERM');
  vim = await startVimProcess(group, { dataDir, agentPort, adminPort, args: vimArgs });
  const restartedAt = Date.now();
  await eventually(
    async () => (await vms()).filter((vm) => vm.status === 'ready').length === 3,
    5000,
    'three agents ready after the VIM restart',
  );
  expect(Date.now() - restartedAt).toBeLessThan(5000);
  expect(vim.daemon.logs.find((l) => String(l.msg).includes('secret'))?.origin).toBe('data-dir');
});
