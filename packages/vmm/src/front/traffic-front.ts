import { randomUUID } from 'node:crypto';
import { Agent, createServer, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';
import { createPolicy, type Backend, type BalancingPolicy, type PolicyName } from '@acs/balancing';
import type { HostPort, Logger } from '@acs/daemon';
import type { TrafficBackends } from '../runtime/container-manager';
import { AdmissionQueue } from './admission-queue';

export interface TrafficFrontOptions {
  listen: HostPort;
  agentId: string;
  policy: PolicyName;
  /** Requests one container may have in flight; more wait in the queue. */
  maxInflightPerContainer: number;
  queueLimit: number;
  queueTimeoutMs: number;
  /** An upstream that sends no response within this long gets a 504. */
  upstreamTimeoutMs: number;
}

interface ContainerBackend {
  id: string;
  name: string;
  target: string;
}

interface Pending {
  req: IncomingMessage;
  res: ServerResponse;
  tried: Set<string>;
  /** The client closed its connection before its response was complete. */
  clientGone: boolean;
  /** X-Forwarded-* as the client sent them; http-proxy appends to these on every attempt. */
  forwarded: Array<[string, string | string[] | undefined]>;
}

const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-forwarded-host'];

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/** Seconds a client is told to wait after a 503, per RFC 9110 Retry-After. */
const RETRY_AFTER_SECONDS = '1';

/**
 * Tier 2: the VMM's HTTP front, spreading its VM's traffic over the VM's ready containers.
 *
 * Each container takes at most `maxInflightPerContainer` requests at a time; the rest wait in a bounded
 * FIFO. An overloaded single-threaded server serves its connections unfairly (p99 over a second at
 * saturation on these machines), so we queue here, where order is fair, instead of piling on there.
 * A request that cannot get a slot (queue full, or waited past `queueTimeoutMs`) gets 503 + Retry-After.
 */
export class TrafficFront implements TrafficBackends {
  private readonly server: Server;
  private readonly proxy: httpProxy;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
  private readonly policy: BalancingPolicy;
  private readonly queue: AdmissionQueue<Pending>;
  private backends: ContainerBackend[] = [];
  private readonly inflightById = new Map<string, number>();
  private readonly requestsById = new Map<string, number>();
  private readonly idleWaiters = new Map<string, Array<() => void>>();
  /** The upstream request of each client request, so a client that leaves can cancel it. */
  private readonly upstreamOf = new WeakMap<IncomingMessage, ClientRequest>();
  private readonly timedOut = new WeakSet<IncomingMessage>();
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: TrafficFrontOptions,
    private readonly log: Logger,
  ) {
    this.policy = createPolicy(options.policy);
    this.queue = new AdmissionQueue(options.queueLimit);
    this.proxy = httpProxy.createProxyServer({ xfwd: true, agent: this.agent });
    // Our own upstream timeout rather than http-proxy's proxyTimeout: that one surfaces as a plain
    // "socket hang up", indistinguishable from a crashed container, and must answer 504, never retry.
    this.proxy.on('proxyReq', (proxyReq: ClientRequest, req: IncomingMessage) => {
      this.upstreamOf.set(req, proxyReq);
      proxyReq.setTimeout(this.options.upstreamTimeoutMs, () => {
        this.timedOut.add(req);
        proxyReq.destroy(new Error(`no response within ${this.options.upstreamTimeoutMs} ms`));
      });
    });
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 0; // bodies may stream for long; the upstream timeout bounds waiting
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.listen.port, this.options.listen.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.expiryTimer = setInterval(() => this.expireWaiting(), Math.max(10, Math.min(250, this.options.queueTimeoutMs / 4)));
    this.expiryTimer.unref();
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    clearInterval(this.expiryTimer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.proxy.close();
    this.agent.destroy();
  }

  setBackends(backends: ReadonlyArray<{ id: string; name: string; port: number }>): void {
    this.backends = backends.map((b) => ({ id: b.id, name: b.name, target: `http://127.0.0.1:${b.port}` }));
    this.admitWaiting();
  }

  inflight(containerId: string): number {
    return this.inflightById.get(containerId) ?? 0;
  }

  requestsTotal(containerId: string): number {
    return this.requestsById.get(containerId) ?? 0;
  }

  forget(containerId: string): void {
    if (this.inflight(containerId) === 0) {
      this.inflightById.delete(containerId);
      this.requestsById.delete(containerId);
    }
  }

  waitForIdle(containerId: string, timeoutMs: number): Promise<boolean> {
    if (this.inflight(containerId) === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean): void => {
        clearTimeout(timer);
        const list = this.idleWaiters.get(containerId)?.filter((w) => w !== onIdle);
        if (list && list.length > 0) this.idleWaiters.set(containerId, list);
        else this.idleWaiters.delete(containerId);
        resolve(idle);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.idleWaiters.set(containerId, [...(this.idleWaiters.get(containerId) ?? []), onIdle]);
    });
  }

  /** Requests waiting for a slot right now. */
  get queued(): number {
    return this.queue.length;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const requestId = headerValue(req.headers['x-request-id']) ?? randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const pending: Pending = { req, res, tried: new Set(), clientGone: false, forwarded: FORWARDED_HEADERS.map((h) => [h, req.headers[h]]) };
    if (this.backends.length === 0) {
      this.reject(res, 'no-ready-container', `VM ${this.options.agentId} has no ready container`);
      return;
    }
    if (this.dispatch(pending)) return;
    if (!this.queue.push(pending, Date.now())) {
      this.reject(res, 'queue-full', `all containers on VM ${this.options.agentId} are busy and ${this.options.queueLimit} requests already wait`);
      return;
    }
    // A client that gives up while queued must not take a slot later.
    res.once('close', () => this.queue.remove(pending));
  }

  /** Sends the request to a container with a free slot; false when none has one. */
  private dispatch(pending: Pending): boolean {
    const candidates: Backend[] = [];
    for (const b of this.backends) {
      if (pending.tried.has(b.id)) continue;
      const inflight = this.inflight(b.id);
      if (inflight < this.options.maxInflightPerContainer) candidates.push({ id: b.id, inflight, weight: 1 });
    }
    const picked = this.policy.pick(candidates, { random: Math.random, clientKey: pending.req.socket.remoteAddress });
    if (!picked) return false;
    const backend = this.backends.find((b) => b.id === picked.id)!;
    this.forward(pending, backend);
    return true;
  }

  private forward(pending: Pending, backend: ContainerBackend): void {
    const { req, res } = pending;
    if (pending.tried.size > 0) {
      // A retry: undo what the failed attempt's proxying appended to the forwarding headers.
      for (const [name, value] of pending.forwarded) {
        if (value === undefined) delete req.headers[name];
        else req.headers[name] = value;
      }
    }
    pending.tried.add(backend.id);
    this.inflightById.set(backend.id, this.inflight(backend.id) + 1);
    this.requestsById.set(backend.id, this.requestsTotal(backend.id) + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.finished(backend.id);
    };
    const onClose = (): void => {
      release();
      if (res.writableFinished) return;
      // The client left mid-request: stop the container's work for it too.
      pending.clientGone = true;
      this.upstreamOf.get(req)?.destroy();
    };
    res.once('close', onClose);
    res.setHeader('X-Served-By', `${this.options.agentId}/${backend.name}`);
    this.proxy.web(req, res, { target: backend.target }, (error: NodeJS.ErrnoException) => {
      release();
      res.off('close', onClose);
      if (pending.clientGone || res.headersSent || res.writableEnded || res.destroyed) return;
      const timedOut = this.timedOut.has(req);
      if (!timedOut && this.canRetry(req, error) && pending.tried.size < 2 && this.dispatch(pending)) return;
      this.log.warn({ container: backend.name, code: error.code, err: error.message, timedOut, requestId: req.headers['x-request-id'] }, 'upstream failed');
      sendJson(res, timedOut ? 504 : 502, {
        error: timedOut ? 'upstream-timeout' : 'upstream-failed',
        message: timedOut
          ? `container ${backend.name} sent no response within ${this.options.upstreamTimeoutMs} ms`
          : `container ${backend.name} failed before answering: ${error.code ?? error.message}`,
      });
    });
  }

  /**
   * Only a request that nothing reached the client for, that carries no body (a body stream cannot be
   * replayed), and that is idempotent may be sent again, once, to another container with a free slot.
   */
  private canRetry(req: IncomingMessage, error: NodeJS.ErrnoException): boolean {
    const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
    const connectFailure = error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' || error.code === 'EPIPE';
    return IDEMPOTENT.has(req.method ?? 'GET') && !hasBody && connectFailure;
  }

  private finished(containerId: string): void {
    const left = Math.max(0, this.inflight(containerId) - 1);
    this.inflightById.set(containerId, left);
    if (left === 0) for (const waiter of this.idleWaiters.get(containerId) ?? []) waiter();
    this.admitWaiting();
  }

  private admitWaiting(): void {
    for (let next = this.queue.peek(); next !== undefined; next = this.queue.peek()) {
      if (next.res.destroyed || next.res.writableEnded) {
        this.queue.shift();
        continue;
      }
      if (this.backends.length === 0) {
        this.queue.shift();
        this.reject(next.res, 'no-ready-container', `VM ${this.options.agentId} has no ready container`);
        continue;
      }
      // It stays first in line (with its original wait time) until a slot is really free.
      if (!this.dispatch(next)) return;
      this.queue.remove(next);
    }
  }

  private expireWaiting(): void {
    for (const pending of this.queue.expire(Date.now(), this.options.queueTimeoutMs)) {
      this.reject(pending.res, 'queue-timeout', `no container on VM ${this.options.agentId} was free within ${this.options.queueTimeoutMs} ms`);
    }
  }

  private reject(res: ServerResponse, error: string, message: string): void {
    if (res.headersSent || res.destroyed) return;
    res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    sendJson(res, 503, { error, message });
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.length <= 200 ? v : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
