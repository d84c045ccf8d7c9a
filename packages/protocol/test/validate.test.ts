import {
  InvalidFieldError,
  UnknownMessageTypeError,
  computeProof,
  createNonce,
  parseAgentDescription,
  parseMessage,
  proofMatches,
} from '../src';
import * as fx from './messages.fixtures';

/** Marks a field to delete rather than set. */
const MISSING = Symbol('missing');

/** A deep copy of `base` with the field at a dotted path (`capacity.cpus`, `containers.1.state`) replaced. */
function withField(base: object, path: string, value: unknown): Record<string, unknown> {
  const copy = fx.clone(base);
  const keys = path.split('.');
  const last = keys.pop()!;
  let target = copy;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (value === MISSING) delete target[last];
  else target[last] = value;
  return copy;
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, but nothing was thrown');
}

/** A short label for a test title: long strings are shown by length. */
function show(value: unknown): string {
  if (value === MISSING) return '(missing)';
  if (typeof value === 'string' && value.length > 24) return `a string of ${value.length} characters`;
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value) ?? String(value);
  return Array.isArray(value) ? 'an array' : String(value === null ? null : typeof value);
}

/** [title, base, path, value, ...rest] rows for it.each. */
function titled<R extends readonly [object, string, unknown, ...unknown[]]>(rows: readonly R[]): [string, ...R][] {
  return rows.map((row) => {
    const [base, path, value] = row;
    return [`${(base as { type?: string }).type ?? 'value'}.${path} = ${show(value)}`, ...row];
  });
}

const hex = (length: number): string => 'a'.repeat(length);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** [base fixture, dotted path to change, value]. */
type Case = readonly [base: object, path: string, value: unknown];

/** Values on or inside the bounds: accepted. */
const accepted: readonly Case[] = [
  [fx.challenge, 'protocolVersion', 0],
  [fx.challenge, 'protocolVersion', 0xffff],
  [fx.hello, 'agentId', 'a'],
  [fx.hello, 'agentId', `a${'-'.repeat(62)}`],
  [fx.hello, 'agentId', '0.b_c-D'],
  [fx.hello, 'hostname', ''],
  [fx.hello, 'hostname', 'h'.repeat(255)],
  [fx.hello, 'agentVersion', 'v'.repeat(64)],
  [fx.hello, 'capacity.maxContainers', 0],
  [fx.hello, 'capacity.maxContainers', 10_000],
  [fx.hello, 'capacity.cpus', 0.25],
  [fx.hello, 'capacity.cpus', 100_000],
  [fx.hello, 'capacity.memoryBytes', MAX_SAFE],
  [fx.hello, 'front', null],
  [fx.hello, 'front.port', 1],
  [fx.hello, 'front.port', 65535],
  [fx.hello, 'front.host', 'h'.repeat(255)],
  [fx.welcome, 'reportIntervalMs', 10],
  [fx.welcome, 'heartbeatTimeoutMs', 3_600_000],
  [fx.welcome, 'pingIntervalMs', 10],
  [fx.reject, 'reason', ''],
  [fx.reject, 'reason', 'r'.repeat(1024)],
  [fx.reject, 'code', 'handshake-timeout'],
  [fx.report, 'seq', 0],
  [fx.report, 'seq', MAX_SAFE],
  [fx.report, 'at', 0.5],
  [fx.report, 'host.cpuPct', 100],
  [fx.report, 'host.load1', 1_000_000],
  [fx.report, 'containers.0.hostPort', null],
  [fx.report, 'containers.0.hostPort', 65535],
  [fx.report, 'containers.0.inflight', 2 ** 31],
  [fx.report, 'containers.0.cpuPct', 100_000],
  [fx.report, 'containers.0.state', 'exited'],
  [fx.report, 'containers.0.errorsTotal', 7],
  [fx.report, 'containers.0.inflightLimit', 16],
  [fx.report, 'dockerUp', false],
  [fx.report, 'dockerUp', MISSING],
  [fx.report, 'queued', 0],
  [fx.report, 'queued', 256],
  [fx.report, 'queued', MISSING],
  [fx.report, 'containers.0.inflightLimit', MISSING],
  [fx.report, 'containers.0.latencyMs', { p50: 1.5, p99: 20, count: 42 }],
  [fx.report, 'containers.0.id', 'i'.repeat(128)],
  [fx.ping, 'at', 0],
  [fx.ping, 'at', MAX_SAFE],
  [fx.describeRequest, 'id', 0],
  [fx.describeRequest, 'id', 2 ** 32 - 1],
  [fx.resultOk, 'value', null],
  [fx.resultOk, 'value', MISSING],
  [fx.resultError, 'error.code', 'c'.repeat(64)],
  [fx.resultError, 'error.message', 'm'.repeat(4096)],
  // Unknown extra fields are allowed, at the top and inside nested maps.
  [fx.ping, 'extra', { anything: [1, 2] }],
  [fx.hello, 'capacity.gpus', 1],
  [fx.report, 'containers.1.labels', { tier: 'web' }],
];

