import { randomUUID } from 'node:crypto';
import { Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import httpProxy from 'http-proxy';
import type { Logger } from '@acs/daemon';
import { sendJson } from './responses';

/** Where one attempt goes. */
export interface ForwardTarget {
  id: string;
  /** Shown in logs and error messages. */
  name: string;
  /** Base URL, e.g. http://127.0.0.1:8081. */
  url: string;
}

export interface AttemptOutcome {
  /** HTTP status sent to the client, or undefined when the attempt failed before any response. */
  status: number | undefined;
  failure: 'none' | 'connect' | 'timeout' | 'client-gone' | 'upstream-error';
  durationMs: number;
}

export interface ForwardingPlan {
  /**
   * Picks where an attempt goes, never one in `tried`; undefined when nothing is available. The
   * caller counts in flight in `onStart` and releases in `onEnd`, exactly once per attempt.
   */
  pick(tried: ReadonlySet<string>): ForwardTarget | undefined;
  onStart(target: ForwardTarget): void;
  onEnd(target: ForwardTarget, outcome: AttemptOutcome): void;
  /** Header naming who served the response, or undefined to leave it to the upstream. */
  servedBy?(target: ForwardTarget): string | undefined;
}

export interface ForwarderOptions {
  /** An upstream that sends no response (or goes silent) this long: 504. */
  upstreamTimeoutMs: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded, nor are the
 * headers a Connection header names. Framing (transfer-encoding) is redone by Node on each hop.
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function connectionListed(value: string | string[] | number | undefined): string[] {
  if (value === undefined) return [];
  return String(value)
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
}
/** Bounds the per-target proxy cache; far above the containers one VM or VMs one VIM has. */
const MAX_CACHED_TARGETS = 256;

/** The attempt a request (and its response) is on now, kept on the objects themselves. */
const ATTEMPT = Symbol('acs.forwarder.attempt');
type TrackedRequest = IncomingMessage & { [ATTEMPT]?: Attempt };
type TrackedResponse = ServerResponse & { [ATTEMPT]?: Attempt };

function attemptOf(req: IncomingMessage): Attempt | undefined {
  return (req as TrackedRequest)[ATTEMPT];
}


/**
 * One reverse-proxy hop, shared by both balancer tiers: streams bodies both ways, keeps upstream
 * connections alive, and owns the failure rules so both tiers behave the same:
 *
 * - an idempotent request without a body whose connection fails before any response byte is retried
 *   once on another target (`plan.pick` excludes the one tried); anything else is answered 502;
 * - an upstream silent for `upstreamTimeoutMs` is cut and answered 504, never retried (it may have
 *   done the work);
 * - a client that leaves mid-request cancels the upstream request, so the container stops working for
 *   nobody, and its in-flight slot is released exactly once;
 * - `X-Request-Id` is kept or generated and returned; `X-Forwarded-*` are appended once per hop.
 *
 * In Node 20 a request counts as destroyed once its (empty) body has been piped upstream, so
 * `req.destroyed` does not mean "the client left": the response's close event does.
 */
export class Forwarder {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  /**
   * One http-proxy instance per target URL. Passing the target per call instead made http-proxy copy
   * its options and re-parse the URL on every request, a measurable share of a hop (bench/proxy.ts).
   */
  private readonly proxies = new Map<string, httpProxy>();
  /** Upstream requests still waiting for their response headers, with when they give up. */
  private readonly awaitingResponse = new Map<ClientRequest, Attempt>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ForwarderOptions,
    private readonly log: Logger,
  ) {
    // Our own timeout rather than http-proxy's proxyTimeout, which surfaces as a plain "socket hang up",
    // indistinguishable from a crashed upstream. And one sweep over all waiting requests rather than a
    // socket timer per request: re-arming a timeout on a reused keep-alive socket cost ~30% of the
    // front's throughput (bench/proxy.ts).
    this.startSweep();
  }

  private proxyFor(url: string): httpProxy {
    let proxy = this.proxies.get(url);
    if (proxy) return proxy;
    // Targets come and go with containers; keep the set bounded without tracking which are live.
    if (this.proxies.size >= MAX_CACHED_TARGETS) {
      const oldest = this.proxies.keys().next().value;
      if (oldest !== undefined) {
        this.proxies.get(oldest)?.removeAllListeners();
        this.proxies.delete(oldest);
      }
    }
    proxy = httpProxy.createProxyServer({ target: url, xfwd: true, agent: this.agent });
    proxy.on('proxyReq', (proxyReq: ClientRequest, req: IncomingMessage) => this.onProxyReq(proxyReq, req));
    proxy.on('proxyRes', (proxyRes: IncomingMessage, req: IncomingMessage) => this.onProxyRes(proxyRes, req));
    this.proxies.set(url, proxy);
    return proxy;
  }

  private onProxyReq(proxyReq: ClientRequest, req: IncomingMessage): void {
    const attempt = attemptOf(req);
    if (!attempt) return;
    attempt.upstream = proxyReq;
    // Presence checks first: removeHeader for absent names was a hot spot at tens of thousands of requests a second.
    const headers = req.headers;
    for (const name of HOP_BY_HOP) {
      // Keep the framing Node chose for the body it is about to stream.
      if (headers[name] !== undefined && name !== 'transfer-encoding') proxyReq.removeHeader(name);
    }
    const listed = headers['connection'];
    if (listed !== undefined) for (const name of connectionListed(listed)) proxyReq.removeHeader(name);
    // Removed where the attempt is known to end (response started, error, client gone): a per-request
    // 'close' listener here cost as much as the socket timer it replaced.
    attempt.deadline = Date.now() + this.options.upstreamTimeoutMs;
    this.awaitingResponse.set(proxyReq, attempt);
  }

  private onProxyRes(proxyRes: IncomingMessage, req: IncomingMessage): void {
    // The response has started: the "no response" timeout no longer applies.
    const upstream = attemptOf(req)?.upstream;
    if (upstream) this.awaitingResponse.delete(upstream);
    const headers = proxyRes.headers;
    const listed = headers['connection'];
    for (const name of HOP_BY_HOP) if (headers[name] !== undefined) delete headers[name];
    if (listed !== undefined) for (const name of connectionListed(listed)) delete headers[name];
  }

  /** Applies to attempts started from now on. */
  setUpstreamTimeout(ms: number): void {
    this.options.upstreamTimeoutMs = ms;
    this.startSweep();
  }

  /** Checks deadlines often enough that a timeout fires within a quarter of its length (≤ 250 ms late). */
  private startSweep(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = setInterval(() => {
      const now = Date.now();
      for (const [proxyReq, attempt] of this.awaitingResponse) {
        if (now < attempt.deadline) continue;
        this.awaitingResponse.delete(proxyReq);
        attempt.timedOut = true;
        proxyReq.destroy(new Error(`no response within ${this.options.upstreamTimeoutMs} ms`));
      }
    }, Math.max(5, Math.min(250, this.options.upstreamTimeoutMs / 4)));
    this.sweepTimer.unref();
  }

  get upstreamTimeoutMs(): number {
    return this.options.upstreamTimeoutMs;
  }

  close(): void {
    clearInterval(this.sweepTimer);
    for (const proxy of this.proxies.values()) proxy.removeAllListeners();
    this.proxies.clear();
    this.agent.destroy();
  }

  /** Ensures the request carries an X-Request-Id and echoes it on the response; returns it. */
  static requestId(req: IncomingMessage, res: ServerResponse): string {
    const given = req.headers['x-request-id'];
    const value = Array.isArray(given) ? given[0] : given;
    const id = value && value.length <= 200 ? value : randomUUID();
    req.headers['x-request-id'] = id;
    res.setHeader('X-Request-Id', id);
    return id;
  }

  /**
   * Forwards to `first` (already picked, and counted by the caller's onStart), retrying per the rules
   * above. The caller has done admission; this only moves bytes and applies the failure rules.
   */
  forward(req: IncomingMessage, res: ServerResponse, first: ForwardTarget, plan: ForwardingPlan): void {
    const forwarded: ForwardedHeaders = {
      for: req.headers['x-forwarded-for'],
      port: req.headers['x-forwarded-port'],
      proto: req.headers['x-forwarded-proto'],
      host: req.headers['x-forwarded-host'],
    };
    this.attempt(new Attempt(this.awaitingResponse, req, res, first, plan, forwarded, undefined));
  }

  // Per-request work is kept to one object (the Attempt) and shared handlers that find it on the
  // request or response: closures and WeakMaps per request showed up as GC time in the profile.

  private attempt(attempt: Attempt): void {
    const { req, res, target, plan } = attempt;
    (req as TrackedRequest)[ATTEMPT] = attempt;
    (res as TrackedResponse)[ATTEMPT] = attempt;
    res.once('close', onResponseClose);
    const servedBy = plan.servedBy?.(target);
    if (servedBy !== undefined) res.setHeader('X-Served-By', servedBy);
    proxyWeb(this.proxyFor(target.url), req, res, this.onAttemptError);
  }

  private readonly onAttemptError = (error: NodeJS.ErrnoException, req: IncomingMessage, res: ServerResponse): void => {
    const attempt = attemptOf(req);
    if (!attempt) return;
    const { target, plan } = attempt;
    if (attempt.upstream) this.awaitingResponse.delete(attempt.upstream);
    const timedOut = attempt.timedOut;
    const connect = !timedOut && isConnectFailure(error);
    res.off('close', onResponseClose);
    attempt.end({ status: undefined, failure: attempt.clientGone ? 'client-gone' : timedOut ? 'timeout' : connect ? 'connect' : 'upstream-error' });
    if (attempt.clientGone || res.headersSent || res.writableEnded || res.destroyed) return;
    if (connect && attempt.retryOf === undefined && isReplayable(req)) {
      const next = plan.pick(new Set([target.id]));
      if (next) {
        // Undo what the failed attempt's proxying appended to the forwarding headers.
        restoreForwarded(req, attempt.forwarded);
        plan.onStart(next);
        this.attempt(new Attempt(this.awaitingResponse, req, res, next, plan, attempt.forwarded, attempt));
        return;
      }
    }
    this.log.warn({ upstream: target.name, code: error.code, err: error.message, timedOut, requestId: req.headers['x-request-id'] }, 'upstream failed');
    sendJson(res, timedOut ? 504 : 502, {
      error: timedOut ? 'upstream-timeout' : 'upstream-failed',
      message: timedOut
        ? `${target.name} sent no response within ${this.options.upstreamTimeoutMs} ms`
        : `${target.name} failed before answering: ${error.code ?? error.message}`,
    });
  };
}

/** The client's side is closed: either the response went out completely or the client left. */
function onResponseClose(this: ServerResponse): void {
  const attempt = (this as TrackedResponse)[ATTEMPT];
  if (!attempt) return;
  if (this.writableFinished) {
    attempt.end({ status: this.statusCode, failure: 'none' });
    return;
  }
  attempt.clientGone = true;
  const upstream = attempt.upstream;
  if (upstream) {
    attempt.awaitingResponse.delete(upstream);
    upstream.destroy();
  }
  attempt.end({ status: undefined, failure: 'client-gone' });
}

/** The X-Forwarded-* values the request arrived with, before any attempt appended to them. */
interface ForwardedHeaders {
  for: string | string[] | undefined;
  port: string | string[] | undefined;
  proto: string | string[] | undefined;
  host: string | string[] | undefined;
}

function restoreForwarded(req: IncomingMessage, original: ForwardedHeaders): void {
  const set = (name: string, value: string | string[] | undefined): void => {
    if (value === undefined) delete req.headers[name];
    else req.headers[name] = value;
  };
  set('x-forwarded-for', original.for);
  set('x-forwarded-port', original.port);
  set('x-forwarded-proto', original.proto);
  set('x-forwarded-host', original.host);
}

/** One try of one request at one target: the first, and at most one retry (`retryOf` set). */
class Attempt {
  upstream: ClientRequest | undefined = undefined;
  /** When the upstream's response headers are due; set once the request has a socket. */
  deadline = Infinity;
  timedOut = false;
  clientGone = false;
  private ended = false;
  // Sub-millisecond: a zero-work hop takes well under 1 ms, and the adaptive in-flight limit and the
  // latency histograms both need to tell 0.3 ms from 0.9 ms.
  private readonly startedAt = performance.now();
  constructor(
    /** The forwarder's timeout sweep list, which a client leaving takes the upstream off. */
    readonly awaitingResponse: Map<ClientRequest, Attempt>,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly target: ForwardTarget,
    readonly plan: ForwardingPlan,
    readonly forwarded: ForwardedHeaders,
    readonly retryOf: Attempt | undefined,
  ) {
  }

  /** Reports the outcome to the plan, exactly once. */
  end(outcome: Omit<AttemptOutcome, 'durationMs'>): void {
    if (this.ended) return;
    this.ended = true;
    this.plan.onEnd(this.target, { status: outcome.status, failure: outcome.failure, durationMs: performance.now() - this.startedAt });
  }
}

/**
 * http-proxy's web(req, res, callback): its types insist on an options argument, but passing one makes it
 * copy its options for every request, which is what the per-target instances exist to avoid.
 */
type ProxyErrorCallback = (error: NodeJS.ErrnoException, req: IncomingMessage, res: ServerResponse) => void;
function proxyWeb(proxy: httpProxy, req: IncomingMessage, res: ServerResponse, callback: ProxyErrorCallback): void {
  (proxy.web as unknown as (req: IncomingMessage, res: ServerResponse, callback: ProxyErrorCallback) => void).call(proxy, req, res, callback);
}

function isConnectFailure(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' || error.code === 'EPIPE';
}

/** Idempotent and bodiless: nothing was consumed that could not be sent again. */
function isReplayable(req: IncomingMessage): boolean {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  return IDEMPOTENT.has(req.method ?? 'GET') && !hasBody;
}
