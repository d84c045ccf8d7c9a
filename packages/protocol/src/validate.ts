import { InvalidFieldError, UnknownMessageTypeError } from './errors';
import {
  CONTAINER_STATES,
  REJECT_CODES,
  type AgentDescription,
  type Capacity,
  type ContainerReport,
  type ContainerSpec,
  type ContainerStarted,
  type ContainerStopped,
  type HostUsage,
  type Message,
} from './messages';

/**
 * Checks a decoded payload against the message union and returns it typed.
 *
 * Hand-written rather than schema-driven because it runs once per report on the VIM's hot path
 * (10,000 agents × several reports/s); each check is a property read and a typeof. Unknown extra
 * fields are allowed, so a newer peer can add optional fields without a version bump.
 */
export function parseMessage(value: unknown): Message {
  if (!isRecord(value)) throw new InvalidFieldError('message', '(root)', 'a map');
  const type = value['type'];
  switch (type) {
    case 'challenge':
      int(value, type, 'protocolVersion', 0, 0xffff);
      hex(value, type, 'nonce', 64);
      break;
    case 'hello':
      int(value, type, 'protocolVersion', 0, 0xffff);
      agentId(value, type, 'agentId');
      str(value, type, 'hostname', 255);
      str(value, type, 'agentVersion', 64);
      nested(type, 'capacity', () => capacity(value['capacity'], type));
      nullableEndpoint(value, type, 'front');
      hex(value, type, 'proof', 64);
      break;
    case 'welcome':
      int(value, type, 'reportIntervalMs', 10, 3_600_000);
      int(value, type, 'heartbeatTimeoutMs', 10, 3_600_000);
      int(value, type, 'pingIntervalMs', 10, 3_600_000);
      break;
    case 'reject':
      oneOf(value, type, 'code', REJECT_CODES);
      str(value, type, 'reason', 1024);
      break;
    case 'report':
      int(value, type, 'seq', 0, Number.MAX_SAFE_INTEGER);
      num(value, type, 'at', 0, Number.MAX_SAFE_INTEGER);
      nested(type, 'host', () => hostUsage(value['host'], type));
      containerList(value, type);
      if (value['dockerUp'] !== undefined) bool(value, type, 'dockerUp');
      if (value['queued'] !== undefined) int(value, type, 'queued', 0, 2 ** 31);
      break;
    case 'ping':
      num(value, type, 'at', 0, Number.MAX_SAFE_INTEGER);
      break;
    case 'describe':
      requestId(value, type);
      break;
    case 'startContainer':
      requestId(value, type);
      nested(type, 'spec', () => containerSpec(value['spec'], type));
      break;
    case 'stopContainer':
      requestId(value, type);
      str(value, type, 'containerId', 128);
      int(value, type, 'drainTimeoutMs', 0, 3_600_000);
      break;
    case 'result':
      requestId(value, type);
      if (value['ok'] === true) break;
      if (value['ok'] !== false) throw new InvalidFieldError(type, 'ok', 'a boolean');
      {
        const error = value['error'];
        nested(type, 'error', () => {
          if (!isRecord(error)) throw new InvalidFieldError(type, '', 'a map');
          str(error, type, 'code', 64);
          str(error, type, 'message', 4096);
        });
      }
      break;
    default:
      throw new UnknownMessageTypeError(type);
  }
  return value as unknown as Message;
}

/** Checks the value of a `describe` result. */
export function parseAgentDescription(value: unknown): AgentDescription {
  const t = 'describe.result';
  if (!isRecord(value)) throw new InvalidFieldError(t, '(root)', 'a map');
  agentId(value, t, 'agentId');
  str(value, t, 'hostname', 255);
  str(value, t, 'agentVersion', 64);
  int(value, t, 'protocolVersion', 0, 0xffff);
  int(value, t, 'pid', 0, 2 ** 32 - 1);
  str(value, t, 'nodeVersion', 64);
  str(value, t, 'platform', 64);
  num(value, t, 'uptimeMs', 0, Number.MAX_SAFE_INTEGER);
  nested(t, 'capacity', () => capacity(value['capacity'], t));
  nullableEndpoint(value, t, 'front');
  return value as unknown as AgentDescription;
}

