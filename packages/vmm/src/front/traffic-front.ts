import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdaptiveConcurrencyLimit, createPolicy, DEFAULT_ADAPTIVE_LIMIT_SETTINGS, type Backend, type BalancingPolicy, type PolicyName } from '@acs/balancing';
import { createLimitedHttpServer, Histogram, type HostPort, type Logger, closeHttpServer, listenOn, TRAFFIC_HTTP_LIMITS } from '@acs/daemon';
import type { ContainerLatency } from '@acs/protocol';
import { Forwarder, sendUnavailable, type ForwardingPlan, type ForwardTarget, type ProxyEngine } from '@acs/proxy';
import type { TrafficBackends } from '../runtime/container-manager';
import { AdmissionQueue } from './admission-queue';

export interface TrafficFrontOptions {
  listen: HostPort;
  agentId: string;
  policy: PolicyName;
  /**
   * Requests one container may have in flight; more wait in the queue. `auto`: as many as the container
   * completes in a few ms ({@link AdaptiveConcurrencyLimit}): deep for cheap requests, 2 for CPU-bound ones.
   */
  maxInflightPerContainer: number | 'auto';
  queueLimit: number;
  queueTimeoutMs: number;
  /** An upstream that sends no response within this long gets a 504. */
  upstreamTimeoutMs: number;
  engine?: ProxyEngine;
}

/** The first attempt has tried nothing: one shared empty set instead of one per request. */
const NOTHING_TRIED: ReadonlySet<string> = new Set();

interface Pending {
  req: IncomingMessage;
  res: ServerResponse;
}

/**
 * Tier 2: the VMM's HTTP front, spreading its VM's traffic over the VM's ready containers.
 *
 * Each container takes at most `maxInflightPerContainer` requests at a time; the rest wait in a bounded
 * FIFO. An overloaded single-threaded server serves its connections unfairly (p99 over a second at
 * saturation on these machines), so we queue here, where order is fair, instead of piling on there.
 * A request that cannot get a slot (queue full, or waited past `queueTimeoutMs`) gets 503 + Retry-After.
 * Forwarding itself (retry, timeout, abort, headers) is the shared {@link Forwarder}'s.
 */
