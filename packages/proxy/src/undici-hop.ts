import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { Logger } from '@acs/daemon';
import type { ForwardingPlan, ForwardTarget } from './forwarder';
import { PlannedAttempt } from './planned-attempt';
import { CONNECTION_OPTIONS, connectionListed, HOP_BY_HOP_SET, isReplayable, withoutNames } from './hop-headers';
import { sendJson } from './responses';

/** Bounds the per-target pool cache; far above the containers one VM or VMs one VIM has. */
const MAX_CACHED_TARGETS = 256;
/**
 * A response held back so the target's slot is given back first (see ForwardingPlan.onUpstreamDone) is
 * buffered up to this much; past it the upstream is paused until the held part has been written.
 */
const MAX_HELD_BYTES = 64 * 1024;
/** Not forwarded upstream besides the hop-by-hop ones: Node's server has already answered any 100-continue. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP_SET, 'expect']);
const ATTEMPT = Symbol('acs.undici.attempt');
type TrackedResponse = ServerResponse & { [ATTEMPT]?: UndiciAttempt };

/**
 * The Forwarder's hop on undici instead of http-proxy and Node's HTTP client: one keep-alive `Pool` per
 * target, and one object per attempt that is also undici's dispatch handler, so that no response stream,
 * no `ClientRequest` and no agent bookkeeping is built per request. Same rules as the http-proxy engine
 * (see Forwarder); the upstream timeout is undici's `headersTimeout`, which covers the same span: from
 * the request written to the response's headers.
 */
export class UndiciHop {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly timeoutMs: () => number,
    readonly log: Logger,
  ) {}

  private poolFor(url: string): Pool {
    let pool = this.pools.get(url);
    if (pool) return pool;
    if (this.pools.size >= MAX_CACHED_TARGETS) {
      const oldest = this.pools.keys().next().value;
      if (oldest !== undefined) {
        void this.pools.get(oldest)?.close().catch(() => undefined);
        this.pools.delete(oldest);
      }
    }
    // No body timeout: as with http-proxy, once a response has started it may take as long as it takes.
    pool = new Pool(url, { pipelining: 1, bodyTimeout: 0 });
    this.pools.set(url, pool);
    return pool;
  }

  start(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, plan: ForwardingPlan, retryOf: UndiciAttempt | undefined): void {
    const attempt = new UndiciAttempt(this, req, res, target, plan, retryOf);
    (res as TrackedResponse)[ATTEMPT] = attempt;
    res.on('close', onResponseClose);
    const options: Dispatcher.DispatchOptions = {
      path: req.url ?? '/',
      method: req.method ?? 'GET',
      headers: upstreamHeaders(req),
      body: hasBody(req) ? req : null,
      headersTimeout: this.timeoutMs(),
      bodyTimeout: 0,
    };
    // The legacy handler shape (onConnect, onHeaders, …) is what undici's core calls; the newer one is
    // adapted per request, one more object and a parse of the headers we would then flatten again.
    this.poolFor(target.url).dispatch(options, attempt);
  }

  get timeout(): number {
    return this.timeoutMs();
  }

  close(): void {
    for (const pool of this.pools.values()) void pool.destroy().catch(() => undefined);
    this.pools.clear();
  }
}

/** One try of one request at one target, and undici's handler for it. */
class UndiciAttempt extends PlannedAttempt {
  private abort: ((reason?: Error) => void) | undefined = undefined;
  private responded = false;
  clientGone = false;
  /** While the response is held back (see releaseFirst), its chunks; undefined once it streams. */
  private held: Buffer[] | undefined = undefined;
  private heldBytes = 0;
  private complete = false;
  private resume: (() => void) | undefined = undefined;

