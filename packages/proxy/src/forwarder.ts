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
const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-forwarded-host'];

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
  private readonly proxy: httpProxy;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  private readonly upstreamOf = new WeakMap<IncomingMessage, ClientRequest>();
  private readonly timedOut = new WeakSet<IncomingMessage>();
  /** Upstream requests still waiting for their response headers, with when they give up. */
  private readonly awaitingResponse = new Map<ClientRequest, { req: IncomingMessage; deadline: number }>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ForwarderOptions,
    private readonly log: Logger,
  ) {
    this.proxy = httpProxy.createProxyServer({ xfwd: true, agent: this.agent });
    // Our own timeout rather than http-proxy's proxyTimeout, which surfaces as a plain "socket hang up",
    // indistinguishable from a crashed upstream. And one sweep over all waiting requests rather than a
    // socket timer per request: re-arming a timeout on a reused keep-alive socket cost ~30% of the
    // front's throughput (bench/proxy.ts).
    this.startSweep();
    this.proxy.on('proxyReq', (proxyReq: ClientRequest, req: IncomingMessage) => {
      this.upstreamOf.set(req, proxyReq);
      for (const name of [...connectionListed(req.headers['connection']), ...HOP_BY_HOP]) {
        // Keep the framing Node chose for the body it is about to stream.
        if (name !== 'transfer-encoding') proxyReq.removeHeader(name);
      }
      // Removed where the attempt is known to end (response started, error, client gone): a per-request
      // 'close' listener here cost as much as the socket timer it replaced.
      this.awaitingResponse.set(proxyReq, { req, deadline: Date.now() + this.options.upstreamTimeoutMs });
    });
    this.proxy.on('proxyRes', (proxyRes: IncomingMessage, req: IncomingMessage) => {
      // The response has started: the "no response" timeout no longer applies.
      const proxyReq = this.upstreamOf.get(req);
      if (proxyReq) this.awaitingResponse.delete(proxyReq);
      for (const name of [...connectionListed(proxyRes.headers['connection']), ...HOP_BY_HOP]) delete proxyRes.headers[name];
    });
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
      for (const [proxyReq, waiting] of this.awaitingResponse) {
        if (now < waiting.deadline) continue;
        this.awaitingResponse.delete(proxyReq);
        this.timedOut.add(waiting.req);
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
    this.proxy.close();
    this.proxy.removeAllListeners();
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
    const original = FORWARDED_HEADERS.map((h) => [h, req.headers[h]] as const);
    const tried = new Set<string>();
    let clientGone = false;

    const attempt = (target: ForwardTarget): void => {
      if (tried.size > 0) {
        // A retry: undo what the failed attempt's proxying appended to the forwarding headers.
        for (const [name, value] of original) {
          if (value === undefined) delete req.headers[name];
          else req.headers[name] = value;
        }
      }
      tried.add(target.id);
      const startedAt = Date.now();
      let ended = false;
      const end = (outcome: Omit<AttemptOutcome, 'durationMs'>): void => {
        if (ended) return;
        ended = true;
        res.off('close', onClose);
        plan.onEnd(target, { ...outcome, durationMs: Date.now() - startedAt });
      };
      const onClose = (): void => {
        if (res.writableFinished) {
          end({ status: res.statusCode, failure: 'none' });
          return;
        }
        clientGone = true;
        const upstream = this.upstreamOf.get(req);
        if (upstream) {
          this.awaitingResponse.delete(upstream);
          upstream.destroy();
        }
        end({ status: undefined, failure: 'client-gone' });
      };
      res.once('close', onClose);
      const servedBy = plan.servedBy?.(target);
      if (servedBy !== undefined) res.setHeader('X-Served-By', servedBy);

      this.proxy.web(req, res, { target: target.url }, (error: NodeJS.ErrnoException) => {
        const upstream = this.upstreamOf.get(req);
        if (upstream) this.awaitingResponse.delete(upstream);
        const timedOut = this.timedOut.has(req);
        const connect = !timedOut && isConnectFailure(error);
        end({ status: undefined, failure: clientGone ? 'client-gone' : timedOut ? 'timeout' : connect ? 'connect' : 'upstream-error' });
        if (clientGone || res.headersSent || res.writableEnded || res.destroyed) return;
        if (connect && tried.size < 2 && isReplayable(req)) {
          const next = plan.pick(tried);
          if (next) {
            plan.onStart(next);
            attempt(next);
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
      });
    };
    attempt(first);
  }
}

function isConnectFailure(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' || error.code === 'EPIPE';
}

/** Idempotent and bodiless: nothing was consumed that could not be sent again. */
function isReplayable(req: IncomingMessage): boolean {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  return IDEMPOTENT.has(req.method ?? 'GET') && !hasBody;
}
