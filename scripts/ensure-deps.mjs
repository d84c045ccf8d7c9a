#!/usr/bin/env node
// Installs the locked dependencies when they are missing or the lock file changed since the last
// install, so `npm start` and `npm test` work on a fresh clone with nothing but Node and npm.
// Plain Node with no dependencies: it runs before anything is installed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Auto Cloud Scaler needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.acs-lock-hash');
const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) process.exit(0);

// `npm install`, not `npm ci`: with a lock file that satisfies package.json it installs exactly the locked
// versions and leaves the lock untouched, but unlike `npm ci` it does not insist that the lock list
// every other platform's optional native binding (npm/cli#4828, #8320: npm 11 here writes locks
// that hold only this platform's, and `npm ci` then refuses them).
console.log('Installing dependencies (npm install from package-lock.json)…');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('npm install failed: see the output above. The npm registry must be reachable for a first install.');
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, hash);
