/**
 * One valid example of every message in the `Message` union, plus a valid describe result.
 * Tests copy these (see `clone`) before changing a field, so the fixtures themselves stay valid.
 */
import type {
  AgentDescription,
  ChallengeMessage,
  ContainerReport,
  DescribeRequest,
  HelloMessage,
  Message,
  PingMessage,
  RejectMessage,
  ReportMessage,
  ResultError,
  ResultOk,
  WelcomeMessage,
} from '../src';

export const NONCE = '0123456789abcdef'.repeat(4);
export const PROOF = 'fedcba9876543210'.repeat(4);

export const challenge: ChallengeMessage = { type: 'challenge', protocolVersion: 1, nonce: NONCE };

export const hello: HelloMessage = {
  type: 'hello',
  protocolVersion: 1,
  agentId: 'vm-01.eu_west',
  hostname: 'vm-01.example.internal',
  agentVersion: '0.1.0',
  capacity: { maxContainers: 8, cpus: 2.5, memoryBytes: 4 * 1024 ** 3 },
  front: { host: '192.0.2.7', port: 8080 },
  proof: PROOF,
};

export const welcome: WelcomeMessage = { type: 'welcome', reportIntervalMs: 1000, heartbeatTimeoutMs: 5000, pingIntervalMs: 5000 };

export const reject: RejectMessage = { type: 'reject', code: 'bad-proof', reason: 'proof does not match' };

export const container: ContainerReport = {
  id: '3f2a9c0d1e7b',
  name: 'web-1',
  service: 'web',
  state: 'running',
  ready: true,
  draining: false,
  cpuPct: 12.5,
  memBytes: 64 * 1024 * 1024,
  inflight: 3,
  requestsTotal: 12_345,
  hostPort: 32768,
};

export const emptyReport: ReportMessage = {
  type: 'report',
  seq: 1,
  at: 1_700_000_000_000,
  host: { cpuPct: 0, memUsedBytes: 0, memTotalBytes: 8 * 1024 ** 3, load1: 0 },
  containers: [],
};

export const report: ReportMessage = {
  type: 'report',
  seq: 2,
  at: 1_700_000_001_000.5,
  host: { cpuPct: 37.25, memUsedBytes: 2 * 1024 ** 3, memTotalBytes: 8 * 1024 ** 3, load1: 1.75 },
  containers: [
    container,
    { ...container, id: '9e8d7c6b5a49', name: 'web-2', state: 'starting', ready: false, cpuPct: 0, hostPort: null },
  ],
};

export const ping: PingMessage = { type: 'ping', at: 1_700_000_002_000 };

export const describeRequest: DescribeRequest = { type: 'describe', id: 7 };

export const agentDescription: AgentDescription = {
  agentId: hello.agentId,
  hostname: hello.hostname,
  agentVersion: hello.agentVersion,
  protocolVersion: 1,
  pid: 4242,
  nodeVersion: 'v20.11.1',
  platform: 'linux',
  uptimeMs: 123_456.5,
  capacity: hello.capacity,
  front: null,
};

export const resultOk: ResultOk = { type: 'result', id: 7, ok: true, value: agentDescription };

export const resultError: ResultError = {
  type: 'result',
  id: 8,
  ok: false,
  error: { code: 'unsupported', message: 'no such request' },
};

/** Every message type, each once, with `report` both empty and with two containers; named for test titles. */
export const namedMessages: readonly (readonly [name: string, message: Message])[] = [
  ['challenge', challenge],
  ['hello', hello],
  ['welcome', welcome],
  ['reject', reject],
  ['report with no containers', emptyReport],
  ['report with 2 containers', report],
  ['ping', ping],
  ['describe', describeRequest],
  ['result ok', resultOk],
  ['result error', resultError],
];

export const allMessages: readonly Message[] = namedMessages.map(([, message]) => message);

/** A deep, mutable copy typed as a plain record, for tests that break a field on purpose. */
export function clone(value: unknown): Record<string, unknown> {
  return structuredClone(value) as Record<string, unknown>;
}