/** Checks the value of a `startContainer` result. */
export function parseContainerStarted(value: unknown): ContainerStarted {
  const t = 'startContainer.result';
  if (!isRecord(value)) throw new InvalidFieldError(t, '(root)', 'a map');
  str(value, t, 'containerId', 128);
  str(value, t, 'name', 255);
  int(value, t, 'hostPort', 1, 65535);
  return value as unknown as ContainerStarted;
}

/** Checks the value of a `stopContainer` result. */
export function parseContainerStopped(value: unknown): ContainerStopped {
  const t = 'stopContainer.result';
  if (!isRecord(value)) throw new InvalidFieldError(t, '(root)', 'a map');
  str(value, t, 'containerId', 128);
  bool(value, t, 'drained');
  int(value, t, 'inflightAtStop', 0, 2 ** 31);
  return value as unknown as ContainerStopped;
}

/** Service names become Docker labels and container names: keep them to a safe alphabet. */
export const SERVICE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Agent ids appear in logs, labels and URLs: keep them to a safe alphabet. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

type Fields = Record<string, unknown>;

/**
 * Plain objects only: msgpackr can also yield Maps, Buffers, arrays and marker objects, none of which are
 * messages. "Plain" is judged by shape, not by identity with this realm's Object.prototype, so objects
 * made in another realm (a vm context, a worker's structured clone) still count.
 */
function isRecord(v: unknown): v is Fields {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/*
 * The checks below name fields by their own key only. A nested object's checks run inside `nested`,
 * which adds the path ("containers[2].state") only when one fails, so a valid report builds no strings.
 */
function nested(type: string, path: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof InvalidFieldError)) throw error;
    throw new InvalidFieldError(type, error.field === '' ? path : `${path}.${error.field}`, error.expected);
  }
}

function str(o: Fields, type: string, key: string, maxLen: number): void {
  const v = o[key];
  if (typeof v !== 'string' || v.length > maxLen) {
    throw new InvalidFieldError(type, key, `a string of at most ${maxLen} characters`);
  }
}

function hex(o: Fields, type: string, key: string, len: number): void {
  const v = o[key];
  if (typeof v !== 'string' || v.length !== len || !/^[0-9a-f]+$/.test(v)) {
    throw new InvalidFieldError(type, key, `${len} lowercase hex digits`);
  }
}

function agentId(o: Fields, type: string, key: string): void {
  const v = o[key];
  if (typeof v !== 'string' || !AGENT_ID_PATTERN.test(v)) {
    throw new InvalidFieldError(type, key, `an id matching ${AGENT_ID_PATTERN.source}`);
  }
}

function num(o: Fields, type: string, key: string, min: number, max: number): void {
  const v = o[key];
  if (typeof v !== 'number' || !(v >= min && v <= max)) {
    throw new InvalidFieldError(type, key, `a number from ${min} to ${max}`);
  }
}

function int(o: Fields, type: string, key: string, min: number, max: number): void {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidFieldError(type, key, `an integer from ${min} to ${max}`);
  }
}

function bool(o: Fields, type: string, key: string): void {
  if (typeof o[key] !== 'boolean') throw new InvalidFieldError(type, key, 'a boolean');
}

function oneOf(o: Fields, type: string, key: string, allowed: readonly string[]): void {
  const v = o[key];
  if (typeof v !== 'string' || !allowed.includes(v)) {
    throw new InvalidFieldError(type, key, `one of ${allowed.join(', ')}`);
  }
}

function requestId(o: Fields, type: string): void {
  int(o, type, 'id', 0, 2 ** 32 - 1);
}

function capacity(v: unknown, type: string): asserts v is Capacity {
  if (!isRecord(v)) throw new InvalidFieldError(type, '', 'a map');
  int(v, type, 'maxContainers', 0, 10_000);
  num(v, type, 'cpus', 0, 100_000);
  num(v, type, 'memoryBytes', 0, Number.MAX_SAFE_INTEGER);
}

function nullableEndpoint(o: Fields, type: string, key: string): void {
  const v = o[key];
  if (v === null) return;
  nested(type, key, () => {
    if (!isRecord(v)) throw new InvalidFieldError(type, '', 'a map or null');
    str(v, type, 'host', 255);
    int(v, type, 'port', 1, 65535);
  });
}

