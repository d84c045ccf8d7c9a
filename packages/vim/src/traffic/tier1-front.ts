import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPolicy, OutlierDetector, slowStartWeight, type Backend, type BalancingPolicy, type OutlierSettings, type PolicyName } from '@acs/balancing';
import { createLimitedHttpServer, formatHostPort, Histogram, type HistogramCounts, type HostPort, type Logger, closeHttpServer, listenOn, TRAFFIC_HTTP_LIMITS } from '@acs/daemon';
import { Forwarder, sendUnavailable, type ForwardingPlan, type ForwardTarget, type ProxyEngine } from '@acs/proxy';
import type { ClusterState, VmRecord } from '../cluster-state';

export interface Tier1Options {
  listen: HostPort;
  policy: PolicyName;
  upstreamTimeoutMs: number;
  engine?: ProxyEngine;
  /** A newly ready VM's share ramps up over this long; 0 turns slow start off. */
  slowStartMs: number;
  outlier?: Partial<OutlierSettings>;
  now?: () => number;
}

/** The knobs `GET/PUT /api/v1/balancer` shows and changes. */
export interface Tier1Settings extends OutlierSettings {
  policy: PolicyName;
  upstreamTimeoutMs: number;
  slowStartMs: number;
}

/** What tier 1 has counted for one VM since the VIM started. */
export interface VmTrafficCounters {
  inflight: number;
  requests: number;
  errors: number;
  /** Requests a second over the last RATE_WINDOW_S complete seconds. */
  requestsPerSecond: number;
  /** Time to a complete response through this VM, successful requests only. */
  latencyMs: { p50: number; p99: number; count: number };
}

/** The first attempt has tried nothing: one shared empty set instead of one per request. */
const NOTHING_TRIED: ReadonlySet<string> = new Set();

/** Seconds the request rate is averaged over. */
const RATE_WINDOW_S = 10;

interface VmTraffic {
  inflight: number;
  requests: number;
  errors: number;
  /** Requests started in each of the last seconds, a ring indexed by (second mod length). */
  perSecond: number[];
  /** The second `perSecond` was last written for, so stale slots can be cleared lazily. */
  lastSecond: number;
  latency: Histogram;
}

/**
 * Tier 1: the VIM's traffic front. Picks a VM for each request and hands it to that VM's front (tier 2),
 * which picks the container. Candidates are VMs that are `ready` and report at least one ready
 * container, weighted by how many; a VM the session layer marks down is out on the very next request,
 * because the pool is read from the cluster view each time, not cached.
 */
export class Tier1Front {
  private readonly server: Server;
  private readonly forwarder: Forwarder;
  private policy: BalancingPolicy;
  private readonly counters = new Map<string, VmTraffic>();
  private readonly plan: ForwardingPlan;
  private readonly outliers: OutlierDetector;
  /** When each VM last joined the pool (ready with a ready container), for slow start. */
  private readonly readySince = new Map<string, number>();
  /** Each VM's forwarding target, rebuilt only when the front it announced changes. */
  private readonly targets = new Map<string, ForwardTarget & { front: { host: string; port: number } }>();
  private slowStartMs: number;
  private arrivals = 0;
  private served = 0;
  private failed = 0;
  private readonly allLatency = new Histogram();
  private readonly now: () => number;