/** Values just past the bounds, or of the wrong type: refused, naming [messageType, field]. */
const refused: readonly (readonly [...Case, messageType: string, field: string])[] = [
  [fx.challenge, 'protocolVersion', 0x10000, 'challenge', 'protocolVersion'],
  [fx.challenge, 'protocolVersion', -1, 'challenge', 'protocolVersion'],
  [fx.challenge, 'protocolVersion', 1.5, 'challenge', 'protocolVersion'],
  [fx.challenge, 'protocolVersion', '1', 'challenge', 'protocolVersion'],
  [fx.challenge, 'nonce', hex(63), 'challenge', 'nonce'],
  [fx.challenge, 'nonce', hex(65), 'challenge', 'nonce'],
  [fx.challenge, 'nonce', 'A'.repeat(64), 'challenge', 'nonce'],
  [fx.challenge, 'nonce', 'g'.repeat(64), 'challenge', 'nonce'],
  [fx.challenge, 'nonce', MISSING, 'challenge', 'nonce'],
  [fx.hello, 'agentId', '', 'hello', 'agentId'],
  [fx.hello, 'agentId', `a${'-'.repeat(63)}`, 'hello', 'agentId'],
  [fx.hello, 'agentId', '-leading-dash', 'hello', 'agentId'],
  [fx.hello, 'agentId', 'has space', 'hello', 'agentId'],
  [fx.hello, 'agentId', 'slash/y', 'hello', 'agentId'],
  [fx.hello, 'agentId', 'newline\n', 'hello', 'agentId'],
  [fx.hello, 'agentId', 42, 'hello', 'agentId'],
  [fx.hello, 'hostname', 'h'.repeat(256), 'hello', 'hostname'],
  [fx.hello, 'agentVersion', 'v'.repeat(65), 'hello', 'agentVersion'],
  [fx.hello, 'capacity', null, 'hello', 'capacity'],
  [fx.hello, 'capacity', [8, 2, 1024], 'hello', 'capacity'],
  [fx.hello, 'capacity.maxContainers', 10_001, 'hello', 'capacity.maxContainers'],
  [fx.hello, 'capacity.maxContainers', 1.5, 'hello', 'capacity.maxContainers'],
  [fx.hello, 'capacity.cpus', 100_001, 'hello', 'capacity.cpus'],
  [fx.hello, 'capacity.cpus', Number.NaN, 'hello', 'capacity.cpus'],
  [fx.hello, 'capacity.memoryBytes', -1, 'hello', 'capacity.memoryBytes'],
  [fx.hello, 'capacity.memoryBytes', Infinity, 'hello', 'capacity.memoryBytes'],
  [fx.hello, 'front', MISSING, 'hello', 'front'],
  [fx.hello, 'front', 'localhost:80', 'hello', 'front'],
  [fx.hello, 'front.port', 0, 'hello', 'front.port'],
  [fx.hello, 'front.port', 65536, 'hello', 'front.port'],
  [fx.hello, 'front.host', 'h'.repeat(256), 'hello', 'front.host'],
  [fx.hello, 'proof', hex(63), 'hello', 'proof'],
  [fx.welcome, 'reportIntervalMs', 9, 'welcome', 'reportIntervalMs'],
  [fx.welcome, 'heartbeatTimeoutMs', 3_600_001, 'welcome', 'heartbeatTimeoutMs'],
  [fx.welcome, 'pingIntervalMs', 9, 'welcome', 'pingIntervalMs'],
  [fx.reject, 'code', 'teapot', 'reject', 'code'],
  [fx.reject, 'reason', 'r'.repeat(1025), 'reject', 'reason'],
  [fx.report, 'seq', -1, 'report', 'seq'],
  [fx.report, 'seq', 1.5, 'report', 'seq'],
  [fx.report, 'seq', MAX_SAFE + 1, 'report', 'seq'],
  [fx.report, 'seq', '2', 'report', 'seq'],
  [fx.report, 'at', -1, 'report', 'at'],
  [fx.report, 'at', MAX_SAFE + 2, 'report', 'at'],
  [fx.report, 'host', null, 'report', 'host'],
  [fx.report, 'host.cpuPct', 100.5, 'report', 'host.cpuPct'],
  [fx.report, 'host.load1', 1_000_001, 'report', 'host.load1'],
  [fx.report, 'host.memTotalBytes', '8G', 'report', 'host.memTotalBytes'],
  [fx.report, 'containers', MISSING, 'report', 'containers'],
  [fx.report, 'containers', null, 'report', 'containers'],
  [fx.report, 'containers.1', null, 'report', 'containers[1]'],
  [fx.report, 'containers.0.state', 'paused', 'report', 'containers[0].state'],
  [fx.report, 'containers.0.ready', 'true', 'report', 'containers[0].ready'],
  [fx.report, 'containers.1.draining', 0, 'report', 'containers[1].draining'],
  [fx.report, 'containers.0.hostPort', 0, 'report', 'containers[0].hostPort'],
  [fx.report, 'containers.0.hostPort', MISSING, 'report', 'containers[0].hostPort'],
  [fx.report, 'containers.0.inflight', 2 ** 31 + 1, 'report', 'containers[0].inflight'],
  [fx.report, 'containers.0.requestsTotal', 0.5, 'report', 'containers[0].requestsTotal'],
  [fx.report, 'containers.0.errorsTotal', -1, 'report', 'containers[0].errorsTotal'],
  [fx.report, 'containers.0.inflightLimit', 0, 'report', 'containers[0].inflightLimit'],
  [fx.report, 'dockerUp', 'yes', 'report', 'dockerUp'],
  [fx.report, 'queued', -1, 'report', 'queued'],
  [fx.report, 'queued', 1.5, 'report', 'queued'],
  [fx.report, 'containers.0.inflightLimit', 2.5, 'report', 'containers[0].inflightLimit'],
  [fx.report, 'containers.0.inflightLimit', 'auto', 'report', 'containers[0].inflightLimit'],
  [fx.report, 'containers.0.latencyMs', 12, 'report', 'containers[0].latencyMs'],
  [fx.report, 'containers.0.latencyMs', { p50: 1, p99: -2, count: 1 }, 'report', 'containers[0].latencyMs.p99'],
  [fx.report, 'containers.0.latencyMs', { p50: 1, p99: 2 }, 'report', 'containers[0].latencyMs.count'],
  [fx.report, 'containers.0.id', 'i'.repeat(129), 'report', 'containers[0].id'],
  [fx.report, 'containers.0.memBytes', -1, 'report', 'containers[0].memBytes'],
  [fx.ping, 'at', '1700000000000', 'ping', 'at'],
  [fx.ping, 'at', -0.5, 'ping', 'at'],
  [fx.describeRequest, 'id', 2 ** 32, 'describe', 'id'],
  [fx.describeRequest, 'id', -1, 'describe', 'id'],
  [fx.describeRequest, 'id', MISSING, 'describe', 'id'],
  [fx.resultOk, 'ok', 'true', 'result', 'ok'],
  [fx.resultOk, 'ok', MISSING, 'result', 'ok'],
  [fx.resultError, 'error', MISSING, 'result', 'error'],
  [fx.resultError, 'error', 'boom', 'result', 'error'],
  [fx.resultError, 'error.code', 'c'.repeat(65), 'result', 'error.code'],
  [fx.resultError, 'error.message', 'm'.repeat(4097), 'result', 'error.message'],
];

