import { randomUUID } from 'node:crypto';
import { Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import httpProxy from 'http-proxy';
import type { Logger } from '@acs/daemon';
import { CONNECTION_OPTIONS, connectionListed, HOP_BY_HOP, HOP_BY_HOP_SET, isReplayable, withoutNames } from './hop-headers';
import { sendJson } from './responses';
import { PlannedAttempt } from './planned-attempt';
import { UndiciHop } from './undici-hop';

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
  /** True when `onUpstreamDone` was called for this attempt before it ended. */
  upstreamDone?: boolean;
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
  /**
   * The target has sent its whole response: it is done with this request, though the client may still be
   * receiving it. At most once per attempt, always before `onEnd` (whose outcome then says
   * `upstreamDone: true`). With it, the next request for that target goes out before this response is
   * written to the client: tier 2 gives the container's in-flight slot back here.
   */
  onUpstreamDone?(target: ForwardTarget): void;
}

/** What moves the bytes: http-proxy on Node's HTTP client, or undici's pools (see README, "Engines"). */
export const PROXY_ENGINES = ['http-proxy', 'undici'] as const;
export type ProxyEngine = (typeof PROXY_ENGINES)[number];
export const DEFAULT_PROXY_ENGINE: ProxyEngine = 'undici';

export interface ForwarderOptions {
  /** An upstream that sends no response (or goes silent) this long: 504. */
  upstreamTimeoutMs: number;
  /** Default {@link DEFAULT_PROXY_ENGINE}. */
  engine?: ProxyEngine;
}

/** Bounds the per-target proxy cache; far above the containers one VM or VMs one VIM has. */
const MAX_CACHED_TARGETS = 256;

/** Streaming a response: the client's response an upstream response goes to, and back. */
const CLIENT_RESPONSE = Symbol('acs.forwarder.clientResponse');
const UPSTREAM_RESPONSE = Symbol('acs.forwarder.upstreamResponse');
/** The attempt a request (and its response) is on now, kept on the objects themselves. */
const ATTEMPT = Symbol('acs.forwarder.attempt');
type TrackedRequest = IncomingMessage & { [ATTEMPT]?: Attempt };
type TrackedResponse = ServerResponse & { [ATTEMPT]?: Attempt; [UPSTREAM_RESPONSE]?: IncomingMessage };

type TrackedUpstreamResponse = IncomingMessage & { [CLIENT_RESPONSE]?: TrackedResponse };

function onUpstreamData(this: TrackedUpstreamResponse, chunk: Buffer): void {
  const res = this[CLIENT_RESPONSE];
  // Backpressure: a slow client pauses the upstream until its socket drains.
  if (res && !res.write(chunk)) {
    this.pause();
    res.once('drain', onClientDrain);
  }
}

function onClientDrain(this: TrackedResponse): void {
  this[UPSTREAM_RESPONSE]?.resume();
}

function onUpstreamEnd(this: TrackedUpstreamResponse): void {
  const res = this[CLIENT_RESPONSE];
  res?.[ATTEMPT]?.upstreamDone();
  res?.end();
}

function streamToClient(proxyRes: IncomingMessage): void {
  proxyRes.on('data', onUpstreamData);
  proxyRes.on('end', onUpstreamEnd);
}

/**
 * Runs once the socket read that brought the response headers has been parsed. A small response is then
 * complete: the target's slot is given back at once, and the response is streamed to the client only in
 * the check phase, so that the next request's bytes (written a few ticks into the dispatch) reach the
 * target before this response's reach the client, and the target works while we write.
 */