  constructor(
    private readonly options: Tier1Options,
    private readonly cluster: ClusterState,
    log: Logger,
  ) {
    this.policy = createPolicy(options.policy);
    this.now = options.now ?? Date.now;
    this.slowStartMs = options.slowStartMs;
    this.outliers = new OutlierDetector(options.outlier);
    this.forwarder = new Forwarder({ upstreamTimeoutMs: options.upstreamTimeoutMs, engine: options.engine }, log);
    this.plan = {
      pick: (tried) => this.pick(tried, undefined),
      onStart: (target) => {
        const c = this.countersOf(target.id);
        c.inflight++;
        c.requests++;
        const second = Math.floor(Date.now() / 1000);
        this.advance(c, second);
        c.perSecond[second % c.perSecond.length]!++;
      },
      onEnd: (target, outcome) => {
        const c = this.countersOf(target.id);
        c.inflight = Math.max(0, c.inflight - 1);
        if (outcome.failure === 'client-gone') return; // says nothing about the VM
        const failed = outcome.failure !== 'none' || (outcome.status !== undefined && outcome.status >= 500);
        if (failed) {
          c.errors++;
          this.failed++;
        } else {
          c.latency.record(outcome.durationMs);
          this.served++;
          this.allLatency.record(outcome.durationMs);
        }
        if (this.outliers.record(target.id, failed ? 'failure' : 'success', this.now(), this.readySince.size)) {
          log.warn({ vm: target.id, ejected: this.outliers.ejected(this.now()).find((e) => e.id === target.id) }, 'VM ejected from the pool after consecutive failures');
        }
      },
    };
    this.server = createLimitedHttpServer(TRAFFIC_HTTP_LIMITS, (req, res) => this.onRequest(req, res));
  }

  get settings(): Tier1Settings {
    return { policy: this.policy.name, upstreamTimeoutMs: this.forwarder.upstreamTimeoutMs, slowStartMs: this.slowStartMs, ...this.outliers.settings };
  }

  /**
   * Changes settings for requests from now on; requests in flight keep what they started with.
   * @throws RangeError naming the field when an outlier setting is out of range (nothing is changed then).
   */
  updateSettings(change: Partial<Tier1Settings>): void {
    const { policy, upstreamTimeoutMs, slowStartMs, ...outlier } = change;
    this.outliers.updateSettings(outlier);
    if (policy !== undefined && policy !== this.policy.name) this.policy = createPolicy(policy);
    if (upstreamTimeoutMs !== undefined) this.forwarder.setUpstreamTimeout(upstreamTimeoutMs);
    if (slowStartMs !== undefined) this.slowStartMs = slowStartMs;
  }

  /** VMs out of the pool for failing, and until when. */
  ejected(): Array<{ id: string; until: number; ejections: number }> {
    return this.outliers.ejected(this.now());
  }

  traffic(vmId: string, now = Date.now()): VmTrafficCounters {
    const c = this.countersOf(vmId);
    const second = Math.floor(now / 1000);
    this.advance(c, second);
    let sum = 0;
    // The current second is still filling up: average the complete ones before it.
    for (let s = second - RATE_WINDOW_S; s < second; s++) sum += c.perSecond[((s % c.perSecond.length) + c.perSecond.length) % c.perSecond.length]!;
    const { p50, p99, count } = c.latency.snapshot();
    return { inflight: c.inflight, requests: c.requests, errors: c.errors, requestsPerSecond: sum / RATE_WINDOW_S, latencyMs: { p50, p99, count } };
  }

  /**
   * Every VM together since start: responses completed without error, failures, and the latency histogram's
   * cumulative buckets (by upper bound in ms). O(1), for the dashboard, which diffs two readings a second.
   */
  totals(): { served: number; errors: number; latencyBuckets: Record<string, number> } {
    return { served: this.served, errors: this.failed, latencyBuckets: this.allLatency.snapshot().buckets };
  }

  /** One VM's in-flight, request and error counts alone: what a metrics scrape reads, without the rate and quantiles. */
  requestCounts(vmId: string): { inflight: number; requests: number; errors: number } {
    const { inflight, requests, errors } = this.countersOf(vmId);
    return { inflight, requests, errors };
  }

  /** The latency histogram of one VM's successful requests (ms), for the metrics exporter and the SLO monitor. */
  latencyCounts(vmId: string): HistogramCounts {
    return this.countersOf(vmId).latency.rawCounts();
  }

