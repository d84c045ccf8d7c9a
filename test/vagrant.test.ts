/**
 * The Vagrant lab, checked without a hypervisor: `vagrant validate` on the Vagrantfile (offline: no box, no
 * plugin download), the staging script's bundle run for real (its node, its acs-vmm, connected to a real
 * acs-vim with the secret it staged), and the systemd unit through `systemd-analyze verify`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { eventually, getJson, startVimProcess, type VimProcess } from './support/lab';
import { Daemon, ProcessGroup, REPO_ROOT } from './support/processes';
import { removeAgentContainers } from './support/docker';

const VAGRANT_DIR = join(REPO_ROOT, 'vagrant');
/** The Vagrantfile's private network prefix (e.g. `a.b.c`): VM addresses are checked against it, not a copy. */
const PRIVATE_NETWORK = /^PRIVATE_NETWORK = "([\d.]+)"$/m.exec(readFileSync(join(VAGRANT_DIR, 'Vagrantfile'), 'utf8'))![1]!;
const PREPARE = join(VAGRANT_DIR, 'prepare.mjs');
const group = new ProcessGroup();
const stagedAgents: Daemon[] = [];
const AGENT_ID = `vgt${process.pid}-vmm1`;

jest.setTimeout(120_000);

afterAll(async () => {
  for (const agent of stagedAgents) await agent.kill();
  await group.cleanup();
  removeAgentContainers([AGENT_ID]);
});

