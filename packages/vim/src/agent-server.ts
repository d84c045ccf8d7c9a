import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { type HostPort, type Logger, listenOn } from '@acs/daemon';
import type { AgentCommand, HelloMessage, ReportMessage } from '@acs/protocol';
import { AgentSession, type CloseReason, type SessionHost } from './agent-session';
import type { ClusterState } from './cluster-state';
import { SWEEP_INTERVAL_MS } from './defaults';
import { AgentNotConnectedError } from './errors';
import { ReportStats } from './report-stats';

export interface AgentServerOptions {
  listen: HostPort;
  secret: Buffer;
  reportIntervalMs: number;
  heartbeatTimeoutMs: number;
  pingIntervalMs: number;
  handshakeTimeoutMs: number;
  requestTimeoutMs: number;
  now?: () => number;
}

/**
 * Accepts agent connections, runs their sessions, and keeps one live session per agent id.
 * Sessions feed the {@link ClusterState}; commands to agents go out through {@link AgentServer.request}.
 */
export class AgentServer implements SessionHost {
  readonly secret: Buffer;
  readonly reportIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly handshakeTimeoutMs: number;
  readonly now: () => number;
  readonly reportStats = new ReportStats();
  private readonly server: Server;
  private readonly sessions = new Set<AgentSession>();
  /** The ready session of each agent id. */
  private readonly byAgent = new Map<string, AgentSession>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: AgentServerOptions,
    private readonly cluster: ClusterState,
    private readonly log: Logger,
  ) {
    this.secret = options.secret;
    this.reportIntervalMs = options.reportIntervalMs;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs;
    this.pingIntervalMs = options.pingIntervalMs;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs;
    this.now = options.now ?? Date.now;
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<AddressInfo> {
    const address = await listenOn(this.server, this.options.listen);
    this.server.on('error', (error) => this.log.error({ err: error }, 'agent listener error'));
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(SWEEP_INTERVAL_MS, this.heartbeatTimeoutMs / 4));
    this.sweepTimer.unref();
    return address;
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const open = [...this.sessions];
    for (const session of open) session.close('server-shutdown');
    this.log.info({ sessions: open.length }, 'closed agent sessions');
    await closed;
  }

  get sessionCounts(): { handshaking: number; ready: number } {
    let handshaking = 0;
    for (const session of this.sessions) if (session.state === 'handshaking') handshaking++;
    return { handshaking, ready: this.byAgent.size };
  }

  /**
   * Sends a command to an agent and waits for its checked answer.
   * @throws AgentNotConnectedError, RequestTimeoutError, SessionClosedError, AgentCommandError
   */
  request<T>(agentId: string, command: AgentCommand, parse: (value: unknown) => T, timeoutMs = this.options.requestTimeoutMs): Promise<T> {
    const session = this.byAgent.get(agentId);
    if (!session) return Promise.reject(new AgentNotConnectedError(agentId));
    return session.request(command, parse, timeoutMs);
  }

  admit(session: AgentSession, hello: HelloMessage): ReturnType<SessionHost['admit']> {
    const existing = this.byAgent.get(hello.agentId);
    if (!existing) return null;
    // A live agent id is taken. But after a partition the old socket may linger unnoticed until its
    // heartbeat runs out; if it has been silent for two report intervals, the newcomer is the real one.
    if (this.now() - existing.lastFrameAt > 2 * this.reportIntervalMs) {
      existing.close('replaced', `new session from ${session.peer}`);
      return null;
    }
    return { code: 'duplicate-agent', reason: `agent id ${hello.agentId} already has a live session from ${existing.peer}` };
  }

  onReady(session: AgentSession): void {
    const hello = session.hello!;
    this.byAgent.set(hello.agentId, session);
    this.cluster.vmUp(
      {
        id: hello.agentId,
        hostname: hello.hostname,
        agentVersion: hello.agentVersion,
        address: session.peer,
        capacity: hello.capacity,
        front: hello.front,
      },
      this.now(),
    );
  }

  onReport(session: AgentSession, report: ReportMessage, receivedAt: number): void {
    const vm = this.cluster.get(session.agentId);
    if (vm) this.cluster.applyReport(vm, report, receivedAt);
    this.reportStats.record(receivedAt - report.at);
  }

  onClosed(session: AgentSession, reason: CloseReason, detail: string | undefined): void {
    this.sessions.delete(session);
    const id = session.hello?.agentId;
    if (id === undefined || this.byAgent.get(id) !== session) return;
    this.byAgent.delete(id);
    this.cluster.vmDown(id, detail ? `${reason}: ${detail}` : reason, this.now());
  }

  private accept(socket: Socket): void {
    socket.setKeepAlive(true, 10_000);
    const session = new AgentSession(socket, this, this.log);
    this.sessions.add(session);
    session.start();
  }

  private sweep(): void {
    const now = this.now();
    for (const session of this.sessions) session.sweep(now);
  }
}