  /** Zeroes the slots of seconds that passed with no request, up to `second`. */
  private advance(c: VmTraffic, second: number): void {
    const gap = Math.min(second - c.lastSecond, c.perSecond.length);
    for (let i = 1; i <= gap; i++) c.perSecond[(c.lastSecond + i) % c.perSecond.length] = 0;
    if (second > c.lastSecond) c.lastSecond = second;
  }

  async listen(): Promise<AddressInfo> {
    const address = await listenOn(this.server, this.options.listen);
    return address;
  }

  async close(): Promise<void> {
    await closeHttpServer(this.server);
    this.forwarder.close();
  }

  /** Every request that reached the front, answered 503 or not: the arrival rate the forecaster wants. */
  get arrivalsTotal(): number {
    return this.arrivals;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.arrivals++;
    Forwarder.requestId(req, res);
    const target = this.pick(NOTHING_TRIED, req.socket.remoteAddress);
    if (!target) {
      sendUnavailable(res, 'no-ready-vm', 'no VM is ready with a ready container; see acs vms and acs containers');
      return;
    }
    this.plan.onStart(target);
    this.forwarder.forward(req, res, target, this.plan);
  }

  private pick(tried: ReadonlySet<string>, clientKey: string | undefined): ForwardTarget | undefined {
    const candidates: Backend[] = [];
    const now = this.now();
    let inPool = 0;
    for (const vm of this.cluster.all()) {
      const ready = readyContainers(vm);
      if (ready === 0 || vm.front === null) continue;
      inPool++;
      if (!this.readySince.has(vm.id)) this.readySince.set(vm.id, now);
      if (tried.has(vm.id) || this.outliers.isEjected(vm.id, now)) continue;
      const weight = slowStartWeight(ready, this.readySince.get(vm.id)!, now, this.slowStartMs);
      candidates.push({ id: vm.id, inflight: this.countersOf(vm.id).inflight, weight, cpuPct: vm.host?.cpuPct });
      const cached = this.targets.get(vm.id);
      if (cached?.front !== vm.front) this.targets.set(vm.id, targetFor(vm.id, vm.front));
    }
    // A VM that left the pool starts its slow start afresh, and with a clean record, when it returns.
    // Every VM in the pool is in readySince, so equal sizes mean none left (no set built per request).
    if (this.readySince.size !== inPool) this.forgetLeavers();
    const picked = this.policy.pick(candidates, { random: Math.random, clientKey });
    return picked && this.targets.get(picked.id);
  }

  private forgetLeavers(): void {
    const inPool = new Set<string>();
    for (const vm of this.cluster.all()) if (readyContainers(vm) > 0) inPool.add(vm.id);
    for (const id of this.readySince.keys()) {
      if (!inPool.has(id)) {
        this.readySince.delete(id);
        this.outliers.forget(id);
        this.targets.delete(id);
      }
    }
  }

  private countersOf(vmId: string): VmTraffic {
    let c = this.counters.get(vmId);
    if (!c) {
      c = { inflight: 0, requests: 0, errors: 0, perSecond: new Array<number>(RATE_WINDOW_S + 1).fill(0), lastSecond: Math.floor(Date.now() / 1000), latency: new Histogram() };
      this.counters.set(vmId, c);
    }
    return c;
  }
}

/** Ready, not draining containers of a VM that is in the pool's running (`ready`, front known); 0 otherwise. */
function readyContainers(vm: VmRecord): number {
  if (vm.status !== 'ready' || vm.front === null) return 0;
  let ready = 0;
  for (const c of vm.containers) if (c.ready && !c.draining) ready++;
  return ready;
}

/** Where a VM's front is reached; a wildcard bind means "this machine". */
function targetFor(id: string, front: { host: string; port: number }): ForwardTarget & { front: { host: string; port: number } } {
  const host = front.host === '0.0.0.0' || front.host === '::' ? '127.0.0.1' : front.host;
  return { id, name: `VM ${id}`, url: `http://${formatHostPort({ host, port: front.port })}`, front };
}
