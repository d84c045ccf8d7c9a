/**
 * In-process VIM and agents on loopback: commands from the VIM to an agent, what happens when the agent
 * is missing, silent, or gone, handshake rejects, and reconnection after the VIM restarts.
 */
import { createLogger } from '@acs/daemon';
import { computeProof, parseAgentDescription, PROTOCOL_VERSION, type HelloMessage } from '@acs/protocol';
import { AgentCommandError, AgentNotConnectedError, RequestTimeoutError, SessionClosedError, startVim, type RunningVim } from '@acs/vim';
import { Agent } from '@acs/vmm';
import { eventually } from './support/lab';
import { RawAgent } from './support/raw-agent';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const log = createLogger('test', 'silent');

const vims: RunningVim[] = [];
const agents: Agent[] = [];
const raws: RawAgent[] = [];
const timers: NodeJS.Timeout[] = [];
let vim: RunningVim;

async function newVim(agentPort = 0): Promise<RunningVim> {
  const started = await startVim(
    {
      agentListen: { host: '127.0.0.1', port: agentPort },
      adminListen: { host: '127.0.0.1', port: 0 },
      httpListen: { host: '127.0.0.1', port: 0 },
      balancerPolicy: 'p2c',
      upstreamTimeoutMs: 5000,
      secret: SECRET,
      reportIntervalMs: 200,
      heartbeatTimeoutMs: 600,
      pingIntervalMs: 200,
      handshakeTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      reconcile: false,
    },
    log,
  );
  vims.push(started);
  return started;
}

async function startAgent(agentId: string, port = vim.agentAddress.port): Promise<Agent> {
  const agent = new Agent(
    {
      agentId,
      vim: { host: '127.0.0.1', port },
      secret: SECRET,
      maxContainers: 2,
      backoff: { initialMs: 50, maxMs: 500 },
      connectTimeoutMs: 1000,
      handshakeTimeoutMs: 1000,
      frontListen: { host: '127.0.0.1', port: 0 },
      frontPolicy: 'least-connections',
      maxInflightPerContainer: 2,
      queueLimit: 16,
      queueTimeoutMs: 1000,
      upstreamTimeoutMs: 5000,
      // These tests are about the session, not containers: keep the real engine out of them.
      dockerSocket: '/nonexistent/docker.sock',
      readinessTimeoutMs: 1000,
      stopGraceSeconds: 1,
      stopContainersOnExit: false,
    },
    log,
  );
  agents.push(agent);
  await agent.start();
  return agent;
}

async function openRaw(port = vim.agentAddress.port): Promise<RawAgent> {
  const raw = await RawAgent.open(port);
  raws.push(raw);
  return raw;
}

/** A hand-driven agent that completes the handshake and keeps the session alive with pings, but answers nothing. */
async function silentRawAgent(agentId: string): Promise<RawAgent> {
  const raw = await openRaw();
  const answer = await raw.handshake(SECRET, agentId);
  expect(answer.type).toBe('welcome');
  timers.push(setInterval(() => raw.send({ type: 'ping', at: Date.now() }), 100));
  await readyInCluster(vim, agentId);
  return raw;
}

function readyInCluster(on: RunningVim, agentId: string): Promise<true> {
  return eventually(() => Promise.resolve(on.cluster.get(agentId)?.status === 'ready'), 5000, `${agentId} ready in the cluster`, 20);
}

function hello(overrides: Partial<HelloMessage>, nonce: string): HelloMessage {
  return {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    agentId: 'raw',
    hostname: 'raw-agent',
    agentVersion: 'test',
    capacity: { maxContainers: 1, cpus: 1, memoryBytes: 1 },
    front: null,
    proof: computeProof(SECRET, nonce),
    ...overrides,
  };
}

beforeEach(async () => {
  vim = await newVim();
});

afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  for (const raw of raws.splice(0)) raw.close();
  await Promise.all(vims.splice(0).map((v) => v.close()));
});

test('describe goes to the real agent and comes back checked', async () => {
  await startAgent('a1');
  await readyInCluster(vim, 'a1');
  const description = await vim.agents.request('a1', { type: 'describe' }, parseAgentDescription);
  expect(description).toMatchObject({
    agentId: 'a1',
    pid: process.pid,
    protocolVersion: PROTOCOL_VERSION,
    nodeVersion: process.version,
    capacity: { maxContainers: 2 },
    front: { host: '127.0.0.1', port: expect.any(Number) as number },
  });
  expect(PROTOCOL_VERSION).toBe(1);
  expect(description.uptimeMs).toBeGreaterThanOrEqual(0);
});

test('the result parser runs on the answer; its error rejects the request', async () => {
  await startAgent('a1');
  await readyInCluster(vim, 'a1');
  const parseError = new Error('not what I asked for');
  await expect(
    vim.agents.request('a1', { type: 'describe' }, () => {
      throw parseError;
    }),
  ).rejects.toBe(parseError);
  // The session is unharmed.
  await expect(vim.agents.request('a1', { type: 'describe' }, parseAgentDescription)).resolves.toMatchObject({ agentId: 'a1' });
});

test('a request to an agent that is not connected rejects with AgentNotConnectedError', async () => {
  const request = vim.agents.request('nobody', { type: 'describe' }, parseAgentDescription);
  await expect(request).rejects.toBeInstanceOf(AgentNotConnectedError);
  await expect(request).rejects.toMatchObject({ code: 'agent-not-connected', agentId: 'nobody' });
});

