#!/usr/bin/env node
// npm run build:image — builds the workload image acs-workload:<version> (and :latest) with no network:
// a root filesystem holding this machine's node binary, the shared libraries `ldd` says it needs, and
// the workload's compiled files, fed to `docker import`. Nothing is pulled.
// The image is labelled with a hash of its contents; when an image with that hash exists, nothing is built.
// Every command runs with an argument array: no shell, so no value is ever interpolated into one.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workloadDir = join(root, 'packages', 'workload');
const version = JSON.parse(readFileSync(join(workloadDir, 'package.json'), 'utf8')).version;
const repository = process.env.ACS_WORKLOAD_IMAGE ?? 'acs-workload';
const image = `${repository}:${version}`;
const ENTRYPOINT = ['/usr/bin/node', '/app/main.js'];
const USER = '65534:65534';

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${cmd}: ${result.error.message}`);
  return result;
}

function fail(message) {
  console.error(`build-image: ${message}`);
  process.exit(1);
}

if (run('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
  fail('the Docker Engine does not answer: run scripts/setup-docker.sh (npm start and npm test do).');
}
const dist = join(workloadDir, 'dist');
try {
  statSync(join(dist, 'main.js'));
} catch {
  fail(`${dist}/main.js is missing: run npm run build first.`);
}

const rootfs = mkdtempSync(join(tmpdir(), 'acs-workload-rootfs-'));
// On every way out, process.exit included (up to date, fail()): a finally block does not run then, and
// each leaked copy of node and its libraries is about 100 MB in /tmp.
process.on('exit', () => rmSync(rootfs, { recursive: true, force: true }));
try {
  const files = new Map(); // path in image → source on host
  const node = realpathSync(process.execPath);
  files.set('/usr/bin/node', node);
  const ldd = run('ldd', [node]);
  if (ldd.status !== 0) fail(`ldd ${node} failed: ${ldd.stderr}`);
  for (const line of ldd.stdout.split('\n')) {
    // "libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (match) files.set(match[1], realpathSync(match[1]));
  }
  for (const name of readdirSync(dist)) {
    if (name.endsWith('.js')) files.set(`/app/${name}`, join(dist, name));
  }

  for (const [inImage, source] of files) {
    const target = join(rootfs, inImage);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
    chmodSync(target, statSync(source).mode & 0o755);
  }
  const etc = join(rootfs, 'etc');
  mkdirSync(etc, { recursive: true });
  writeFileSync(join(etc, 'passwd'), 'root:x:0:0:root:/:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n');
  writeFileSync(join(etc, 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(join(rootfs, 'app', 'package.json'), '{"type":"commonjs"}\n');
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });

  // The hash covers every file and the image settings, so any change to node, libs or code rebuilds.
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ ENTRYPOINT, USER, version }));
  for (const path of listFiles(rootfs).sort()) {
    hash.update(relative(rootfs, path));
    hash.update(readFileSync(path));
  }
  const contentHash = hash.digest('hex').slice(0, 16);

  const existing = run('docker', ['image', 'inspect', '--format', '{{ index .Config.Labels "acs.content-hash" }}', image]);
  if (existing.status === 0 && existing.stdout.trim() === contentHash) {
    console.log(`build-image: ${image} is up to date (content ${contentHash}).`);
    ensureLatest();
    process.exit(0);
  }

  console.log(`build-image: building ${image} (content ${contentHash}) from ${files.size} files…`);
  const tar = spawnSync('tar', ['-C', rootfs, '--numeric-owner', '--owner=0', '--group=0', '-cf', '-', '.'], { maxBuffer: 1024 * 1024 * 1024 });
  if (tar.status !== 0) fail(`tar failed: ${tar.stderr}`);
  const imported = run('docker', [
    'import',
    '--change', `ENTRYPOINT ${JSON.stringify(ENTRYPOINT)}`,
    '--change', `USER ${USER}`,
    '--change', 'WORKDIR /app',
    '--change', 'ENV NODE_ENV=production',
    '--change', 'EXPOSE 8080',
    '--change', `LABEL acs.content-hash=${contentHash} acs.component=workload`,
    '-', image,
  ], { input: tar.stdout, maxBuffer: 16 * 1024 * 1024 });
  if (imported.status !== 0) fail(`docker import failed: ${imported.stderr}`);
  ensureLatest();
  console.log(`build-image: built ${image} and ${repository}:latest.`);
} finally {
  rmSync(rootfs, { recursive: true, force: true });
}

function ensureLatest() {
  const tagged = run('docker', ['tag', image, `${repository}:latest`]);
  if (tagged.status !== 0) fail(`docker tag failed: ${tagged.stderr}`);
}

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}
