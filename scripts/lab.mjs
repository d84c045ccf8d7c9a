#!/usr/bin/env node
// The local lab: one acs-vim and N acs-vmm agents on loopback, all from this checkout, with VM-level
// scaling through the `process` provider (standby "VMs" are extra acs-vmm processes the VIM starts).
// `npm start` runs it after installing and building; Ctrl-C (or SIGTERM) stops everything it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const usage = `Usage: npm start -- [options]     (or: node scripts/lab.mjs [options])

Starts the local lab: acs-vim plus N acs-vmm agents on 127.0.0.1, real Docker. When every VM is full
or busy and the web service needs more containers, the VIM starts a standby VM (one more acs-vmm);
one left empty for the cool-down is stopped again. Ctrl-C stops everything and removes the containers.

  --vms N                    VMM agents started at once (default 3, at most 32)     env ACS_LAB_VMS
  --max-containers N         containers per VM (default 4)                          env ACS_LAB_MAX_CONTAINERS
  --max-vms N                VMs at most, standby ones included (default vms + 2;   env ACS_LAB_MAX_VMS
                             equal to --vms: no VM-level scaling)
  --vm-idle-cooldown-ms MS   a standby VM left empty this long is stopped           env ACS_LAB_VM_IDLE_COOLDOWN_MS
                             (default 60000)
  --agent-prefix NAME        agent ids are NAME1, NAME2… (default vmm)              env ACS_LAB_AGENT_PREFIX
  --data-dir DIR             state, logs, lock file, admin token (default ./.acs)   env ACS_LAB_DATA_DIR
  --agent-port P             VIM agent port (default 7070)                          env ACS_LAB_AGENT_PORT
  --admin-port P             admin API and dashboard (default 9090)                 env ACS_LAB_ADMIN_PORT
  --http-port P              traffic front, tier 1 (default 8080)                   env ACS_LAB_HTTP_PORT
  --front-port P             first VMM front port; VMM i listens on P+i-1           env ACS_LAB_FRONT_PORT
                             (default 8081)
  -h, --help                 this help

Exit codes: 0 stopped cleanly, 1 a lab is already running or a port is taken (or a part failed), 2 bad options.`;

const env = process.env;
let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      vms: { type: 'string', default: env.ACS_LAB_VMS ?? '3' },
      'max-containers': { type: 'string', default: env.ACS_LAB_MAX_CONTAINERS ?? '4' },
      'max-vms': { type: 'string', default: env.ACS_LAB_MAX_VMS },
      'vm-idle-cooldown-ms': { type: 'string', default: env.ACS_LAB_VM_IDLE_COOLDOWN_MS ?? '60000' },
      'agent-prefix': { type: 'string', default: env.ACS_LAB_AGENT_PREFIX ?? 'vmm' },
      'data-dir': { type: 'string', default: env.ACS_LAB_DATA_DIR ?? join(root, '.acs') },
      'agent-port': { type: 'string', default: env.ACS_LAB_AGENT_PORT ?? '7070' },
      'admin-port': { type: 'string', default: env.ACS_LAB_ADMIN_PORT ?? '9090' },
      'http-port': { type: 'string', default: env.ACS_LAB_HTTP_PORT ?? '8080' },
      'front-port': { type: 'string', default: env.ACS_LAB_FRONT_PORT ?? '8081' },
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

const problems = [];
function whole(name, min, max) {
  const raw = opts[name];
  const n = Number(raw);
  if (!/^\d+$/.test(String(raw)) || n < min || n > max) problems.push(`--${name} must be a whole number from ${min} to ${max}, got ${raw}`);
  return n;
}
const vmCount = whole('vms', 1, 32);
const maxContainers = whole('max-containers', 1, 64);
if (opts['max-vms'] === undefined) opts['max-vms'] = String(vmCount + 2);
const maxVms = whole('max-vms', Math.max(1, vmCount), 64);
const idleCooldownMs = whole('vm-idle-cooldown-ms', 0, 86_400_000);
const ports = {
  agent: whole('agent-port', 1, 65535),
  admin: whole('admin-port', 1, 65535),
  http: whole('http-port', 1, 65535),
  front: whole('front-port', 1, 65535 - 32),
};
const prefix = opts['agent-prefix'];
if (!/^[A-Za-z][A-Za-z0-9._-]{0,40}$/.test(prefix)) problems.push(`--agent-prefix must be letters, digits, . _ - (starting with a letter), got ${prefix}`);
if (problems.length > 0) {
  console.error(`lab: ${problems.join('\n  ')}\n(run npm start -- --help)`);
  process.exit(2);
}
const dataDir = resolve(opts['data-dir']);
const adminUrl = `http://127.0.0.1:${ports.admin}`;
const lockFile = join(dataDir, 'lab.pid');

// ---- Only one lab per data dir and per set of ports: say so instead of failing on a busy port ----