function releaseThenStream(proxyRes: IncomingMessage, attempt: Attempt): void {
  if (proxyRes.complete) {
    attempt.upstreamDone();
    setImmediate(streamToClient, proxyRes);
  } else {
    streamToClient(proxyRes);
  }
}

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
  /** Set when the engine is undici: every attempt then goes through it, and none through http-proxy. */
  private readonly undici: UndiciHop | undefined;

  constructor(
    private readonly options: ForwarderOptions,
    private readonly log: Logger,
  ) {
    // Our own timeout rather than http-proxy's proxyTimeout, which surfaces as a plain "socket hang up",
    // indistinguishable from a crashed upstream. And one sweep over all waiting requests rather than a
    // socket timer per request: re-arming a timeout on a reused keep-alive socket cost ~30% of the
    // front's throughput (bench/proxy.ts).
    this.startSweep();
    if ((options.engine ?? DEFAULT_PROXY_ENGINE) === 'undici') this.undici = new UndiciHop(() => this.options.upstreamTimeoutMs, log);
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
    // xfwd off: forward() sets X-Forwarded-* once per hop, without http-proxy's per-request closures and
    // Host regex. selfHandleResponse: onProxyRes writes status and headers in one writeHead with an array,
    // instead of http-proxy's passes calling res.setHeader once per upstream header.
    // toProxy: forward req.url as it is, instead of http-proxy's url.parse of it on every request; forward()
    // turns an absolute-form target into origin-form first, which is all that parse was for.
    proxy = httpProxy.createProxyServer({ target: url, xfwd: false, selfHandleResponse: true, toProxy: true, agent: this.agent });
    proxy.on('proxyReq', (proxyReq: ClientRequest, req: IncomingMessage) => this.onProxyReq(proxyReq, req));
    proxy.on('proxyRes', (proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse) => this.onProxyRes(proxyRes, req, res));
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
    // Tier 1's agent always sends "Connection: keep-alive", which names no header: no split for it.
    if (listed !== undefined && !CONNECTION_OPTIONS.has(listed)) for (const name of connectionListed(listed)) proxyReq.removeHeader(name);
    // Removed where the attempt is known to end (response started, error, client gone): a per-request
    // 'close' listener here cost as much as the socket timer it replaced.
    attempt.deadline = Date.now() + this.options.upstreamTimeoutMs;
    this.awaitingResponse.set(proxyReq, attempt);
  }

  private onProxyRes(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
    // The response has started: the "no response" timeout no longer applies.
    const attempt = attemptOf(req);
    const upstream = attempt?.upstream;
    if (upstream) this.awaitingResponse.delete(upstream);
    if (res.headersSent || res.writableEnded) {
      proxyRes.resume();
      return;
    }
    // One pass over the raw headers (never building proxyRes.headers), then one writeHead with a flat array:
    // the upstream's headers win over ours, as they did with setHeader before them.
    const raw = proxyRes.rawHeaders;
    const out: string[] = [];
    let listed: string | undefined;
    let hasServedBy = false;
    let hasRequestId = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP_SET.has(lower)) {
        if (lower === 'connection') listed = listed === undefined ? raw[i + 1]! : `${listed},${raw[i + 1]!}`;
        continue;
      }
      if (lower === 'x-served-by') hasServedBy = true;
      else if (lower === 'x-request-id') hasRequestId = true;
      out.push(name, raw[i + 1]!);
    }
    const named = listed === undefined ? [] : connectionListed(listed).filter((h) => !CONNECTION_OPTIONS.has(h));
    const headers = named.length === 0 ? out : withoutNames(out, named);
    const servedBy = attempt?.servedBy;
    if (servedBy !== undefined && !hasServedBy) headers.push('X-Served-By', servedBy);
    const requestId = req.headers['x-request-id'];
    if (typeof requestId === 'string' && !hasRequestId) headers.push('X-Request-Id', requestId);
    const status = proxyRes.statusCode ?? 502;
    if (proxyRes.statusMessage) res.writeHead(status, proxyRes.statusMessage, headers);
    else res.writeHead(status, headers);
    // What proxyRes.pipe(res) does for a response, with shared handlers: pipe builds about eight closures
    // and adds and removes a dozen listeners per response, a visible share of a small request's hop.
    (proxyRes as TrackedUpstreamResponse)[CLIENT_RESPONSE] = res;
    (res as TrackedResponse)[UPSTREAM_RESPONSE] = proxyRes;
    if (attempt?.plan.onUpstreamDone) process.nextTick(releaseThenStream, proxyRes, attempt);
    else streamToClient(proxyRes);
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
    this.undici?.close();
  }

  /**
   * Ensures the request carries an X-Request-Id, which every response to it echoes (the forwarded one
   * and {@link sendJson}'s); returns it. Kept on the request, not set on the response here: a header set
   * early would push the response's one writeHead onto Node's slow merging path.
   */
  static requestId(req: IncomingMessage, _res?: ServerResponse): string {
    const given = req.headers['x-request-id'];
    const value = Array.isArray(given) ? given[0] : given;
    const id = value && value.length <= 200 ? value : randomUUID();
    req.headers['x-request-id'] = id;
    return id;
  }

  /**
   * Forwards to `first` (already picked, and counted by the caller's onStart), retrying per the rules
   * above. The caller has done admission; this only moves bytes and applies the failure rules.
   */
  forward(req: IncomingMessage, res: ServerResponse, first: ForwardTarget, plan: ForwardingPlan): void {
    // Once per hop, here rather than per attempt, so a retry forwards the same values.
    appendForwarded(req);
    if (req.url !== undefined && !req.url.startsWith('/')) req.url = originForm(req.url);
    if (this.undici) {
      this.undici.start(req, res, first, plan, undefined);
      return;
    }
    this.attempt(new Attempt(this.awaitingResponse, req, res, first, plan, undefined));
  }

  // Per-request work is kept to one object (the Attempt) and shared handlers that find it on the
  // request or response: closures and WeakMaps per request showed up as GC time in the profile.

  private attempt(attempt: Attempt): void {
    const { req, res, target, plan } = attempt;
    (req as TrackedRequest)[ATTEMPT] = attempt;
    (res as TrackedResponse)[ATTEMPT] = attempt;
    // on, not once: 'close' comes once anyway, and once allocates a wrapper per request.
    res.on('close', onResponseClose);
    attempt.servedBy = plan.servedBy?.(target);
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
        plan.onStart(next);
        this.attempt(new Attempt(this.awaitingResponse, req, res, next, plan, attempt));
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

/**
 * Appends this hop to X-Forwarded-For, -Port and -Proto and sets X-Forwarded-Host if absent: the values
 * and format http-proxy's xfwd gave (port from the Host header, else the scheme's default).
 */
function appendForwarded(req: IncomingMessage): void {
  const headers = req.headers;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = headers.host;
  const colon = host === undefined ? -1 : host.lastIndexOf(':');
  const hostPort = colon >= 0 && host !== undefined ? host.slice(colon + 1) : '';
  const port = isDigits(hostPort) ? hostPort : encrypted ? '443' : '80';
  headers['x-forwarded-for'] = appended(headers['x-forwarded-for'], req.socket.remoteAddress ?? '');
  headers['x-forwarded-port'] = appended(headers['x-forwarded-port'], port);
  headers['x-forwarded-proto'] = appended(headers['x-forwarded-proto'], encrypted ? 'https' : 'http');
  if (!headers['x-forwarded-host']) headers['x-forwarded-host'] = host ?? '';
}

/** `http://host/path?q` → `/path?q` (what http-proxy forwarded for an absolute-form request target). */
function originForm(target: string): string {
  try {
    const parsed = new URL(target);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return target.startsWith('*') ? target : `/${target}`;
  }
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function appended(existing: string | string[] | undefined, value: string): string {
  const prior = Array.isArray(existing) ? existing.join(',') : existing;
  return prior ? `${prior},${value}` : value;
}

/** One try of one request at one target: the first, and at most one retry (`retryOf` set). */
class Attempt extends PlannedAttempt {
  upstream: ClientRequest | undefined = undefined;
  /** When the upstream's response headers are due; set once the request has a socket. */
  deadline = Infinity;
  timedOut = false;
  clientGone = false;
  /** X-Served-By for this attempt's response, from the plan. */
  servedBy: string | undefined = undefined;
  constructor(
    /** The forwarder's timeout sweep list, which a client leaving takes the upstream off. */
    readonly awaitingResponse: Map<ClientRequest, Attempt>,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    target: ForwardTarget,
    plan: ForwardingPlan,
    readonly retryOf: Attempt | undefined,
  ) {
    super(target, plan);
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