describe('parseMessage', () => {
  it.each(fx.namedMessages)('accepts the %s fixture and returns it', (_name, m) => {
    expect(parseMessage(m)).toBe(m);
  });

  it.each(titled(accepted))('accepts %s', (_title, base, path, value) => {
    const message = withField(base, path, value);
    expect(parseMessage(message)).toBe(message);
  });

  it.each(titled(refused))('refuses %s', (_title, base, path, value, messageType, field) => {
    const error = thrownBy(() => parseMessage(withField(base, path, value)));
    expect(error).toBeInstanceOf(InvalidFieldError);
    expect(error).toMatchObject({ code: 'invalid-field', messageType, field });
  });

  it('accepts 1024 containers and refuses 1025', () => {
    const containers = (n: number): unknown[] => Array.from({ length: n }, () => fx.container);
    expect(() => parseMessage({ ...fx.report, containers: containers(1024) })).not.toThrow();
    expect(thrownBy(() => parseMessage({ ...fx.report, containers: containers(1025) }))).toMatchObject({
      code: 'invalid-field',
      field: 'containers',
    });
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'ping'],
    ['a boolean', true],
    ['an array', [fx.ping]],
    ['a buffer', Buffer.from('{"type":"ping"}')],
  ])('refuses a root that is %s', (_name, value) => {
    const error = thrownBy(() => parseMessage(value));
    expect(error).toBeInstanceOf(InvalidFieldError);
    expect(error).toMatchObject({ messageType: 'message', field: '(root)' });
  });

  it.each([
    ['an unknown name', 'teleport'],
    ['a known name in the wrong case', 'Ping'],
    ['a number', 1],
    ['null', null],
    ['missing', undefined],
  ])('refuses a type that is %s', (_name, type) => {
    const error = thrownBy(() => parseMessage({ type, at: 1 }));
    expect(error).toBeInstanceOf(UnknownMessageTypeError);
    expect(error).toMatchObject({ code: 'unknown-type', messageType: type });
  });

  it('names the first bad field when several are bad', () => {
    const message = withField(withField(fx.hello, 'agentId', '!'), 'proof', 'x');
    expect(thrownBy(() => parseMessage(message))).toMatchObject({ field: 'agentId' });
  });
});