function hostUsage(v: unknown, type: string): asserts v is HostUsage {
  if (!isRecord(v)) throw new InvalidFieldError(type, '', 'a map');
  num(v, type, 'cpuPct', 0, 100);
  num(v, type, 'memUsedBytes', 0, Number.MAX_SAFE_INTEGER);
  num(v, type, 'memTotalBytes', 0, Number.MAX_SAFE_INTEGER);
  num(v, type, 'load1', 0, 1_000_000);
}

/** More containers than any VM could run; bounds the work a hostile report can cause. */
const MAX_CONTAINERS_PER_REPORT = 1024;

function containerList(o: Fields, type: string): void {
  const list = o['containers'];
  if (!Array.isArray(list) || list.length > MAX_CONTAINERS_PER_REPORT) {
    throw new InvalidFieldError(type, 'containers', `a list of at most ${MAX_CONTAINERS_PER_REPORT}`);
  }
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    try {
      containerReport(item, type);
    } catch (error) {
      if (!(error instanceof InvalidFieldError)) throw error;
      const at = `containers[${i}]`;
      throw new InvalidFieldError(type, error.field === '' ? at : `${at}.${error.field}`, error.expected);
    }
  }
}

function containerReport(v: unknown, type: string): asserts v is ContainerReport {
  if (!isRecord(v)) throw new InvalidFieldError(type, '', 'a map');
  str(v, type, 'id', 128);
  str(v, type, 'name', 255);
  str(v, type, 'service', 128);
  oneOf(v, type, 'state', CONTAINER_STATES);
  bool(v, type, 'ready');
  bool(v, type, 'draining');
  num(v, type, 'cpuPct', 0, 100_000);
  num(v, type, 'memBytes', 0, Number.MAX_SAFE_INTEGER);
  int(v, type, 'inflight', 0, 2 ** 31);
  int(v, type, 'requestsTotal', 0, Number.MAX_SAFE_INTEGER);
  if (v['hostPort'] !== null) int(v, type, 'hostPort', 1, 65535);
  if (v['errorsTotal'] !== undefined) int(v, type, 'errorsTotal', 0, Number.MAX_SAFE_INTEGER);
  if (v['inflightLimit'] !== undefined) int(v, type, 'inflightLimit', 1, 2 ** 31);
  if (v['latencyMs'] !== undefined) {
    const latency = v['latencyMs'];
    if (!isRecord(latency)) throw new InvalidFieldError(type, 'latencyMs', 'a map');
    try {
      num(latency, type, 'p50', 0, 1e9);
      num(latency, type, 'p99', 0, 1e9);
      int(latency, type, 'count', 0, Number.MAX_SAFE_INTEGER);
    } catch (error) {
      if (error instanceof InvalidFieldError) throw new InvalidFieldError(type, `latencyMs.${error.field}`, error.expected);
      throw error;
    }
  }
}

function containerSpec(v: unknown, type: string): asserts v is ContainerSpec {
  if (!isRecord(v)) throw new InvalidFieldError(type, '', 'a map');
  const service = v['service'];
  if (typeof service !== 'string' || !SERVICE_NAME_PATTERN.test(service)) {
    throw new InvalidFieldError(type, 'service', `a name matching ${SERVICE_NAME_PATTERN.source}`);
  }
  str(v, type, 'image', 255);
  num(v, type, 'cpus', 0.01, 1024);
  int(v, type, 'memoryBytes', 6 * 1024 * 1024, 2 ** 44);
  int(v, type, 'pidsLimit', 8, 1_000_000);
  int(v, type, 'containerPort', 1, 65535);
  const env = v['env'];
  if (!isRecord(env) || Object.keys(env).length > 64) throw new InvalidFieldError(type, 'env', 'a map of at most 64 entries');
  for (const [key, value] of Object.entries(env)) {
    if (!/^[A-Z_][A-Z0-9_]{0,63}$/.test(key) || typeof value !== 'string' || value.length > 1024) {
      throw new InvalidFieldError(type, 'env', 'NAME=value pairs (upper-case names, values up to 1024 characters)');
    }
  }
}
