import type { Socket } from 'node:net';
import {
  createNonce,
  FrameDecoder,
  FrameEncoder,
  InvalidFieldError,
  VersionMismatchError,
  PROTOCOL_VERSION,
  ProtocolError,
  proofMatches,
  type AgentCommand,
  type HelloMessage,
  type Message,
  type RejectCode,
  type ReportMessage,
} from '@acs/protocol';
import type { Logger } from '@acs/daemon';
import { MAX_UNREAD_OUTPUT_BYTES } from './defaults';
import { MAX_HANDSHAKE_BYTES } from './agent-limits';
import { AgentCommandError, RequestTimeoutError, SessionClosedError } from './errors';

/**
 * The VIM's side of one agent connection.
 *
 *   handshaking ──valid hello, admitted──▶ ready ──peer closed / heartbeat timeout / bad frame──▶ closed
 *        │                                                                                        ▲
 *        └──bad proof / wrong version / duplicate id / too slow ── reject{code} ─────────────────┘
 *
 * Deadlines are not timers per socket: the server sweeps every session on one interval (see
 * {@link AgentSession.sweep}), which at 10,000 agents is far cheaper than re-arming 10,000 timers per report.
 */
export type SessionState = 'handshaking' | 'ready' | 'closed';

export type CloseReason =
  | 'peer-closed'
  | 'socket-error'
  | 'protocol-error'
  | 'rejected'
  | 'heartbeat-timeout'
  | 'slow-consumer'
  | 'replaced'
  | 'server-shutdown';

export interface SessionHost {
  readonly secret: Buffer;
  readonly reportIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly handshakeTimeoutMs: number;
  readonly now: () => number;
  /** Decides whether a hello with a valid proof may join; returns why not, or null. */
  admit(session: AgentSession, hello: HelloMessage): { code: RejectCode; reason: string } | null;
  onReady(session: AgentSession): void;
  onReport(session: AgentSession, report: ReportMessage, receivedAt: number): void;
  onClosed(session: AgentSession, reason: CloseReason, detail: string | undefined): void;
}

interface PendingRequest {
  type: string;
  deadline: number;
  timeoutMs: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** How long a rejected peer has to read our reject frame before we cut the socket. */
const REJECT_LINGER_MS = 1000;

export class AgentSession {
  state: SessionState = 'handshaking';
  hello: HelloMessage | undefined;
  readonly peer: string;
  readonly connectedAt: number;
  lastFrameAt: number;
  private lastSentAt = 0;
  private readonly nonce = createNonce();
  private readonly decoder = new FrameDecoder();
  private readonly encoder = new FrameEncoder();
  private readonly pending = new Map<number, PendingRequest>();
  private nextRequestId = 1;
  private handshakeBytes = 0;
  private log: Logger;

  constructor(
    private readonly socket: Socket,
    private readonly host: SessionHost,
    logger: Logger,
  ) {
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.connectedAt = host.now();
    this.lastFrameAt = this.connectedAt;
    this.log = logger.child({ peer: this.peer });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.close('socket-error', error.message));
    socket.on('close', () => this.close('peer-closed'));
  }

  get agentId(): string {
    return this.hello?.agentId ?? '(unauthenticated)';
  }

  start(): void {
    this.send({ type: 'challenge', protocolVersion: PROTOCOL_VERSION, nonce: this.nonce });
  }