  constructor(
    private readonly hop: UndiciHop,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    target: ForwardTarget,
    plan: ForwardingPlan,
    readonly retryOf: UndiciAttempt | undefined,
  ) {
    super(target, plan);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort;
    if (this.clientGone) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    this.responded = true;
    this.resume = resume;
    const res = this.res;
    if (this.clientGone || res.headersSent || res.writableEnded) {
      this.abort?.();
      return false;
    }
    const out: string[] = [];
    let listed: string | undefined;
    let hasServedBy = false;
    let hasRequestId = false;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      const value = rawHeaders[i + 1]!.toString('latin1');
      const lower = name.toLowerCase();
      if (HOP_BY_HOP_SET.has(lower)) {
        if (lower === 'connection') listed = listed === undefined ? value : `${listed},${value}`;
        continue;
      }
      if (lower === 'x-served-by') hasServedBy = true;
      else if (lower === 'x-request-id') hasRequestId = true;
      out.push(name, value);
    }
    const named = listed === undefined ? [] : connectionListed(listed).filter((h) => !CONNECTION_OPTIONS.has(h));
    const headers = named.length === 0 ? out : withoutNames(out, named);
    const servedBy = this.plan.servedBy?.(this.target);
    if (servedBy !== undefined && !hasServedBy) headers.push('X-Served-By', servedBy);
    const requestId = this.req.headers['x-request-id'];
    if (typeof requestId === 'string' && !hasRequestId) headers.push('X-Request-Id', requestId);
    if (statusText) res.writeHead(statusCode, statusText, headers);
    else res.writeHead(statusCode, headers);
    // With onUpstreamDone, the response is held until the check phase: a small one is then complete and
    // the target's slot given back first, so the next request's bytes reach the target before this
    // response's reach the client, and the target works while we write.
    if (this.plan.onUpstreamDone) {
      this.held = [];
      setImmediate(releaseHeld, this);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const held = this.held;
    if (held) {
      held.push(chunk);
      this.heldBytes += chunk.length;
      return this.heldBytes < MAX_HELD_BYTES;
    }
    // Backpressure: a slow client pauses the upstream until its socket drains.
    if (!this.res.write(chunk)) {
      this.res.once('drain', this.resume!);
      return false;
    }
    return true;
  }

  onComplete(): void {
    this.complete = true;
    this.upstreamDone();
    if (!this.held) this.res.end();
  }

  /** Writes what was held back, then streams the rest. */
  flushHeld(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    const res = this.res;
    if (res.destroyed) return;
    let drained = true;
    for (const chunk of held) drained = res.write(chunk);
    if (this.complete) res.end();
    else if (this.heldBytes >= MAX_HELD_BYTES) {
      if (drained) this.resume?.();
      else res.once('drain', this.resume!);
    }
  }

  onError(error: NodeJS.ErrnoException): void {
    const { req, res, target, plan, hop } = this;
    res.off('close', onResponseClose);
    if (this.responded) {
      // Failed mid-response: the client gets a cut-off response, as the upstream's was.
      this.end({ status: undefined, failure: this.clientGone ? 'client-gone' : 'upstream-error' });
      if (!res.destroyed) res.destroy();
      return;
    }
    const timedOut = error.code === 'UND_ERR_HEADERS_TIMEOUT';
    const connect = !timedOut && isConnectFailure(error);
    this.end({ status: undefined, failure: this.clientGone ? 'client-gone' : timedOut ? 'timeout' : connect ? 'connect' : 'upstream-error' });
    if (this.clientGone || res.headersSent || res.writableEnded || res.destroyed) return;
    if (connect && this.retryOf === undefined && isReplayable(req)) {
      const next = plan.pick(new Set([target.id]));
      if (next) {
        plan.onStart(next);
        hop.start(req, res, next, plan, this);
        return;
      }
    }
    hop.log.warn({ upstream: target.name, code: error.code, err: error.message, timedOut, requestId: req.headers['x-request-id'] }, 'upstream failed');
    sendJson(res, timedOut ? 504 : 502, {
      error: timedOut ? 'upstream-timeout' : 'upstream-failed',
      message: timedOut ? `${target.name} sent no response within ${hop.timeout} ms` : `${target.name} failed before answering: ${error.code ?? error.message}`,
    });
  }

  /** The client's side closed: either the response went out completely or the client left. */
  clientClosed(): void {
    if (this.res.writableFinished) {
      this.end({ status: this.res.statusCode, failure: 'none' });
      return;
    }
    this.clientGone = true;
    this.held = undefined;
    this.abort?.();
    this.end({ status: undefined, failure: 'client-gone' });
  }

}

function releaseHeld(attempt: UndiciAttempt): void {
  attempt.flushHeld();
}

function onResponseClose(this: ServerResponse): void {
  (this as TrackedResponse)[ATTEMPT]?.clientClosed();
}

/** The request's headers as a flat list for undici, without hop-by-hop ones and those Connection names. */
function upstreamHeaders(req: IncomingMessage): string[] {
  const headers = req.headers;
  const listed = headers['connection'];
  const named = listed === undefined || CONNECTION_OPTIONS.has(listed) ? undefined : connectionListed(listed);
  const out: string[] = [];
  for (const name in headers) {
    if (NOT_FORWARDED.has(name) || named?.includes(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const one of value) out.push(name, one);
  }
  return out;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function isConnectFailure(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'UND_ERR_SOCKET';
}
