#!/usr/bin/env node
// Stages what the Vagrant lab's VMs install, into vagrant/.stage/ (synced into each VM as /opt/acs-stage):
//   acs/bin/node               this machine's node binary (process.execPath): Debian's nodejs may be older
//   acs/bin/acs-vmm            a wrapper running the bundled acs-vmm with that node
//   acs/app/node_modules/...   @acs/vmm, built, with its production dependencies (copied from this checkout)
//   acs/share/                 the systemd unit and the lab README
//   acs-workload.tar           the workload image (`docker save`), for `docker load` in the VM
//   agent-secret               the VIM's agent secret (mode 0600)
//   manifest.json              what was staged, from which versions
// Nothing is downloaded: everything comes from this checkout, its node_modules and the local Docker.
// Every command runs with an argument array (no shell), so no value is ever interpolated into one.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const usage = `Usage: node vagrant/prepare.mjs [--out DIR] [--data-dir DIR] [--image REF] [--no-image]

Stages the node binary, acs-vmm, the workload image and the agent secret for the Vagrant lab.
  --out DIR       staging folder (default vagrant/.stage, which the Vagrantfile syncs into the VMs)
  --data-dir DIR  the host VIM's data dir, where its agent-secret lives (default .acs-vagrant);
                  ACS_SECRET, when set, is used instead. A missing secret is generated there (mode
                  0600), as acs-vim itself would on first start, so the VIM started later uses it.
  --image REF     the workload image to save (default acs-workload:<version>, also tagged :latest)
  --no-image      skip the image (e.g. to re-stage code only; the VMs keep the image they loaded)`;

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      out: { type: 'string', default: join(here, '.stage') },
      'data-dir': { type: 'string', default: join(root, '.acs-vagrant') },
      image: { type: 'string' },
      'no-image': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`prepare: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (opts.help) {
  console.log(usage);
  process.exit(0);
}

function fail(message) {
  console.error(`prepare: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) fail(`${cmd}: ${result.error.message}`);
  if (result.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${result.status}): ${(result.stderr ?? '').trim()}`);
  return result.stdout;
}

const vmmDir = join(root, 'packages', 'vmm');
if (!existsSync(join(vmmDir, 'dist', 'main.js'))) fail(`${vmmDir}/dist/main.js is missing: run npm run build first.`);

const out = resolve(opts.out);
const bundle = join(out, 'acs');
rmSync(bundle, { recursive: true, force: true });
mkdirSync(join(bundle, 'bin'), { recursive: true });
mkdirSync(join(bundle, 'share'), { recursive: true });

// The node binary: the one running this script, so the VMs run what the tests here ran.
const node = realpathSync(process.execPath);
copyFileSync(node, join(bundle, 'bin', 'node'));
chmodSync(join(bundle, 'bin', 'node'), 0o755);
copyFileSync(join(here, 'acs-vmm.sh'), join(bundle, 'bin', 'acs-vmm'));
chmodSync(join(bundle, 'bin', 'acs-vmm'), 0o755);
copyFileSync(join(here, 'acs-vmm.service'), join(bundle, 'share', 'acs-vmm.service'));
copyFileSync(join(here, 'README.md'), join(bundle, 'share', 'README.md'));

// @acs/vmm and its production dependency tree, as npm resolved it in this checkout. Workspace packages are
// symlinks into packages/: for those only what they publish (package.json and their `files`) is copied.
const appModules = join(bundle, 'app', 'node_modules');
const workspaces = new Map(); // real folder → path under node_modules
const listed = run('npm', ['ls', '--workspace', '@acs/vmm', '--omit=dev', '--all', '--parseable'], { cwd: root })
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && resolve(line) !== resolve(root));
for (const path of listed) {
  const rel = relative(join(root, 'node_modules'), path);
  if (rel.startsWith('..')) continue; // a workspace's own nested folder; found through its package below
  const real = realpathSync(path);
  if (real !== resolve(path)) workspaces.set(real, rel);
}
let copied = 0;
for (const path of listed) {
  const real = realpathSync(path);
  const workspace = workspaces.get(real);
  if (workspace !== undefined) {
    const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8'));
    const target = join(appModules, workspace);
    mkdirSync(target, { recursive: true });
    copyFileSync(join(real, 'package.json'), join(target, 'package.json'));
    for (const entry of manifest.files ?? []) {
      if (existsSync(join(real, entry))) cpSync(join(real, entry), join(target, entry), { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
    }
  } else {
    // A dependency nested in a workspace (packages/x/node_modules/y) lands under that workspace's copy.
    const owner = [...workspaces.keys()].find((dir) => real.startsWith(dir + sep));
    const rel = owner === undefined ? relative(join(root, 'node_modules'), path) : join(workspaces.get(owner), relative(owner, path));
    if (rel.startsWith('..')) fail(`${path} is outside node_modules; cannot place it in the bundle`);
    // Nested node_modules come with their parent (listed again below it: cpSync simply overwrites).
    cpSync(real, join(appModules, rel), { recursive: true, dereference: true });
  }
  copied++;
}
if (!existsSync(join(appModules, '@acs', 'vmm', 'bin', 'acs-vmm.js'))) fail('npm ls did not list @acs/vmm; is node_modules installed (npm ci)?');

// The workload image, as the VMM starts it (the VIM asks for acs-workload:latest).
const version = JSON.parse(readFileSync(join(root, 'packages', 'workload', 'package.json'), 'utf8')).version;
const image = opts.image ?? `acs-workload:${version}`;
const imageTar = join(out, 'acs-workload.tar');
if (!opts['no-image']) {
  const latest = `${image.replace(/:[^:/]+$/, '')}:latest`;
  run('docker', ['image', 'inspect', image], { stdio: 'ignore' });
  const refs = [...new Set([image, latest])].filter((ref) => ref === image || spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0);
  console.log(`prepare: saving ${refs.join(' and ')} (docker save)…`);
  run('docker', ['save', '--output', imageTar, ...refs]);
} else if (!existsSync(imageTar)) {
  console.log('prepare: --no-image and no image staged before: provisioning a new VM will stop and ask for it.');
}

// The agent secret: ACS_SECRET, else the VIM data dir's agent-secret, made there if it does not exist yet.
const secretOut = join(out, 'agent-secret');
let secretOrigin;
if (process.env.ACS_SECRET) {
  writeFileSync(secretOut, `${process.env.ACS_SECRET.trim()}\n`, { mode: 0o600 });
  secretOrigin = 'ACS_SECRET';
} else {
  const dataDir = resolve(opts['data-dir']);
  const secretFile = join(dataDir, 'agent-secret');
  if (!existsSync(secretFile)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(secretFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    console.log(`prepare: generated ${secretFile}; start acs-vim with --data-dir ${dataDir} so it uses it.`);
  }
  copyFileSync(secretFile, secretOut);
  secretOrigin = secretFile;
}
chmodSync(secretOut, 0o600);

const manifest = {
  stagedAt: new Date().toISOString(),
  node: process.version,
  vmm: JSON.parse(readFileSync(join(vmmDir, 'package.json'), 'utf8')).version,
  packages: copied,
  image: opts['no-image'] ? null : image,
  secretFrom: secretOrigin,
};
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`prepare: staged node ${process.version}, acs-vmm and ${copied} packages into ${out}${opts['no-image'] ? '' : `, with ${image}`}.`);
console.log('prepare: next: start acs-vim on the host (see vagrant/README.md), then `vagrant up` in vagrant/ (or `vagrant provision` to update running VMs).');