  /**
   * Sends a command and resolves with the agent's answer, checked by `parse`.
   * @throws RequestTimeoutError, SessionClosedError, AgentCommandError
   */
  request<T>(command: AgentCommand, parse: (value: unknown) => T, timeoutMs: number): Promise<T> {
    if (this.state !== 'ready') return Promise.reject(new SessionClosedError(this.agentId, this.state));
    const id = this.nextRequestId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { type: command.type, deadline: this.host.now() + timeoutMs, timeoutMs, resolve, reject });
      this.send({ ...command, id });
    }).then(parse);
  }

  /** Called by the server on its sweep interval: enforces deadlines and keeps the agent's view of us alive. */
  sweep(now: number): void {
    if (this.state === 'handshaking') {
      if (now - this.connectedAt > this.host.handshakeTimeoutMs) {
        this.reject('handshake-timeout', `no valid hello within ${this.host.handshakeTimeoutMs} ms`);
      }
      return;
    }
    if (this.state !== 'ready') return;
    if (now - this.lastFrameAt > this.host.heartbeatTimeoutMs) {
      this.close('heartbeat-timeout', `silent for ${now - this.lastFrameAt} ms`);
      return;
    }
    if (now - this.lastSentAt >= this.host.pingIntervalMs) this.send({ type: 'ping', at: now });
    if (this.pending.size === 0) return;
    for (const [id, request] of this.pending) {
      if (now > request.deadline) {
        this.pending.delete(id);
        request.reject(new RequestTimeoutError(this.agentId, request.type, request.timeoutMs));
      }
    }
  }

  close(reason: CloseReason, detail?: string): void {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    this.socket.destroy();
    for (const request of this.pending.values()) request.reject(new SessionClosedError(this.agentId, reason));
    this.pending.clear();
    // Shutdown closes every session at once; the server logs that as one line, not thousands.
    if (reason !== 'server-shutdown' && (wasReady || reason !== 'peer-closed')) {
      this.log[reason === 'peer-closed' ? 'info' : 'warn']({ reason, detail }, 'agent session closed');
    }
    this.host.onClosed(this, reason, detail);
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'handshaking') {
      this.handshakeBytes += chunk.length;
      if (this.handshakeBytes > MAX_HANDSHAKE_BYTES) {
        // Only a welcomed agent may send large frames: a stranger must not make us buffer up to the frame limit.
        this.close('protocol-error', `over ${MAX_HANDSHAKE_BYTES} bytes before the handshake completed`);
        return;
      }
    }
    let messages: Message[];
    try {
      messages = this.decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      for (const message of error.preceding as Message[]) this.onMessage(message);
      if (this.state === 'handshaking' && error instanceof InvalidFieldError && error.messageType === 'hello') {
        // Tell a misconfigured agent what is wrong instead of leaving it to retry forever.
        this.reject('invalid-hello', error.message);
        return;
      }
      this.close('protocol-error', `${error.code}: ${error.message}`);
      return;
    }
    for (const message of messages) {
      if (this.state === 'closed') return;
      this.onMessage(message);
    }
  }

  private onMessage(message: Message): void {
    const now = this.host.now();
    this.lastFrameAt = now;
    if (this.state === 'handshaking') {
      if (message.type !== 'hello') {
        this.close('protocol-error', `expected hello, got ${message.type}`);
        return;
      }
      this.onHello(message);
      return;
    }
    switch (message.type) {
      case 'report':
        this.host.onReport(this, message, now);
        return;
      case 'ping':
        return;
      case 'result': {
        const request = this.pending.get(message.id);
        if (!request) {
          this.log.debug({ id: message.id }, 'result for an unknown or expired request');
          return;
        }
        this.pending.delete(message.id);
        if (message.ok) request.resolve(message.value);
        else request.reject(new AgentCommandError(this.agentId, request.type, message.error.code, message.error.message));
        return;
      }
      default:
        this.close('protocol-error', `unexpected ${message.type} from an agent`);
    }
  }

  private onHello(hello: HelloMessage): void {
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      this.reject('version-mismatch', new VersionMismatchError(hello.protocolVersion, PROTOCOL_VERSION).message, hello);
      return;
    }
    if (!proofMatches(this.host.secret, this.nonce, hello.proof)) {
      this.reject('bad-proof', 'secret does not match', hello);
      return;
    }
    const refusal = this.host.admit(this, hello);
    if (refusal) {
      this.reject(refusal.code, refusal.reason, hello);
      return;
    }
    this.hello = hello;
    this.state = 'ready';
    this.log = this.log.child({ agentId: hello.agentId });
    this.send({ type: 'welcome', reportIntervalMs: this.host.reportIntervalMs, heartbeatTimeoutMs: this.host.heartbeatTimeoutMs, pingIntervalMs: this.host.pingIntervalMs });
    this.log.info({ hostname: hello.hostname, agentVersion: hello.agentVersion, capacity: hello.capacity }, 'agent session ready');
    this.host.onReady(this);
  }

  private reject(code: RejectCode, reason: string, hello?: HelloMessage): void {
    this.log.warn({ code, reason, agentId: hello?.agentId }, 'agent rejected');
    this.send({ type: 'reject', code, reason });
    this.state = 'closed';
    this.socket.end();
    setTimeout(() => this.socket.destroy(), REJECT_LINGER_MS).unref();
    this.host.onClosed(this, 'rejected', code);
  }

  private send(message: Message): void {
    if (this.socket.destroyed) return;
    let frame: Buffer;
    try {
      frame = this.encoder.encode(message);
    } catch (error) {
      // Only an oversize message can fail here; the encoder is then unusable, so is the connection.
      this.close('protocol-error', `could not send ${message.type}: ${(error as Error).message}`);
      return;
    }
    this.socket.write(frame);
    this.lastSentAt = this.host.now();
    if (this.socket.writableLength > MAX_UNREAD_OUTPUT_BYTES) {
      this.close('slow-consumer', `${this.socket.writableLength} bytes unread`);
    }
  }
}