/** Whether `tool` is an executable on PATH (looked up here, not through a shell's `command -v`). */
function hasTool(tool: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs vagrant on a copy of the lab's files in a temp dir, so its `.vagrant/` state never lands in the
 * checkout. Offline by construction: validate and status never fetch a box; VAGRANT_CHECKPOINT_DISABLE
 * stops the version check, the one network call vagrant would otherwise make.
 */
function vagrant(args: string[], env: Record<string, string> = {}): { code: number | null; output: string } {
  const dir = group.tempDir('acs-vagrant-');
  for (const file of ['Vagrantfile', 'provision.sh']) copyFileSync(join(VAGRANT_DIR, file), join(dir, file));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ACS_') && !k.startsWith('VAGRANT_')));
  const result = spawnSync('vagrant', args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...clean, VAGRANT_CHECKPOINT_DISABLE: '1', VAGRANT_BOX_UPDATE_CHECK_DISABLE: '1', VAGRANT_NO_COLOR: '1', ...env },
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

interface VagrantfileCall {
  path: string;
  value?: unknown;
  args?: unknown[];
  kw?: Record<string, unknown>;
}

/**
 * What the Vagrantfile asks of Vagrant, without Vagrant: it is loaded by plain Ruby (Vagrant's own
 * language, installed with it) with `Vagrant.configure` yielding a recorder that logs every setting and
 * call, e.g. `config.vm.define(vmm2).vm.network` with its arguments.
 */
const RECORDER_RB = `
require "json"
$records = []
class Recorder
  def initialize(path) = (@path = path; @children = {})
  def method_missing(name, *args, **kw, &block)
    key = name.to_s
    if key.end_with?("=")
      $records << { path: "#{@path}.#{key.chomp('=')}", value: args[0] }
      return args[0]
    end
    return @children[key] ||= Recorder.new("#{@path}.#{key}") if args.empty? && kw.empty? && block.nil?
    $records << { path: "#{@path}.#{key}", args: args, kw: kw }
    block&.call(Recorder.new("#{@path}.#{key}(#{args.first})"))
    nil
  end
  def respond_to_missing?(*) = true
end
module Vagrant
  def self.configure(_version) = yield(Recorder.new("config"))
end
load ARGV[0]
puts JSON.generate($records)
`;

function vagrantfileCalls(env: Record<string, string>): VagrantfileCall[] {
  const dir = group.tempDir('acs-vagrantfile-');
  writeFileSync(join(dir, 'recorder.rb'), RECORDER_RB);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ACS_')));
  const result = spawnSync('ruby', [join(dir, 'recorder.rb'), join(VAGRANT_DIR, 'Vagrantfile')], { encoding: 'utf8', env: { ...clean, ...env } });
  if (result.status !== 0) throw new Error(`ruby could not load the Vagrantfile (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as VagrantfileCall[];
}

describe('Vagrantfile', () => {
  beforeAll(() => {
    if (!hasTool('vagrant')) throw new Error('vagrant is not installed: run scripts/setup-test-tools.sh as root (Debian packages vagrant, vagrant-libvirt)');
  });

  test('validates with the libvirt provider (Debian ships its plugin), provider settings included', () => {
    // No hypervisor runs here: the libvirt provider's config is checked without connecting to libvirtd,
    // whereas VirtualBox's provider refuses to load at all without VBoxManage.
    const result = vagrant(['validate'], { VAGRANT_DEFAULT_PROVIDER: 'libvirt' });
    expect(result.output).toContain('validated successfully');
    expect(result.code).toBe(0);
  });

  test('validates for VirtualBox too, with its provider block skipped (no VirtualBox here)', () => {
    const result = vagrant(['validate', '--ignore-provider'], { VAGRANT_DEFAULT_PROVIDER: 'virtualbox' });
    expect(result.output).toContain('validated successfully');
    expect(result.code).toBe(0);
  });

  test('defines ACS_VMS machines plus ACS_STANDBY_VMS standby ones, vmm1..vmmN', () => {
    const result = vagrant(['status', '--machine-readable'], { VAGRANT_DEFAULT_PROVIDER: 'libvirt', ACS_VMS: '2', ACS_STANDBY_VMS: '2' });
    expect(result.code).toBe(0);
    const machines = [...result.output.matchAll(/^\d*,(vmm\d+),state,/gm)].map((m) => m[1]);
    expect(machines).toEqual(['vmm1', 'vmm2', 'vmm3', 'vmm4']);
    const defaults = vagrant(['status', '--machine-readable'], { VAGRANT_DEFAULT_PROVIDER: 'libvirt' });
    expect([...defaults.output.matchAll(/^\d*,(vmm\d+),state,/gm)].map((m) => m[1])).toEqual(['vmm1', 'vmm2', 'vmm3']);
  });

  test('a bad setting stops vagrant with a message naming it', () => {
    const result = vagrant(['validate'], { VAGRANT_DEFAULT_PROVIDER: 'libvirt', ACS_VMS: 'three' });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('ACS_VMS must be a whole number from 1 to 200, got "three"');
    const tooMany = vagrant(['validate'], { VAGRANT_DEFAULT_PROVIDER: 'libvirt', ACS_VMS: '150', ACS_STANDBY_VMS: '60' });
    expect(tooMany.output).toContain('ACS_VMS + ACS_STANDBY_VMS is at most 200');
  });

  test('each VM: its own private address, its VMM pointed at the host, standby VMs off, both providers sized', () => {
    const records = vagrantfileCalls({ ACS_VMS: '2', ACS_STANDBY_VMS: '1', ACS_VM_MEMORY_MB: '3072', ACS_VM_CPUS: '3' });
    const calls = (path: string): VagrantfileCall[] => records.filter((r) => r.path === path);
    const value = (path: string): unknown => calls(path)[0]?.value;
    expect(value('config.vm.box')).toBe('debian/bookworm64');
    expect(calls('config.vm.define').map((d) => [d.args![0], d.kw!['autostart']])).toEqual([['vmm1', true], ['vmm2', true], ['vmm3', false]]);
    for (const [i, name] of ['vmm1', 'vmm2', 'vmm3'].entries()) {
      const node = `config.vm.define(${name})`;
      const address = `${PRIVATE_NETWORK}.${11 + i}`;
      expect(value(`${node}.vm.hostname`)).toBe(name);
      expect(calls(`${node}.vm.network`).map((n) => [n.args![0], n.kw!['ip']])).toEqual([['private_network', address]]);
      const [provision] = calls(`${node}.vm.provision`);
      expect(provision?.kw).toMatchObject({
        type: 'shell',
        path: 'provision.sh',
        env: { ACS_AGENT_ID: name, ACS_VIM: `${PRIVATE_NETWORK}.1:7070`, ACS_FRONT_LISTEN: `${address}:8081`, ACS_MAX_CONTAINERS: '4' },
      });
    }
    for (const provider of ['virtualbox', 'libvirt']) {
      expect([value(`config.vm.provider(${provider}).memory`), value(`config.vm.provider(${provider}).cpus`)]).toEqual([3072, 3]);
    }
    // Only the staging folder goes in, by rsync (the same for both providers).
    expect(calls('config.vm.synced_folder').map((f) => [...f.args!, f.kw!['type'] ?? f.kw!['disabled']])).toEqual([
      ['.', '/vagrant', true],
      ['.stage', '/opt/acs-stage', 'rsync'],
    ]);
  });
});

function runPrepare(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const { ACS_SECRET: _unused, ...rest } = process.env;
  const result = spawnSync(process.execPath, [PREPARE, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...rest, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

describe('prepare.mjs: the bundle a VM installs', () => {
  let out: string;
  let dataDir: string;

  beforeAll(() => {
    out = group.tempDir('acs-stage-');
    dataDir = group.tempDir('acs-vagrant-data-');
    const result = runPrepare(['--out', out, '--data-dir', dataDir]);
    if (result.code !== 0) throw new Error(`prepare.mjs failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  });

  test('stages node, acs-vmm, the unit, the image and the secret', () => {
    for (const file of ['acs/bin/node', 'acs/bin/acs-vmm', 'acs/share/acs-vmm.service', 'acs-workload.tar', 'agent-secret', 'manifest.json']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ node: process.version, image: 'acs-workload:0.1.0' });
    // A docker save archive: a tar holding the image manifest.
    const listing = spawnSync('tar', ['-tf', join(out, 'acs-workload.tar')], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(listing.stdout.split('\n')).toContain('manifest.json');
    // The secret the VIM will generate-or-read from its data dir, readable by its owner only.
    expect(statSync(join(out, 'agent-secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, 'agent-secret'), 'utf8')).toBe(readFileSync(join(dataDir, 'agent-secret'), 'utf8'));
  });

  test('the bundle is self-contained: no symlink, nothing from the checkout', () => {
    const files = filesUnder(join(out, 'acs'));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expect(lstatSync(file).isSymbolicLink()).toBe(false);
    // Only what the packages publish: no TypeScript sources or tests of ours.
    expect(files.some((f) => f.includes('/@acs/vmm/src/'))).toBe(false);
    expect(existsSync(join(out, 'acs/app/node_modules/@acs/protocol/dist/index.js'))).toBe(true);
    expect(existsSync(join(out, 'acs/app/node_modules/dockerode/package.json'))).toBe(true);
  });

  test('acs-vmm --help runs with the staged node', () => {
    const help = spawnSync(join(out, 'acs/bin/acs-vmm'), ['--help'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--vim');
    expect(help.stdout).toContain('--secret-file');
  });

  test('the staged acs-vmm joins a real acs-vim with the staged secret', async () => {
    const vim: VimProcess = await startVimProcess(group, { dataDir });
    const child = spawn(join(out, 'acs/bin/acs-vmm'), [
      '--vim', `127.0.0.1:${vim.agentPort}`, '--agent-id', AGENT_ID, '--secret-file', join(out, 'agent-secret'), '--front-listen', '127.0.0.1:0',
    ], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    const agent = new Daemon(AGENT_ID, child);
    stagedAgents.push(agent);
    await eventually(async () => {
      const { vms } = await getJson<{ vms: Array<{ id: string; status: string }> }>(`${vim.api}/api/v1/vms`);
      return vms.some((vm) => vm.id === AGENT_ID && vm.status === 'ready');
    }, 30_000, 'the staged agent to be ready');
    await agent.kill();
    expect(agent.stderr).toBe('');
  });

  test('ACS_SECRET, when set, is what gets staged', () => {
    const other = group.tempDir('acs-stage-');
    const result = runPrepare(['--out', other, '--data-dir', join(other, 'unused'), '--no-image'], { ACS_SECRET: 'a-shared-secret-of-enough-length-0123456789' });
    expect(result.code).toBe(0);
    expect(readFileSync(join(other, 'agent-secret'), 'utf8')).toBe('a-shared-secret-of-enough-length-0123456789\n');
    expect(existsSync(join(other, 'unused'))).toBe(false);
    expect(existsSync(join(other, 'acs-workload.tar'))).toBe(false);
  });

  test('a bad command line exits 2 with the usage', () => {
    const result = runPrepare(['--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: node vagrant/prepare.mjs');
  });

  const verify = hasTool('systemd-analyze') ? test : test.skip;
  if (!hasTool('systemd-analyze')) {
    console.warn('systemd-analyze is not installed here: the acs-vmm.service check is skipped');
  }
  verify('the systemd unit passes systemd-analyze verify, pointed at the staged acs-vmm', () => {
    // verify insists that ExecStart exists and is executable: point it at the bundle just staged.
    const dir = group.tempDir('acs-unit-');
    const unit = readFileSync(join(VAGRANT_DIR, 'acs-vmm.service'), 'utf8');
    expect(unit).toContain('ExecStart=/opt/acs/bin/acs-vmm');
    writeFileSync(join(dir, 'acs-vmm.service'), unit.replace('ExecStart=/opt/acs/bin/acs-vmm', `ExecStart=${realpathSync(join(out, 'acs/bin/acs-vmm'))}`));
    const result = spawnSync('systemd-analyze', ['verify', join(dir, 'acs-vmm.service')], { encoding: 'utf8' });
    // Unknown or misspelt keys are only warnings (exit 0): any output at all fails the check.
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
    // The hardening, as systemd rates it: exposure 0 (locked down) to 10 (none); fails above 2.0.
    const security = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', join(dir, 'acs-vmm.service')], { encoding: 'utf8' });
    expect(security.stdout).toMatch(/Overall exposure level for acs-vmm\.service: (?:[01]\.\d|2\.0) /);
    expect(security.status).toBe(0);
  });
});

describe('provision.sh', () => {
  test('stops before installing anything when the host staged nothing, and says what to run', () => {
    const stage = group.tempDir('acs-empty-stage-');
    const result = spawnSync('bash', [join(VAGRANT_DIR, 'provision.sh')], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], ACS_STAGE_DIR: stage, ACS_AGENT_ID: 'vmm1', ACS_VIM: '127.0.0.1:7070', ACS_FRONT_LISTEN: '127.0.0.1:8081', ACS_MAX_CONTAINERS: '4' },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${stage}/manifest.json is missing: on the host run 'node vagrant/prepare.mjs', then 'vagrant provision'`);
    expect(result.stdout).toBe('');
  });

  test('refuses to run without the settings the Vagrantfile passes', () => {
    const result = spawnSync('bash', [join(VAGRANT_DIR, 'provision.sh')], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ACS_AGENT_ID: set by the Vagrantfile');
  });
});