const running = readLock();
if (running && isAlive(running.pid)) {
  console.error(`lab: a lab is already running from ${dataDir} (pid ${running.pid}, admin ${running.adminUrl}, traffic ${running.trafficUrl}).
Stop it first (Ctrl-C in its terminal, or kill ${running.pid}), or start this one with another --data-dir and other ports.`);
  process.exit(1);
}
// A lab killed outright (SIGKILL) leaves its lock and maybe its children: name them rather than fail on their ports.
const leftOver = running ? (running.children ?? []).filter((c) => isAlive(c.pid)) : [];
if (leftOver.length > 0) {
  console.error(`lab: the last lab from ${dataDir} (pid ${running.pid}) did not stop cleanly; these of its processes may still run: ${leftOver.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}.
Check them (ps -p ${leftOver.map((c) => c.pid).join(',')}) and stop them (kill ${leftOver.map((c) => c.pid).join(' ')}), then start again.`);
  process.exit(1);
}
try {
  const res = await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
  if (res.ok) {
    console.error(`lab: a VIM is already answering at ${adminUrl}: a lab (or acs-vim) is already running. Stop it first, or pick other ports (--help).`);
    process.exit(1);
  }
} catch {
  // nothing there: good
}
const wanted = [
  ['traffic', '--http-port', ports.http],
  ['admin', '--admin-port', ports.admin],
  ['agent', '--agent-port', ports.agent],
  ...Array.from({ length: vmCount }, (_, i) => [`${prefix}${i + 1} front`, '--front-port', ports.front + i]),
];
const busy = [];
for (const [what, flag, port] of wanted) if (!(await portFree(port))) busy.push(`127.0.0.1:${port} (${what}; change with ${flag})`);
if (busy.length > 0) {
  console.error(`lab: ${busy.length === 1 ? 'a port the lab needs is' : 'ports the lab needs are'} already in use: ${busy.join(', ')}. Is another lab or acs-vim running?`);
  process.exit(1);
}
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
if (running) rmSync(lockFile, { force: true }); // left by a lab that did not stop cleanly
let lockFd;
try {
  lockFd = openSync(lockFile, 'wx', 0o600);
} catch (error) {
  if (error.code !== 'EEXIST') throw error;
  console.error(`lab: another lab is starting from ${dataDir} right now (${lockFile}); stop it first.`);
  process.exit(1);
}
const lock = { pid: process.pid, startedAt: new Date().toISOString(), adminUrl, trafficUrl: `http://127.0.0.1:${ports.http}/`, children: [] };
writeLock();

// ---- Start the parts ----

const logDir = join(dataDir, 'logs');
mkdirSync(logDir, { recursive: true });
const children = [];
let stopping = false;

function start(name, bin, args) {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(root, bin), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ACS_SECRET: undefined, ACS_ADMIN_TOKEN: undefined } });
  // Two sources into one file: neither may end it for the other (a write after end would throw).
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  child.once('close', () => log.end());
  child.stderr.on('data', (chunk) => process.stderr.write(`[${name}] ${chunk}`));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`lab: ${name} exited unexpectedly (${signal ?? `code ${code}`}); see ${join(logDir, `${name}.log`)}. Stopping the lab.`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  lock.children.push({ name, pid: child.pid });
  writeLock();
  return child;
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  console.log('\nlab: stopping…');
  // The VIM first, so its autoscaler does not replace the containers the agents are about to remove
  // (it stops the standby VMMs it started itself, which drain and remove theirs); then the agents,
  // which drain and remove their containers (up to their own 30 s deadline).
  const stop = ({ child }, forceAfterMs) => new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const force = setTimeout(() => child.kill('SIGKILL'), forceAfterMs);
    child.once('exit', () => { clearTimeout(force); resolveStop(); });
    child.kill('SIGTERM');
  });
  await Promise.all(children.filter(({ name }) => name === 'acs-vim').map((c) => stop(c, 60_000)));
  await Promise.all(children.filter(({ name }) => name !== 'acs-vim').map((c) => stop(c, 35_000)));
  removeLock();
  console.log('lab: stopped.');
  process.exit(exitCode);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// Changes through the admin API need this token, even on loopback: another local user's process could
// otherwise scale or drain the lab. Generated once, kept in the data dir (mode 0600).
const tokenFile = join(dataDir, 'admin-token');
if (!existsSync(tokenFile)) writeFileSync(tokenFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });

// The standby VMs the VIM may start when every VM is full or busy: vmm<N+1>…vmm<maxVms>.
const standby = Array.from({ length: maxVms - vmCount }, (_, i) => `${prefix}${vmCount + i + 1}`);
const secretFile = join(dataDir, 'agent-secret');
const providerFile = join(dataDir, 'vm-provider.json');
writeFileSync(providerFile, `${JSON.stringify({
  vms: standby,
  vmm: [process.execPath, join(root, 'packages/vmm/bin/acs-vmm.js')],
  maxContainers,
  secretFile,
  logDir,
}, null, 2)}\n`);
const vmScalingArgs = standby.length === 0
  ? []
  : ['--vm-provider', 'process', '--vm-provider-config', providerFile, '--max-vms', String(maxVms), '--vm-idle-cooldown-ms', String(idleCooldownMs), '--vm-start-timeout-ms', '60000'];

