/**
 * `acs-vim` refusing bad VM-scaling configuration: exit code 2 and a message naming every problem,
 * before anything starts (the style of config-errors.e2e.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ProcessGroup, runCli } from './support/processes';

const CONFIG_EXIT = 2;
const group = new ProcessGroup();

afterEach(() => group.cleanup());

/** Settings that keep a VIM off the default ports and out of the working directory, should it start by mistake. */
function safeVimArgs(): string[] {
  return ['--agent-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--data-dir', group.tempDir('acs-vim-data-')];
}

function configFile(content: string): string {
  const path = join(group.tempDir('acs-vm-provider-'), 'vm-provider.json');
  writeFileSync(path, content);
  return path;
}

async function vimFails(args: string[]): Promise<string> {
  const { code, stderr } = await runCli(BIN.vim, [...safeVimArgs(), ...args]);
  expect(code).toBe(CONFIG_EXIT);
  return stderr;
}

test('an unknown provider and out-of-range thresholds are named', async () => {
  const stderr = await vimFails(['--vm-provider', 'cloud', '--vm-cpu-threshold', '120', '--max-vms', '0']);
  expect(stderr).toContain('--vm-provider: got "cloud", expected one of off, process, command');
  expect(stderr).toContain('--vm-cpu-threshold: got "120", expected a whole number from 1 to 100');
  expect(stderr).toContain('--max-vms: got "0", expected a whole number from 1 to 10000');
});

test('a provider without its config file says what is missing', async () => {
  const stderr = await vimFails(['--vm-provider', 'command']);
  expect(stderr).toContain('--vm-provider command needs --vm-provider-config FILE');
});

test('a config file that is missing or not JSON says so', async () => {
  expect(await vimFails(['--vm-provider', 'command', '--vm-provider-config', '/nonexistent/vm-provider.json'])).toContain('expected a readable JSON file (ENOENT)');
  expect(await vimFails(['--vm-provider', 'command', '--vm-provider-config', configFile('{"vms": [')])).toMatch(/expected a JSON object \(.*JSON/);
});

test('every problem in a command provider config is listed at once', async () => {
  // 'shell' quoted: the no-shell scan (test/security/no-shell.test.ts) looks for a spawn option, and this is data.
  const file = configFile(JSON.stringify({ vms: ['vm 4', 'vmm5', 'vmm5'], start: 'vagrant up', stop: ['vagrant', 'halt', 'vmm4'], timeoutMs: 5, 'shell': true }));
  const stderr = await vimFails(['--vm-provider', 'command', '--vm-provider-config', file]);
  expect(stderr).toContain('shell is not a command provider setting');
  expect(stderr).toContain('vms holds "vm 4", which is not a VM name');
  expect(stderr).toContain('vms names a VM twice');
  expect(stderr).toContain('start must be an array of strings, got "vagrant up"');
  expect(stderr).toContain(`stop must pass the VM's name as a whole argument "{vm}"`);
  expect(stderr).toContain('timeoutMs must be a whole number from 1000 to 3600000, got 5');
});

test('a process provider config is checked against its own keys; minVms above maxVms is refused', async () => {
  const file = configFile(JSON.stringify({ vms: [], start: ['x', '{vm}'], maxContainers: 0 }));
  const stderr = await vimFails(['--vm-provider', 'process', '--vm-provider-config', file, '--min-vms', '3', '--max-vms', '2']);
  expect(stderr).toContain('start is not a process provider setting');
  expect(stderr).toContain('vms must name at least one standby VM');
  expect(stderr).toContain('maxContainers must be a whole number from 1 to 1000, got 0');

  const valid = configFile(JSON.stringify({ vms: ['vmm4'] }));
  expect(await vimFails(['--vm-provider', 'process', '--vm-provider-config', valid, '--min-vms', '3', '--max-vms', '2'])).toContain('--min-vms: must not exceed maxVms (2), got 3');
});
