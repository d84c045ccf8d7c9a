/**
 * `acs top` in a real terminal: tmux runs it (detached) against a real acs-vim with one acs-vmm agent and a
 * workload container in Docker; capture-pane reads the screen. Checks the live view, that it rides out the
 * VIM going away and coming back, and that q, Ctrl-C and SIGTERM each leave the terminal as it was (main
 * screen, cursor shown) with exit status 0.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeAgentContainers } from './support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { BIN, ProcessGroup } from './support/processes';

const RUN = `top${process.pid}`;
const VM = `${RUN}-a`;
const SOCKET = `acs-${RUN}`;
const group = new ProcessGroup();
let vim: VimProcess;
let dataDir: string;

jest.setTimeout(120_000);

const VIM_ARGS = ['--report-interval-ms', '250', '--scaling-policy', JSON.stringify({ minReplicas: 1, maxReplicas: 2, controlPeriodMs: 500 })];

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** One tmux format value of a session's pane, e.g. alternate_on, cursor_flag, pane_dead. */
function pane(session: string, format: string): string {
  return tmux('display-message', '-p', '-t', session, `#{${format}}`).trim();
}

function screen(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/**
 * Starts `acs top` in a new 120x40 session under a shell that prints its exit status when it ends and then
 * stays, so the screen can be read as acs left it (a dead pane is reset by tmux).
 */
function startTop(session: string): void {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN.acs)} --api ${vim.api} top; echo "acs top exited with status $?"; exec sleep 600`;
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
}

/** The pid of `acs top` itself: the only child of the pane's shell. */
function topPid(session: string): number {
  const shell = pane(session, 'pane_pid');
  const child = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim();
  if (!/^\d+$/.test(child)) throw new Error(`expected one child of the pane's shell ${shell}, got ${JSON.stringify(child)}`);
  return Number(child);
}

async function expectRestored(session: string): Promise<void> {
  await eventually(() => Promise.resolve(screen(session).includes('acs top exited with status')), 10_000, `acs top in ${session} to exit`);
  expect(screen(session)).toContain('acs top exited with status 0');
  expect(pane(session, 'alternate_on')).toBe('0');
  expect(pane(session, 'cursor_flag')).toBe('1');
  // The main screen is back as it was: none of the live view is left on it.
  expect(screen(session)).not.toContain('LAST EVENTS');
}

beforeAll(async () => {
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is missing: this test runs acs top in a real terminal; apt-get install tmux');
  dataDir = group.tempDir('acs-top-');
  const config = join(dataDir, 'tmux.conf');
  writeFileSync(config, 'set -g status off\n');
  tmux('-f', config, 'start-server', ';', 'new-session', '-d', '-s', 'keep', 'sleep 600');
  vim = await startVimProcess(group, { dataDir, reconcile: true, args: VIM_ARGS });
  startVmmProcess(group, vim, VM, ['--max-containers', '2', '--stop-grace-seconds', '1']);
  await eventually(async () => (await getJson<{ containers: Array<{ ready: boolean }> }>(`${vim.api}/api/v1/containers`)).containers.some((c) => c.ready), 60_000, 'a ready container');
});

afterAll(async () => {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  // kill-server leaves its socket file behind.
  rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, SOCKET), { force: true });
  await group.cleanup();
  removeAgentContainers([VM]);
});

test('the live view shows the VM and its container on the alternate screen, rides out a VIM restart, and q restores the terminal', async () => {
  startTop('live');
  await eventually(() => Promise.resolve(/live\s*$/m.test(screen('live')) && screen('live').includes(VM) && /acs-web-/.test(screen('live'))), 20_000, 'the live view with the VM and its container');
  if (process.env['ACS_SHOW_SCREEN']) process.stdout.write(screen('live'));
  expect(pane('live', 'alternate_on')).toBe('1');
  expect(pane('live', 'cursor_flag')).toBe('0');
  expect(screen('live')).toMatch(/offered [\d.]+ req\/s/);
  expect(screen('live')).toMatch(/web\s+replicas 1\/1 ready/);

  await vim.daemon.kill('SIGTERM');
  await eventually(() => Promise.resolve(screen('live').includes('VIM unreachable')), 15_000, 'the unreachable notice');
  expect(screen('live')).toContain('cannot reach the VIM admin API');
  expect(pane('live', 'pane_dead')).toBe('0');

  vim = await startVimProcess(group, { dataDir, reconcile: true, agentPort: vim.agentPort, adminPort: vim.adminPort, args: VIM_ARGS });
  await eventually(() => Promise.resolve(/live\s*$/m.test(screen('live')) && !screen('live').includes('VIM unreachable')), 20_000, 'the view live again');

  tmux('send-keys', '-t', 'live', 'q');
  await expectRestored('live');
});

test('Ctrl-C ends it with the terminal restored and status 0', async () => {
  startTop('ctrlc');
  await eventually(() => Promise.resolve(screen('ctrlc').includes('LAST EVENTS')), 20_000, 'the live view');
  tmux('send-keys', '-t', 'ctrlc', 'C-c');
  await expectRestored('ctrlc');
});

test('SIGTERM ends it with the terminal restored and status 0', async () => {
  startTop('term');
  await eventually(() => Promise.resolve(screen('term').includes('LAST EVENTS')), 20_000, 'the live view');
  process.kill(topPid('term'), 'SIGTERM');
  await expectRestored('term');
});
