/**
 * Every message on the agent connection, as a discriminated union on `type`.
 *
 * Session flow (server = VIM, agent = VMM):
 *
 *   server ── challenge{nonce} ─────────────────▶ agent
 *   server ◀── hello{agentId, capacity, proof} ── agent      proof = HMAC-SHA256(secret, nonce), hex
 *   server ── welcome{intervals} | reject{code} ▶ agent
 *   server ◀── report{…} every reportIntervalMs ─ agent      any frame is a heartbeat, both ways
 *   server ── ping ─────────────────────────────▶ agent      when the server has sent nothing for pingIntervalMs
 *
 * Liveness (welcome gives the numbers): the server closes an agent silent for heartbeatTimeoutMs and marks
 * its VM down; that is what the cluster depends on. The agent drops a server silent for
 * 3 × pingIntervalMs and reconnects. Pings are rare on purpose: each is a write syscall per agent, the
 * server's main cost at 10,000 agents, and the agent's check only has to catch a half-open connection
 * to a server that vanished (after a partition heals, the agent's next report meets a reset at once).
 *   server ── <request>{id, …} ─────────────────▶ agent
 *   server ◀── result{id, ok, value | error} ──── agent
 */

export interface Endpoint {
  host: string;
  port: number;
}

export interface Capacity {
  maxContainers: number;
  cpus: number;
  memoryBytes: number;
}

export interface HostUsage {
  /** Busy share of all host CPUs since the previous sample, 0–100. */
  cpuPct: number;
  memUsedBytes: number;
  memTotalBytes: number;
  load1: number;
}

export const CONTAINER_STATES = ['starting', 'running', 'draining', 'stopping', 'exited'] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

export interface ContainerReport {
  id: string;
  name: string;
  service: string;
  state: ContainerState;
  ready: boolean;
  draining: boolean;
  /** CPU used as a percentage of the container's own CPU limit. */
  cpuPct: number;
  memBytes: number;
  inflight: number;
  requestsTotal: number;
  /** Port published on 127.0.0.1, or null before Docker has assigned one. */
  hostPort: number | null;
  /** Tier-2 attempts to this container that failed (connect error, timeout, 5xx), since the agent started. Absent from older agents. */
  errorsTotal?: number;
  /** Tier-2 time to a complete response from this container since the previous report, successful requests only. */
  latencyMs?: ContainerLatency;
  /** Requests tier 2 lets this container have in flight right now (fixed, or learned under `auto`). Absent from older agents. */
  inflightLimit?: number;
}

export interface ContainerLatency {
  p50: number;
  p99: number;
  count: number;
}

export const REJECT_CODES = [
  'bad-proof',
  'version-mismatch',
  'duplicate-agent',
  'invalid-hello',
  'handshake-timeout',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export interface ChallengeMessage {
  type: 'challenge';
  protocolVersion: number;
  /** 32 random bytes, hex. */
  nonce: string;
}

export interface HelloMessage {
  type: 'hello';
  protocolVersion: number;
  agentId: string;
  hostname: string;
  agentVersion: string;
  capacity: Capacity;
  /** Where this agent's tier-2 front listens, or null when it has none yet. */
  front: Endpoint | null;
  /** HMAC-SHA256(secret, nonce), hex. */
  proof: string;
}

export interface WelcomeMessage {
  type: 'welcome';
  reportIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** The server sends a ping when it has sent nothing else for this long. */
  pingIntervalMs: number;
}

export interface RejectMessage {
  type: 'reject';
  code: RejectCode;
  reason: string;
}

export interface ReportMessage {
  type: 'report';
  /** Increases by one per report within a session; restarts at 1 on reconnect. */
  seq: number;
  /** Agent clock, ms since the epoch, when the sample was taken. */
  at: number;
  host: HostUsage;
  containers: ContainerReport[];
  /** Whether the agent's Docker Engine answered its last check. Absent from older agents. */
  dockerUp?: boolean;
  /** Tier-2 requests waiting for a free container when the report was built. Absent from older agents. */
  queued?: number;
}

export interface PingMessage {
  type: 'ping';
  at: number;
}

/** VIM → agent: describe yourself. Answered with an {@link AgentDescription}. */
export interface DescribeRequest {
  type: 'describe';
  id: number;
}

/** What to run: the agent fills in names, labels, the published port and hardening itself. */
export interface ContainerSpec {
  /** Service name: becomes the `acs.service` label. */
  service: string;
  image: string;
  /** CPU limit in CPUs (enforced as a CFS quota over a 10 ms period). */
  cpus: number;
  memoryBytes: number;
  pidsLimit: number;
  /** Port the workload listens on inside the container; published on 127.0.0.1:<ephemeral>. */
  containerPort: number;
  /** Extra environment, e.g. WORK_MS. */
  env: Record<string, string>;
}

/**
 * VIM → agent: start one container. Answered once it has started (state `starting`) with a
 * {@link ContainerStarted}; readiness follows in reports. Errors: `at-capacity`, `docker-unavailable`,
 * `image-not-found`, `start-failed`.
 */
export interface StartContainerRequest {
  type: 'startContainer';
  id: number;
  spec: ContainerSpec;
}

/**
 * VIM → agent: drain a container (no new requests; wait for those in flight, up to drainTimeoutMs), then
 * stop and remove it. Answered with a {@link ContainerStopped}. Errors: `not-found` (not one of this agent's).
 */
export interface StopContainerRequest {
  type: 'stopContainer';
  id: number;
  containerId: string;
  drainTimeoutMs: number;
}

export type AgentRequest = DescribeRequest | StartContainerRequest | StopContainerRequest;
export type AgentRequestType = AgentRequest['type'];

/** A request before it gets its id: what callers hand to the session, which numbers it. */
export type AgentCommand = AgentRequest extends infer R ? (R extends AgentRequest ? Omit<R, 'id'> : never) : never;

export interface ResultOk {
  type: 'result';
  id: number;
  ok: true;
  /** Shape depends on the request; checked by the requester with the request's result parser. */
  value: unknown;
}

export interface ResultError {
  type: 'result';
  id: number;
  ok: false;
  error: { code: string; message: string };
}

export type ResultMessage = ResultOk | ResultError;

export type Message =
  | ChallengeMessage
  | HelloMessage
  | WelcomeMessage
  | RejectMessage
  | ReportMessage
  | PingMessage
  | AgentRequest
  | ResultMessage;

export type MessageType = Message['type'];

export interface ContainerStarted {
  containerId: string;
  name: string;
  hostPort: number;
}

export interface ContainerStopped {
  containerId: string;
  /** True when every request in flight finished before the drain timeout. */
  drained: boolean;
  /** Requests still in flight when the container was stopped (0 when drained). */
  inflightAtStop: number;
}

export interface AgentDescription {
  agentId: string;
  hostname: string;
  agentVersion: string;
  protocolVersion: number;
  pid: number;
  nodeVersion: string;
  platform: string;
  uptimeMs: number;
  capacity: Capacity;
  front: Endpoint | null;
}
