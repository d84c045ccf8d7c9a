/**
 * Slow clients (slowloris) against every port a real acs-vim and acs-vmm open: the agent port, tier 1, the
 * VMM's tier-2 front and the admin API. Connections that send nothing, or dribble a request (or a hello)
 * byte by byte, are closed at their deadline, while normal requests get through meanwhile.
 */
import { readFileSync } from 'node:fs';
import { ADMIN_HTTP_LIMITS, TRAFFIC_HTTP_LIMITS } from '@acs/daemon';
import { removeAgentContainers } from '../support/docker';
import { eventually, startVimProcess, type VimProcess } from '../support/lab';
import { ProcessGroup } from '../support/processes';
import { RawAgent } from '../support/raw-agent';
import { agentServerView, openSlowConnection, settlesWithin, startServingLab, type SlowConnection } from './support';

const RUN = `sl${process.pid}`;
const VMM_ID = `${RUN}-vmm`;
const HANDSHAKE_TIMEOUT_MS = 1000;
const SLOW_PER_KIND = 25;
const group = new ProcessGroup();
let vim: VimProcess;
let secret: Buffer;
let tier2Port: number;

jest.setTimeout(120_000);

beforeAll(async () => {
  ({ vim, secret, tier2Port } = await startServingLab(group, VMM_ID, HANDSHAKE_TIMEOUT_MS));
});

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers([VMM_ID]);
});

/** Writes `text` one byte every `everyMs` until the server closes the connection. */
function dribble(connection: SlowConnection, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (connection.socket.destroyed) return;
    connection.socket.write(text[i % text.length]!);
    i++;
  }, everyMs);
  void connection.closed.then(() => clearInterval(timer));
}

async function slowHttpClients(port: number): Promise<{ idle: SlowConnection[]; partial: SlowConnection[]; dribbling: SlowConnection[] }> {
  const open = (first?: string): Promise<SlowConnection[]> => Promise.all(Array.from({ length: SLOW_PER_KIND }, () => openSlowConnection(port, first)));
  const idle = await open();
  const partial = await open('GET /healthz HTTP/1.1\r\nHost: slow\r\n');
  const dribbling = await open('GET /healthz HTTP/1.1\r\n');
  for (const connection of dribbling) dribble(connection, 'X-Slow: a\r\n', 300);
  return { idle, partial, dribbling };
}

async function allClosedWithin(connections: SlowConnection[], ms: number): Promise<boolean> {
  return (await Promise.all(connections.map((c) => settlesWithin(c.closed, ms)))).every(Boolean);
}

test('HTTP ports: idle, half-sent and dribbled requests are cut after the headers timeout; normal requests pass meanwhile', async () => {
  const ports = { tier1: vim.httpPort, tier2: tier2Port, admin: vim.adminPort };
  const slow = {
    tier1: await slowHttpClients(ports.tier1),
    tier2: await slowHttpClients(ports.tier2),
    admin: await slowHttpClients(ports.admin),
  };
  // A request body dribbled byte by byte on the admin API: cut at its whole-request deadline.
  const bodyDribblers = await Promise.all(
    Array.from({ length: 5 }, () => openSlowConnection(ports.admin, 'PUT /api/v1/balancer HTTP/1.1\r\nHost: slow\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{')),
  );
  for (const connection of bodyDribblers) dribble(connection, ' ', 500);

  // While ~230 slow connections are held open, real clients are served on every port.
  for (let i = 0; i < 10; i++) {
    expect((await fetch(`http://127.0.0.1:${ports.tier1}/work?ms=0`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.tier2}/work?ms=0`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.admin}/healthz`)).status).toBe(200);
  }

  const deadlineMs = TRAFFIC_HTTP_LIMITS.headersTimeoutMs + 15_000;
  for (const [port, clients] of Object.entries(slow)) {
    for (const [kind, connections] of Object.entries(clients)) {
      expect([port, kind, await allClosedWithin(connections, deadlineMs)]).toEqual([port, kind, true]);
    }
    // A client that sent part of a request is told why before the connection goes.
    expect(clients.partial.every((c) => c.received().startsWith('HTTP/1.1 408'))).toBe(true);
  }
  expect(await allClosedWithin(bodyDribblers, ADMIN_HTTP_LIMITS.requestTimeoutMs + 15_000)).toBe(true);
  expect(bodyDribblers.every((c) => c.received().startsWith('HTTP/1.1 408'))).toBe(true);
  expect((await fetch(`http://127.0.0.1:${ports.tier1}/work?ms=0`)).status).toBe(200);
});

test('agent port: silent and dribbling connections are rejected at the handshake deadline; a real agent still gets in', async () => {
  const silent = await Promise.all(Array.from({ length: SLOW_PER_KIND }, () => openSlowConnection(vim.agentPort)));
  const dribbling = await Promise.all(Array.from({ length: SLOW_PER_KIND }, () => openSlowConnection(vim.agentPort)));
  // A frame header announcing 200 bytes, then one byte at a time: never a whole hello before the deadline.
  for (const connection of dribbling) dribble(connection, '\u0000\u0000\u0000\u00c8abcdefgh', 100);

  const agent = await RawAgent.open(vim.agentPort);
  expect((await agent.handshake(secret, `${RUN}-real`)).type).toBe('welcome');
  agent.close();

  expect(await allClosedWithin([...silent, ...dribbling], HANDSHAKE_TIMEOUT_MS + 10_000)).toBe(true);
  const view = await eventually(async () => {
    const v = await agentServerView(vim.api);
    return (v.closes['rejected:handshake-timeout'] ?? 0) >= 2 * SLOW_PER_KIND && v;
  }, 5000, 'handshake timeouts counted');
  expect(view.sessions.handshaking).toBe(0);
  expect(vim.daemon.logs.filter((l) => l.msg === 'agent rejected' && l['code'] === 'handshake-timeout').length).toBeGreaterThanOrEqual(2 * SLOW_PER_KIND);
});

test('agent port: a flood of connections beyond the handshaking cap is refused at once, and agents get in after it', async () => {
  const flood = group.tempDir('acs-flood-');
  const floodVim = await startVimProcess(group, { dataDir: flood, args: ['--handshake-timeout-ms', '8000'] });
  const floodSecret = Buffer.from(readFileSync(floodVim.secretFile, 'utf8').trim());
  const connections: SlowConnection[] = [];
  for (let i = 0; i < 1100; i += 100) {
    connections.push(...(await Promise.all(Array.from({ length: 100 }, () => openSlowConnection(floodVim.agentPort)))));
  }
  const view = await eventually(async () => {
    const v = await agentServerView(floodVim.api);
    return (v.closes['too-many-handshakes'] ?? 0) > 0 && v;
  }, 10_000, 'refusals counted');
  expect(view.sessions.handshaking).toBeLessThanOrEqual(1024);
  expect(floodVim.daemon.logs.filter((l) => l['reason'] === 'too-many-handshakes')).toHaveLength(1);
  // Once the strangers' deadline passes, a real agent is admitted.
  expect(await allClosedWithin(connections, 20_000)).toBe(true);
  const agent = await RawAgent.open(floodVim.agentPort);
  expect((await agent.handshake(floodSecret, `${RUN}-after-flood`)).type).toBe('welcome');
  agent.close();
  expect(floodVim.daemon.running).toBe(true);
});