export class TrafficFront implements TrafficBackends {
  private readonly server: Server;
  private readonly forwarder: Forwarder;
  private readonly policy: BalancingPolicy;
  private readonly queue: AdmissionQueue<Pending>;
  private backends: ForwardTarget[] = [];
  /**
   * The last containers taken out of rotation (draining) while requests still waited for a slot: those
   * requests were accepted when a container was ready, and tier 1 cannot re-route them, so the leaving
   * containers serve what waits (the drain waits for them) instead of every one being answered 503.
   */
  private leaving: ForwardTarget[] = [];
  private readonly inflightById = new Map<string, number>();
  private readonly requestsById = new Map<string, number>();
  private readonly errorsById = new Map<string, number>();
  /** Since the last report: the autoscaler and the admin API want recent latency, not since boot. */
  private readonly latencyById = new Map<string, Histogram>();
  private readonly limitById = new Map<string, AdaptiveConcurrencyLimit>();
  private readonly idleWaiters = new Map<string, Array<() => void>>();
  private readonly plan: ForwardingPlan;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: TrafficFrontOptions,
    private readonly log: Logger,
  ) {
    this.policy = createPolicy(options.policy);
    this.queue = new AdmissionQueue(options.queueLimit);
    this.forwarder = new Forwarder({ upstreamTimeoutMs: options.upstreamTimeoutMs, engine: options.engine }, log);
    this.plan = {
      pick: (tried) => this.pick(tried),
      onStart: (target) => {
        this.inflightById.set(target.id, this.inflight(target.id) + 1);
        this.requestsById.set(target.id, this.requestsTotal(target.id) + 1);
      },
      onEnd: (target, outcome) => {
        if (outcome.failure !== 'client-gone') {
          const limiter = this.limiterOf(target.id);
          if (outcome.failure !== 'none' || (outcome.status !== undefined && outcome.status >= 500)) {
            this.errorsById.set(target.id, this.errorsTotal(target.id) + 1);
            limiter?.onFailure(performance.now());
          } else {
            this.latencyOf(target.id).record(outcome.durationMs);
            limiter?.onSuccess(performance.now());
          }
        }
        if (!outcome.upstreamDone) this.finished(target.id);
      },
      // The container has sent its whole response: its slot goes to the next request in line while
      // this response is still being written to the client (zero-work requests through tier 2: see the
      // README's figures).
      onUpstreamDone: (target) => this.finished(target.id),
      servedBy: (target) => `${options.agentId}/${target.name}`,
    };
    this.server = createLimitedHttpServer(TRAFFIC_HTTP_LIMITS, (req, res) => this.onRequest(req, res));
  }

  async listen(): Promise<AddressInfo> {
    const address = await listenOn(this.server, this.options.listen);
    this.expiryTimer = setInterval(() => this.expireWaiting(), Math.max(10, Math.min(250, this.options.queueTimeoutMs / 4)));
    this.expiryTimer.unref();
    return address;
  }

  async close(): Promise<void> {
    clearInterval(this.expiryTimer);
    await closeHttpServer(this.server);
    this.forwarder.close();
  }

  setBackends(backends: ReadonlyArray<{ id: string; name: string; port: number }>): void {
    const next = backends.map((b) => ({ id: b.id, name: b.name, url: `http://127.0.0.1:${b.port}` }));
    if (next.length > 0) this.leaving = [];
    else if (this.queue.length > 0 && this.backends.length > 0) this.leaving = this.backends;
    this.backends = next;
    this.admitWaiting();
  }

  inflight(containerId: string): number {
    return this.inflightById.get(containerId) ?? 0;
  }

  requestsTotal(containerId: string): number {
    return this.requestsById.get(containerId) ?? 0;
  }

  errorsTotal(containerId: string): number {
    return this.errorsById.get(containerId) ?? 0;
  }

  takeLatency(containerId: string): ContainerLatency {
    const histogram = this.latencyById.get(containerId);
    if (!histogram) return { p50: 0, p99: 0, count: 0 };
    const { p50, p99, count } = histogram.snapshot();
    histogram.reset();
    return { p50, p99, count };
  }

  /** The in-flight limit of a container right now. */
  limitOf(containerId: string): number {
    const fixed = this.options.maxInflightPerContainer;
    return fixed === 'auto' ? (this.limiterOf(containerId)?.limit ?? DEFAULT_ADAPTIVE_LIMIT_SETTINGS.min) : fixed;
  }

  private limiterOf(containerId: string): AdaptiveConcurrencyLimit | undefined {
    if (this.options.maxInflightPerContainer !== 'auto') return undefined;
    let limiter = this.limitById.get(containerId);
    if (!limiter) {
      limiter = new AdaptiveConcurrencyLimit();
      this.limitById.set(containerId, limiter);
    }
    return limiter;
  }

  private latencyOf(containerId: string): Histogram {
    let histogram = this.latencyById.get(containerId);
    if (!histogram) {
      histogram = new Histogram();
      this.latencyById.set(containerId, histogram);
    }
    return histogram;
  }

  forget(containerId: string): void {
    if (this.inflight(containerId) === 0) {
      this.inflightById.delete(containerId);
      this.requestsById.delete(containerId);
      this.errorsById.delete(containerId);
      this.latencyById.delete(containerId);
      this.limitById.delete(containerId);
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

  /** The containers requests may go to: those in rotation, or the leaving ones while requests wait. */
  private serving(): ForwardTarget[] {
    if (this.backends.length > 0) return this.backends;
    if (this.leaving.length > 0 && this.queue.length === 0) this.leaving = [];
    return this.leaving;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    Forwarder.requestId(req, res);
    const pending: Pending = { req, res };
    if (this.serving().length === 0) {
      sendUnavailable(res, 'no-ready-container', `VM ${this.options.agentId} has no ready container`);
      return;
    }
    if (this.dispatch(pending)) return;
    if (!this.queue.push(pending, Date.now())) {
      sendUnavailable(res, 'queue-full', `all containers on VM ${this.options.agentId} are busy and ${this.options.queueLimit} requests already wait`);
      return;
    }
    // A client that gives up while queued must not take a slot later.
    res.once('close', () => this.queue.remove(pending));
  }

  /** A container with a free slot, not yet tried for this request, chosen by the policy. */
  private pick(tried: ReadonlySet<string>): ForwardTarget | undefined {
    const candidates: Backend[] = [];
    const serving = this.serving();
    for (const b of serving) {
      if (tried.has(b.id)) continue;
      const inflight = this.inflight(b.id);
      if (inflight < this.limitOf(b.id)) candidates.push({ id: b.id, inflight, weight: 1 });
    }
    const picked = this.policy.pick(candidates, { random: Math.random });
    return picked && serving.find((b) => b.id === picked.id);
  }

  /** Sends the request to a container with a free slot; false when none has one. */
  private dispatch(pending: Pending): boolean {
    const target = this.pick(NOTHING_TRIED);
    if (!target) return false;
    this.plan.onStart(target);
    this.forwarder.forward(pending.req, pending.res, target, this.plan);
    return true;
  }

  private finished(containerId: string): void {
    const left = Math.max(0, this.inflight(containerId) - 1);
    this.inflightById.set(containerId, left);
    // Waiting requests first: a leaving container that takes one is not idle yet.
    this.admitWaiting();
    if (this.inflight(containerId) === 0) for (const waiter of this.idleWaiters.get(containerId) ?? []) waiter();
  }

  private admitWaiting(): void {
    for (let next = this.queue.peek(); next !== undefined; next = this.queue.peek()) {
      if (next.res.destroyed || next.res.writableEnded) {
        this.queue.shift();
        continue;
      }
      if (this.serving().length === 0) {
        this.queue.shift();
        sendUnavailable(next.res, 'no-ready-container', `VM ${this.options.agentId} has no ready container`);
        continue;
      }
      // It stays first in line (with its original wait time) until a slot is really free.
      if (!this.dispatch(next)) return;
      this.queue.remove(next);
    }
  }

  private expireWaiting(): void {
    for (const pending of this.queue.expire(Date.now(), this.options.queueTimeoutMs)) {
      sendUnavailable(pending.res, 'queue-timeout', `no container on VM ${this.options.agentId} was free within ${this.options.queueTimeoutMs} ms`);
    }
  }
}