// Lab timings: scale-in after 30 s of lower load instead of Kubernetes' 300 s. A first start only: after
// that the policy lives in the data dir and changes with `acs policy set`. The lab's agents connect
// within a second or two, so a restart waits 10 s for them, not 30.
// Room for every VM, standby ones included, so the autoscaler can ask for more than the first VMs hold.
const maxReplicas = maxContainers * maxVms;
const LAB_SCALING_POLICY = { maxReplicas, behavior: { scaleDown: { stabilizationWindowS: 30 } } };
start('acs-vim', 'packages/vim/bin/acs-vim.js', [
  '--data-dir', dataDir, '--agent-listen', `127.0.0.1:${ports.agent}`, '--admin-listen', `127.0.0.1:${ports.admin}`,
  '--http-listen', `127.0.0.1:${ports.http}`, '--scaling-policy', JSON.stringify(LAB_SCALING_POLICY),
  '--admin-token-file', tokenFile, '--startup-grace-ms', '10000', ...vmScalingArgs,
]);
await waitFor(async () => (await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(500) })).ok, 15_000, 'the VIM admin API');
for (let i = 1; i <= vmCount; i++) {
  start(`${prefix}${i}`, 'packages/vmm/bin/acs-vmm.js', [
    '--vim', `127.0.0.1:${ports.agent}`, '--agent-id', `${prefix}${i}`, '--secret-file', secretFile,
    '--front-listen', `127.0.0.1:${ports.front + i - 1}`, '--stop-containers-on-exit', '--max-containers', String(maxContainers),
  ]);
}
await waitFor(async () => {
  const body = await (await fetch(`${adminUrl}/api/v1/vms`, { signal: AbortSignal.timeout(500) })).json();
  return body.vms.filter((vm) => vm.status === 'ready').length >= vmCount;
}, 15_000, `${vmCount} agents to connect`);

const api = ports.admin === 9090 ? '' : ` --api ${adminUrl}`;
const target = ports.http === 8080 ? '' : ` --target http://127.0.0.1:${ports.http}`;
const examples = [
  [`npx acs status${api}`, 'desired, ready and starting containers; VMs; VM scaling'],
  [`npx acs-load${target} --rps 40 --duration 120`, 'open-loop load through tier 1 (--help: step, ramp, spike…)'],
  [`npx acs top${api}`, 'live view of VMs and containers'],
  [`npx acs events --follow${api}`, 'every decision, placement, command and VM start/stop'],
  [`npx acs scale 6${api}`, 'pin 6 containers (npx acs autoscale on to let go)'],
  [`curl -i http://127.0.0.1:${ports.http}/`, 'a request through both tiers (see X-Served-By)'],
  ['npx acs --help', 'every command'],
];
const width = Math.max(...examples.map(([command]) => command.length)) + 3;
console.log(`
Auto Cloud Scaler local lab is up: 1 VIM, ${vmCount} VMM agent(s) with ${maxContainers} containers each${standby.length > 0 ? `, up to ${standby.length} standby VM(s) (${standby.join(', ')})` : ''}.

  traffic        http://127.0.0.1:${ports.http}/            (tier 1: picks a VM, whose front picks a container)
  dashboard      ${adminUrl}/
  admin API      ${adminUrl}            (GET /api/v1/cluster, /api/v1/vms, /api/v1/events, /api/v1/vm-scaling)
  admin token    ${tokenFile}   (changes need it: export ACS_ADMIN_TOKEN=$(cat ${tokenFile}))
  VM fronts      ${Array.from({ length: vmCount }, (_, i) => `${prefix}${i + 1} http://127.0.0.1:${ports.front + i}`).join(', ')}${standby.length > 0 ? '; standby VMs get a free port' : ''}
  agent secret   ${secretFile}
  logs           ${logDir}/

The autoscaler keeps the web service between 1 and ${maxReplicas} containers (CPU target 60% of each container's
0.5 CPU; scale-in after 30 s of lower load).${standby.length > 0 ? ` When all VMs are full or above 80% CPU it starts a
standby VM; one empty for ${Math.round(idleCooldownMs / 1000)} s is stopped again (placement.strategy=binpack empties
VMs sooner: acs policy set placement.strategy=binpack).` : ''} Try:
  export ACS_ADMIN_TOKEN=$(cat ${tokenFile})
${examples.map(([command, what]) => `  ${command.padEnd(width)}${what}`).join('\n')}

Ctrl-C stops everything and removes the containers.`);

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

function readLock() {
  try {
    return JSON.parse(readFileSync(lockFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeLock() {
  const text = `${JSON.stringify(lock, null, 2)}\n`;
  if (lockFd === undefined) {
    writeFileSync(lockFile, text);
    return;
  }
  writeSync(lockFd, text);
  closeSync(lockFd);
  lockFd = undefined;
}

function removeLock() {
  // Only our own: a lab started after this one's lock went stale must keep its lock.
  if (readLock()?.pid === process.pid) rmSync(lockFile, { force: true });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function portFree(port) {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolvePort(true)));
  });
}