test('an agent that never answers: the request rejects with RequestTimeoutError', async () => {
  const raw = await silentRawAgent('mute');
  const startedAt = Date.now();
  const request = vim.agents.request('mute', { type: 'describe' }, parseAgentDescription, 300);
  await expect(raw.next('describe')).resolves.toMatchObject({ type: 'describe' });
  const error: unknown = await request.then(
    () => new Error('resolved, but no answer was ever sent'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestTimeoutError);
  expect(error).toMatchObject({ code: 'request-timeout', agentId: 'mute', requestType: 'describe', timeoutMs: 300 });
  // Not before its deadline.
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
  // The session itself stays up: only the request failed.
  expect(vim.cluster.get('mute')?.status).toBe('ready');
});

test('an answer arriving after the timeout is ignored and the session survives', async () => {
  const raw = await silentRawAgent('late');
  const request = vim.agents.request('late', { type: 'describe' }, parseAgentDescription, 300);
  const sent = await raw.next('describe');
  await expect(request).rejects.toBeInstanceOf(RequestTimeoutError);
  raw.send({ type: 'result', id: sent.id, ok: false, error: { code: 'late', message: 'too late' } });
  // A later request on the same session still works end to end.
  raw.received.length = 0;
  const second = vim.agents.request('late', { type: 'describe' }, (value) => value, 5000);
  const again = await raw.next('describe');
  raw.send({ type: 'result', id: again.id, ok: true, value: 'fine' });
  await expect(second).resolves.toBe('fine');
});

test('an agent that answers with an error: AgentCommandError carries its code', async () => {
  const raw = await silentRawAgent('grumpy');
  const request = vim.agents.request('grumpy', { type: 'describe' }, parseAgentDescription);
  const sent = await raw.next('describe');
  raw.send({ type: 'result', id: sent.id, ok: false, error: { code: 'busy', message: 'try later' } });
  await expect(request).rejects.toBeInstanceOf(AgentCommandError);
  await expect(request).rejects.toMatchObject({ code: 'busy', agentId: 'grumpy', requestType: 'describe' });
});

test('the agent disconnecting while a request is pending rejects it with SessionClosedError', async () => {
  const raw = await silentRawAgent('leaver');
  const request = vim.agents.request('leaver', { type: 'describe' }, parseAgentDescription, 10_000);
  await raw.next('describe');
  raw.close();
  await expect(request).rejects.toBeInstanceOf(SessionClosedError);
  await expect(request).rejects.toMatchObject({ code: 'session-closed', agentId: 'leaver', reason: 'peer-closed' });
  await eventually(() => Promise.resolve(vim.cluster.get('leaver')?.status === 'down'), 5000, 'leaver down');
  await expect(vim.agents.request('leaver', { type: 'describe' }, parseAgentDescription)).rejects.toBeInstanceOf(AgentNotConnectedError);
});

test('a hello with another protocol version is rejected with version-mismatch', async () => {
  const raw = await openRaw();
  const challenge = await raw.next('challenge');
  raw.send(hello({ agentId: 'future', protocolVersion: 999 }, challenge.nonce));
  const reject = await raw.next('reject');
  expect(reject.code).toBe('version-mismatch');
  expect(reject.reason).toContain('999');
  await raw.closed;
  expect(vim.cluster.get('future')).toBeUndefined();
});

test('a hello with a malformed agent id is rejected with invalid-hello', async () => {
  const raw = await openRaw();
  const challenge = await raw.next('challenge');
  raw.send(hello({ agentId: 'bad id!' }, challenge.nonce));
  const reject = await raw.next('reject');
  expect(reject.code).toBe('invalid-hello');
  expect(reject.reason).toContain('agentId');
  await raw.closed;
  expect(vim.cluster.list()).toEqual([]);
});

test('a hello with the wrong secret is rejected with bad-proof', async () => {
  const raw = await openRaw();
  const challenge = await raw.next('challenge');
  raw.send(hello({ agentId: 'intruder', proof: computeProof('some-other-secret-entirely', challenge.nonce) }, challenge.nonce));
  expect((await raw.next('reject')).code).toBe('bad-proof');
  await raw.closed;
  expect(vim.cluster.get('intruder')).toBeUndefined();
});

test('after the VIM closes, the agent reconnects to a new VIM on the same port', async () => {
  const agent = await startAgent('a1');
  const readyEvents: number[] = [];
  const disconnects: string[] = [];
  agent.vim.on('ready', () => readyEvents.push(Date.now()));
  agent.vim.on('disconnected', (reason) => disconnects.push(reason));
  await readyInCluster(vim, 'a1');
  await eventually(() => Promise.resolve(readyEvents.length === 1), 5000, 'first ready event', 20);

  const port = vim.agentAddress.port;
  await vim.close();
  await eventually(() => Promise.resolve(disconnects.length > 0), 5000, 'the agent noticing the VIM is gone', 20);
  expect(agent.vim.state).not.toBe('ready');

  vim = await newVim(port);
  expect(vim.agentAddress.port).toBe(port);
  await eventually(() => Promise.resolve(readyEvents.length === 2), 10_000, 'ready again after the VIM restart', 20);
  await readyInCluster(vim, 'a1');
  await expect(vim.agents.request('a1', { type: 'describe' }, parseAgentDescription)).resolves.toMatchObject({ agentId: 'a1' });
});
