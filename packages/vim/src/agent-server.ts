import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { type HostPort, type Logger, listenOn, type ServerTls } from '@acs/daemon';
import type { AgentCommand, HelloMessage, ReportMessage } from '@acs/protocol';
import { AgentSession, type CloseReason, type SessionHost } from './agent-session';
import type { ClusterState } from './cluster-state';
import { SWEEP_INTERVAL_MS } from './defaults';
import { AgentNotConnectedError } from './errors';
import { ReportStats } from './report-stats';
import { CloseCounts, MAX_HANDSHAKING_SESSIONS, REFUSAL_LOG_INTERVAL_MS, tlsFailureHint } from './agent-limits';

export interface AgentServerOptions {
  listen: HostPort;
  secret: Buffer;
  reportIntervalMs: number;
  heartbeatTimeoutMs: number;
  pingIntervalMs: number;
  handshakeTimeoutMs: number;
  requestTimeoutMs: number;
  /** Certificate and key: agents must connect over TLS (plaintext ones fail the TLS handshake). */
  tls?: ServerTls;
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
  /** Why connections ended, by reason: what a hostile or broken peer did shows here as well as in the log. */
  readonly closeCounts = new CloseCounts();
  private readonly handshaking = new Set<AgentSession>();
  private lastRefusalLogAt = -Infinity;
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
    const tls = options.tls;
    if (tls === undefined) {
      this.server = createServer((socket) => this.accept(socket));
    } else {
      this.server = createTlsServer({ cert: tls.cert, key: tls.key, handshakeTimeout: options.handshakeTimeoutMs }, (socket) => this.accept(socket));
      this.server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
        this.closeCounts.add('tls-error');
        const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
        this.log.warn({ peer, reason: 'tls-error', detail: error.message, hint: tlsFailureHint(error) }, 'agent connection closed: TLS handshake failed');
      });
    }
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
    return { handshaking: this.handshaking.size, ready: this.byAgent.size };
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
    this.handshaking.delete(session);
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
    this.handshaking.delete(session);
    this.closeCounts.add(reason === 'rejected' && detail !== undefined ? `rejected:${detail}` : reason);
    const id = session.hello?.agentId;
    if (id === undefined || this.byAgent.get(id) !== session) return;
    this.byAgent.delete(id);
    this.cluster.vmDown(id, detail ? `${reason}: ${detail}` : reason, this.now());
  }

  private accept(socket: Socket): void {
    if (this.handshaking.size >= MAX_HANDSHAKING_SESSIONS) {
      // A flood of connections that never authenticate must not crowd out real agents or memory.
      this.closeCounts.add('too-many-handshakes');
      socket.destroy();
      const now = this.now();
      if (now - this.lastRefusalLogAt >= REFUSAL_LOG_INTERVAL_MS) {
        this.lastRefusalLogAt = now;
        this.log.warn({ reason: 'too-many-handshakes', handshaking: this.handshaking.size, peer: socket.remoteAddress }, `agent connection refused: ${MAX_HANDSHAKING_SESSIONS} connections already in the handshake (logged at most every ${REFUSAL_LOG_INTERVAL_MS / 1000} s; counted in closes)`);
      }
      return;
    }
    socket.setKeepAlive(true, 10_000);
    const session = new AgentSession(socket, this, this.log);
    this.sessions.add(session);
    this.handshaking.add(session);
    session.start();
  }

  private sweep(): void {
    const now = this.now();
    for (const session of this.sessions) session.sweep(now);
  }
}