describe('parseAgentDescription', () => {
  const T = 'describe.result';
  const withFront = { ...fx.agentDescription, front: { host: '127.0.0.1', port: 9000 } };

  it('accepts the fixture and returns it', () => {
    expect(parseAgentDescription(fx.agentDescription)).toBe(fx.agentDescription);
  });

  it.each([
    ['front', withFront.front],
    ['front', null],
    ['pid', 0],
    ['uptimeMs', 0],
    ['extraField', 'allowed'],
  ])('accepts %s = %p', (path, value) => {
    const d = withField(fx.agentDescription, path, value);
    expect(parseAgentDescription(d)).toBe(d);
  });

  it.each([
    ['agentId', 'bad id'],
    ['hostname', 'h'.repeat(256)],
    ['agentVersion', 7],
    ['protocolVersion', 0x10000],
    ['pid', -1],
    ['pid', 1.5],
    ['nodeVersion', 'n'.repeat(65)],
    ['platform', MISSING],
    ['uptimeMs', -1],
    ['capacity', MISSING],
    ['capacity.cpus', -1],
    ['front', MISSING],
    ['front.port', 70_000],
  ])('refuses %s = %p', (path, value) => {
    const error = thrownBy(() => parseAgentDescription(withField(withFront, path, value)));
    expect(error).toBeInstanceOf(InvalidFieldError);
    expect(error).toMatchObject({ messageType: T, field: path });
  });

  it.each([null, 'x', [fx.agentDescription]])('refuses a root of %p', (value) => {
    expect(thrownBy(() => parseAgentDescription(value))).toMatchObject({ messageType: T, field: '(root)' });
  });
});

describe('auth', () => {
  const secret = 'correct horse battery staple';
  const nonce = createNonce();
  const proof = computeProof(secret, nonce);

  it('createNonce returns 32 random bytes as lowercase hex', () => {
    expect(nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(createNonce()).not.toBe(nonce);
  });

  it('computeProof is HMAC-SHA256 as lowercase hex (RFC 4231 test case 2)', () => {
    expect(computeProof('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(computeProof(Buffer.from(secret), nonce)).toBe(proof);
  });

  it('a proof passes the hello validation', () => {
    expect(() => parseMessage({ ...fx.hello, proof })).not.toThrow();
  });

  it('proofMatches is true for the right secret', () => {
    expect(proofMatches(secret, nonce, proof)).toBe(true);
    expect(proofMatches(Buffer.from(secret), nonce, proof)).toBe(true);
  });

  it.each([
    ['a wrong secret', computeProof('wrong secret', nonce)],
    ['the proof for another nonce', computeProof(secret, createNonce())],
    ['a truncated proof', proof.slice(0, 62)],
    ['a proof one byte too long', `${proof}00`],
    ['an empty proof', ''],
    ['non-hex characters', 'z'.repeat(64)],
    ['a non-hex character inside', `${proof.slice(0, 10)}zz${proof.slice(12)}`],
  ])('proofMatches is false for %s', (_name, given) => {
    expect(proofMatches(secret, nonce, given)).toBe(false);
  });

  it.each([
    ['the right proof followed by non-hex characters', `${proof}zz`],
    ['the right proof followed by one extra hex digit', `${proof}a`],
    ['the right proof in upper case', proof.toUpperCase()],
  ])('proofMatches is false for %s', (_name, given) => {
    expect(proofMatches(secret, nonce, given)).toBe(false);
  });
});
