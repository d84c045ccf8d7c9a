import { EventEmitter } from 'node:events';
import { connect, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { type ClientTls, formatHostPort, type HostPort, type Logger } from '@acs/daemon';
import {
  computeProof,
  FrameDecoder,
  FrameEncoder,
  PROTOCOL_VERSION,
  ProtocolError,
  type AgentRequest,
  type HelloMessage,
  type Message,
  type RejectCode,
  type ReportMessage,
  type WelcomeMessage,
} from '@acs/protocol';
import { backoffDelayMs, type BackoffPolicy } from './backoff';

/**
 * The agent's side of its session with the VIM, reconnecting for as long as it runs.
 *
 *   connecting ──connected──▶ handshaking ──welcome──▶ ready ──socket lost / VIM silent──▶ backoff
 *       ▲                          │                                                      │
 *       └──────────────────────────┼──────────── after backoffDelayMs(attempt) ───────────┘
 *                                  └── reject{bad-proof | version-mismatch | invalid-hello} ──▶ stopped (fatal)
 *
 * Each connection gets a fresh encoder and decoder (the payload codec is stateful per connection), and
 * the first report after every welcome carries the agent's full state, so a restarted VIM rebuilds its
 * view at once. The backoff attempt count resets only after a successful handshake.
 */
export type ConnectionState = 'connecting' | 'handshaking' | 'ready' | 'backoff' | 'stopped';

/** Missed VIM pings that end the connection (see the liveness note in protocol/messages.ts). */
export const MISSED_PINGS_LIMIT = 3;

/** Rejections that retrying cannot fix: the agent must stop and say why. */
const FATAL_REJECTS: ReadonlySet<RejectCode> = new Set(['bad-proof', 'version-mismatch', 'invalid-hello']);

export class FatalRejectError extends Error {
  constructor(
    readonly code: RejectCode,
    readonly reason: string,
    readonly vim: string,
  ) {
    super(`VIM at ${vim} rejected this agent: ${reason} (${code})`);
    this.name = 'FatalRejectError';
  }
}

export type AgentIdentity = Omit<HelloMessage, 'type' | 'proof' | 'protocolVersion'>;
export type ReportBody = Omit<ReportMessage, 'type' | 'seq'>;

export interface AgentBehaviour {
  /** The agent's current full state; called once per report interval, never concurrently. */
  buildReport(): Promise<ReportBody>;
  /** Carries out a VIM command; the resolved value becomes the result's value, a throw its error. */
  handleRequest(request: AgentRequest): Promise<unknown>;
}

export interface VimConnectionOptions {
  vim: HostPort;
  secret: Buffer;
  /** Connect over TLS, verifying the VIM's certificate; undefined: plaintext. */
  tls?: ClientTls;
  identity: AgentIdentity;
  backoff: BackoffPolicy;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
  now?: () => number;
  random?: () => number;
}

export interface VimConnectionEvents {
  ready: [welcome: WelcomeMessage];
  disconnected: [reason: string, retryInMs: number];
  fatal: [error: FatalRejectError];
}

/** An error a command handler throws to send a specific error code back to the VIM. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export class VimConnection extends EventEmitter<VimConnectionEvents> {
  state: ConnectionState = 'backoff';
  private socket: Socket | undefined;
  private encoder = new FrameEncoder();
  private decoder = new FrameDecoder();
  private attempt = 0;
  private seq = 0;
  private lastFrameAt = 0;
  private reportTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** Whether the current connection has received any frame: a silent close hints at a TLS/plaintext mismatch. */
  private heardFromVim = false;
  private reporting = false;
  /** A change arrived while a report was being built: send another right after it. */
  private reportAgain = false;
  private readonly now: () => number;
  private readonly vimAddress: string;

  constructor(
    private readonly options: VimConnectionOptions,
    private readonly behaviour: AgentBehaviour,
    private readonly log: Logger,
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.vimAddress = formatHostPort(options.vim);
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    clearTimeout(this.retryTimer);
    this.teardown();
  }

  /** Sends a report now rather than at the next tick (e.g. a container just died). */
  reportNow(): void {
    if (this.state === 'ready') this.sendReport();
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    this.encoder = new FrameEncoder();
    this.decoder = new FrameDecoder();
    this.heardFromVim = false;
    const tls = this.options.tls;
    const { host, port } = this.options.vim;
    // Over TLS the session starts once the VIM's certificate has verified (rejectUnauthorized is Node's default).
    const socket = tls === undefined ? connect({ host, port }) : connectTls({ host, port, ca: tls.ca, servername: tls.servername ?? serverNameFor(host) });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.options.connectTimeoutMs, () => socket.destroy(new Error(`connect timed out after ${this.options.connectTimeoutMs} ms`)));
    socket.on(tls === undefined ? 'connect' : 'secureConnect', () => {
      socket.setTimeout(0);
      socket.setKeepAlive(true, 10_000);
      this.state = 'handshaking';
      this.lastFrameAt = this.now();
      this.handshakeTimer = setTimeout(() => this.drop(this.describeHandshakeTimeout()), this.options.handshakeTimeoutMs);
    });
    // Events of a socket we already dropped must not touch its successor.
    socket.on('data', (chunk: Buffer) => this.socket === socket && this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.socket === socket && this.drop(this.describeSocketError(error)));
    socket.on('close', () => this.socket === socket && this.drop(this.describeClose()));
  }

  private onData(chunk: Buffer): void {
    let messages: Message[];
    try {
      messages = this.decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.drop(`bad frame from VIM: ${error.message}`);
      return;
    }
    for (const message of messages) {
      if (this.socket === undefined) return;
      this.heardFromVim = true;
      this.lastFrameAt = this.now();
      this.onMessage(message);
    }
  }

  private onMessage(message: Message): void {
    switch (message.type) {
      case 'challenge':
        if (this.state !== 'handshaking') return this.drop('unexpected challenge');
        this.send({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          ...this.options.identity,
          proof: computeProof(this.options.secret, message.nonce),
        });
        return;
      case 'welcome':
        if (this.state !== 'handshaking') return this.drop('unexpected welcome');
        this.onWelcome(message);
        return;
      case 'reject':
        this.onReject(message.code, message.reason);
        return;
      case 'ping':
        return;
      case 'describe':
      case 'startContainer':
      case 'stopContainer':
        this.runRequest(message);
        return;
      default:
        this.drop(`unexpected ${message.type} from VIM`);
    }
  }

  private onWelcome(welcome: WelcomeMessage): void {
    clearTimeout(this.handshakeTimer);
    this.state = 'ready';
    this.attempt = 0;
    this.seq = 0;
    this.log.info({ vim: this.vimAddress, reportIntervalMs: welcome.reportIntervalMs, heartbeatTimeoutMs: welcome.heartbeatTimeoutMs, pingIntervalMs: welcome.pingIntervalMs }, 'connected to VIM');
    this.emit('ready', welcome);
    this.sendReport();
    this.reportTimer = setInterval(() => this.sendReport(), welcome.reportIntervalMs);
    // No frame for several ping intervals: the connection is half-open (the VIM vanished without a FIN).
    const vimSilenceLimitMs = MISSED_PINGS_LIMIT * welcome.pingIntervalMs;
    this.watchdogTimer = setInterval(() => {
      const silentMs = this.now() - this.lastFrameAt;
      if (silentMs > vimSilenceLimitMs) this.drop(`VIM silent for ${silentMs} ms`);
    }, Math.max(25, welcome.pingIntervalMs / 2));
  }

  private onReject(code: RejectCode, reason: string): void {
    if (FATAL_REJECTS.has(code)) {
      const error = new FatalRejectError(code, reason, this.vimAddress);
      this.log.fatal({ code, reason, vim: this.vimAddress }, 'rejected by VIM; not retrying');
      this.stop();
      this.emit('fatal', error);
      return;
    }
    this.drop(`rejected: ${reason} (${code})`);
  }

  private runRequest(request: AgentRequest): void {
    this.behaviour.handleRequest(request).then(
      (value) => this.send({ type: 'result', id: request.id, ok: true, value }),
      (error: unknown) => {
        const code = error instanceof CommandError ? error.code : 'internal';
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof CommandError)) this.log.error({ err: error, request: request.type }, 'command failed');
        this.send({ type: 'result', id: request.id, ok: false, error: { code, message } });
      },
    );
  }

  private sendReport(): void {
    if (this.state !== 'ready') return;
    if (this.reporting) {
      this.reportAgain = true;
      return;
    }
    this.reporting = true;
    this.reportAgain = false;
    this.behaviour
      .buildReport()
      .then((body) => this.send({ type: 'report', seq: ++this.seq, ...body }))
      .catch((error: unknown) => this.log.error({ err: error }, 'could not build report'))
      .finally(() => {
        this.reporting = false;
        if (this.reportAgain) this.sendReport();
      });
  }

  private send(message: Message): void {
    if (!this.socket || this.socket.destroyed) return;
    let frame: Buffer;
    try {
      frame = this.encoder.encode(message);
    } catch (error) {
      // Only an oversize message can fail here; the encoder is then unusable, so start a new connection.
      this.log.error({ err: error, type: message.type }, 'could not encode a message for the VIM');
      this.drop(`could not send ${message.type}`);
      return;
    }
    this.socket.write(frame);
  }

  private describeSocketError(error: NodeJS.ErrnoException): string {
    if (this.options.tls === undefined) return error.message;
    if (error.code !== undefined && /CERT|SELF_SIGNED|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(error.code)) {
      return `TLS: the VIM's certificate does not verify against --tls-ca (${error.code}: ${error.message})`;
    }
    if (/wrong version number|packet length too long/i.test(error.message)) return `TLS: the VIM answered in plaintext; is its agent port without --tls-cert? (${error.message})`;
    return `TLS: ${error.message}`;
  }

  private describeHandshakeTimeout(): string {
    const base = `no welcome within ${this.options.handshakeTimeoutMs} ms`;
    if (this.heardFromVim || this.options.tls !== undefined) return base;
    return `${base}, not even a challenge (if the VIM runs with --tls-cert, give this agent --tls-ca)`;
  }

  private describeClose(): string {
    if (this.state === 'handshaking' && !this.heardFromVim && this.options.tls === undefined) {
      return 'connection closed by VIM before its challenge (it may be busy with other handshakes; or its agent port uses TLS: then give this agent --tls-ca)';
    }
    return 'connection closed by VIM';
  }

  /** Ends the current connection (idempotent) and schedules the next attempt. */
  private drop(reason: string): void {
    if (this.socket === undefined) return;
    const wasReady = this.state === 'ready';
    this.teardown();
    if (this.state === 'stopped') return;
    this.state = 'backoff';
    const delay = backoffDelayMs(this.attempt++, this.options.backoff, this.options.random);
    const fields = { vim: this.vimAddress, reason, retryInMs: delay, attempt: this.attempt };
    if (wasReady || this.attempt === 1) this.log.warn(fields, 'lost connection to VIM');
    else this.log.debug(fields, 'VIM still unreachable');
    this.emit('disconnected', reason, delay);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private teardown(): void {
    clearInterval(this.reportTimer);
    clearInterval(this.watchdogTimer);
    clearTimeout(this.handshakeTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }
}

/** SNI carries names only; an IP address is checked against the certificate's IP entries without it. */
function serverNameFor(host: string): string | undefined {
  return isIP(host) === 0 ? host : undefined;
}
