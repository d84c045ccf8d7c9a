#!/usr/bin/env node
// The local lab: one acs-vim and N acs-vmm agents on loopback, all from this checkout.
// `npm start` runs it after installing and building; Ctrl-C (or SIGTERM) stops everything it started.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const usage = `Usage: npm start -- [--vms N] [--data-dir DIR] [--agent-port P] [--admin-port P]

Starts the local lab: acs-vim plus N acs-vmm agents on 127.0.0.1.
  --vms N          number of VMM agents (default 3, at most 32)
  --data-dir DIR   state and logs (default ./.acs)
  --agent-port P   VIM agent port (default 7070)
  --admin-port P   VIM admin API port (default 9090)
  --http-port P    VIM traffic front, tier 1 (default 8080)
  --front-port P   first VMM front port; VMM i listens on P+i-1 (default 8081)`;

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      vms: { type: 'string', default: '3' },
      'data-dir': { type: 'string', default: join(root, '.acs') },
      'agent-port': { type: 'string', default: '7070' },
      'admin-port': { type: 'string', default: '9090' },
      'http-port': { type: 'string', default: '8080' },
      'front-port': { type: 'string', default: '8081' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`lab: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (opts.help) {
  console.log(usage);
  process.exit(0);
}
const vmCount = Number(opts.vms);
if (!Number.isInteger(vmCount) || vmCount < 1 || vmCount > 32) {
  console.error(`lab: --vms must be a whole number from 1 to 32, got ${opts.vms}`);
  process.exit(2);
}
const dataDir = opts['data-dir'];
const adminUrl = `http://127.0.0.1:${opts['admin-port']}`;

// A second lab would fail on busy ports with a stack trace; say what is going on instead.
try {
  const res = await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
  if (res.ok) {
    console.error(`lab: a VIM is already answering at ${adminUrl}: a lab is already running. Stop it first (Ctrl-C in its terminal).`);
    process.exit(1);
  }
} catch {
  // nothing there: good
}

const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });
const children = [];
let stopping = false;

function start(name, bin, args) {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(root, bin), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.stderr.on('data', (chunk) => process.stderr.write(`[${name}] ${chunk}`));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`lab: ${name} exited unexpectedly (${signal ?? `code ${code}`}); see ${join(logDir, `${name}.log`)}. Stopping the lab.`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  console.log('\nlab: stopping…');
  // The VIM first, so its autoscaler does not replace the containers the agents are about to remove;
  // then the agents, which drain and remove their containers (up to their own 30 s deadline).
  const stop = ({ child }, forceAfterMs) => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), forceAfterMs);
    child.once('exit', () => { clearTimeout(force); resolve(); });
    child.kill('SIGTERM');
  });
  await Promise.all(children.filter(({ name }) => name === 'acs-vim').map((c) => stop(c, 10_000)));
  await Promise.all(children.filter(({ name }) => name !== 'acs-vim').map((c) => stop(c, 35_000)));
  console.log('lab: stopped.');
  process.exit(exitCode);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// Lab timings: scale-in after 30 s of lower load instead of Kubernetes' 300 s. A first start only: after
// that the policy lives in the data dir and changes with `acs policy set`.
const LAB_SCALING_POLICY = { behavior: { scaleDown: { stabilizationWindowS: 30 } } };
start('acs-vim', 'packages/vim/bin/acs-vim.js', [
  '--data-dir', dataDir, '--agent-listen', `127.0.0.1:${opts['agent-port']}`, '--admin-listen', `127.0.0.1:${opts['admin-port']}`,
  '--http-listen', `127.0.0.1:${opts['http-port']}`, '--scaling-policy', JSON.stringify(LAB_SCALING_POLICY),
]);
await waitFor(async () => (await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(500) })).ok, 15_000, 'the VIM admin API');
const secretFile = join(dataDir, 'agent-secret');
for (let i = 1; i <= vmCount; i++) {
  start(`vmm${i}`, 'packages/vmm/bin/acs-vmm.js', [
    '--vim', `127.0.0.1:${opts['agent-port']}`, '--agent-id', `vmm${i}`, '--secret-file', secretFile,
    '--front-listen', `127.0.0.1:${Number(opts['front-port']) + i - 1}`, '--stop-containers-on-exit', '--max-containers', '4',
  ]);
}
await waitFor(async () => {
  const body = await (await fetch(`${adminUrl}/api/v1/vms`, { signal: AbortSignal.timeout(500) })).json();
  return body.vms.filter((vm) => vm.status === 'ready').length === vmCount;
}, 15_000, `${vmCount} agents to connect`);

console.log(`
Auto Cloud Scaler local lab is up: 1 VIM, ${vmCount} VMM agent(s).

  traffic        http://127.0.0.1:${opts['http-port']}/            (tier 1: picks a VM, whose front picks a container)
  admin API      ${adminUrl}            (GET /healthz, /api/v1/cluster, /api/v1/vms, /api/v1/events)
  VM fronts      ${Array.from({ length: vmCount }, (_, i) => `vmm${i + 1} http://127.0.0.1:${Number(opts['front-port']) + i}`).join(', ')}
  agent port     127.0.0.1:${opts['agent-port']}
  agent secret   ${secretFile}
  logs           ${logDir}/

The autoscaler keeps the web service between 1 and 12 containers (CPU target 60% of each container's
0.5 CPU; scale-in after 30 s of lower load). Try:
  npx acs status                       desired, ready and starting containers; per-VM summary
  curl -i http://127.0.0.1:${opts['http-port']}/        a request through both tiers (see X-Served-By)
  npx acs events --follow              every decision, placement and command as it happens
  npx acs why                          the last scaling decision in one paragraph
  npx acs scale 3                      pin 3 containers (npx acs autoscale on to let go)
  npx acs drain vmm1                   move containers off vmm1
  npx acs vms                          the VMs and their host usage
  npx acs --help                       every command

Ctrl-C stops everything.`);

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`lab: gave up waiting for ${what} after ${timeoutMs / 1000} s; see the logs in ${logDir}`);
  await stopAll(1);
}
