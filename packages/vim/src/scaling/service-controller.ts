import type { EventKind, ServiceView } from '@acs/api-types';
import type { Logger } from '@acs/daemon';
import type { ContainerSpec } from '@acs/protocol';
import {
  chooseVictims,
  countServiceReplicas,
  placeMany,
  recommend,
  releasableFromDrainingVms,
  type PlacementSettings,
  type RecommenderState,
  type ScalingExplanation,
  type ScalingPolicy,
} from '@acs/scaling';
import type { ClusterState } from '../cluster-state';
import type { ContainerCommands } from '../container-commands';
import { ActionLog, type ActionHandle, type ActionInProgress } from '../events';
import { RateTracker } from './rate-tracker';
import type { ServiceForecast } from './service-forecast';
import { placementSnapshot, queuedFor, scalingContainers } from './snapshots';

/** Where events go (the persisted log); the controller never reads it back. */
export interface EventSink {
  append(event: { at: number; kind: EventKind; service: string | null; message: string; data: Record<string, unknown> }): unknown;
}

export interface ServiceDefinition {
  name: string;
  spec: ContainerSpec;
  policy: ScalingPolicy;
  placement: PlacementSettings;
  desired: number;
  autoscale: boolean;
}

export interface ServiceControllerOptions {
  /** Drain allowed for each container stopped by scale-in. */
  drainTimeoutMs: number;
  /**
   * After a (re)start, no container is started or stopped until every VM that ran containers before is
   * back and reporting, or this long has passed: a restart alone must change nothing.
   */
  startupGraceMs: number;
  /** Requests that reached the traffic front so far (cumulative): the service's arrival rate. */
  arrivalsTotal: () => number;
  /** Whether tier-1 p99 is over the latency SLO right now; always false with no SLO set. Holds scale-in. */
  latencyBreached: () => boolean;
  /** VMs that ran containers before the restart (from the saved state). */
  knownVms: ReadonlySet<string>;
  /**
   * A first start (no saved state): for the grace period, containers that agents turn out to be running
   * raise the desired count (up to maxReplicas) instead of being stopped as surplus, since agents in
   * reconnect backoff may take seconds to show them. Scale-out to minReplicas is not held back.
   */
  adoptRunning: boolean;
  now: () => number;
}

/** A started command outstanding, so the next period does not start (or stop) the same container twice. */
/** A start command sent and not yet answered. */
interface PendingStart {
  vm: string;
}

/**
 * How long a batch may hold its slot: longer than its commands' own timeouts (an agent answers or fails a
 * start within the request timeout, a stop within the drain plus 30 s), so it ends by itself first.
 */
const SCALE_OUT_ACTION_TIMEOUT_MS = 120_000;
const STOP_ACTION_MARGIN_MS = 60_000;

/** First and longest wait before a VM where a start failed gets another container. */
const START_BACKOFF_MS = { first: 2_000, max: 60_000 };
/** A decision that changes nothing is still logged this often, so the log shows the autoscaler alive. */
const QUIET_DECISION_LOG_MS = 60_000;

/**
 * One service's control loop: each period it reads the cluster view, asks the recommender for a count
 * (when autoscaling), and reconciles: places new containers, drains surplus ones, replaces those lost
 * with a VM, and moves containers off draining VMs. Decisions are pure (@acs/scaling); this class only
 * gathers snapshots, sends commands and records what happened. Runs never overlap: a period is
 * synchronous and commands it sends are tracked as pending until they answer.
 */
export class ServiceController {
  private recommenderState: RecommenderState | undefined;
  private readonly rates = new RateTracker();
  private readonly pendingStarts = new Set<PendingStart>();
  /**
   * Containers a stop command was sent for and not yet answered. Kept apart from the starts, by id: a large
   * scale-in asks about every victim, and scanning thousands of pending stops for each was quadratic.
   */
  private readonly stopping = new Set<string>();
  /** Scale-out and scale-in batches in progress: one of each kind per service at a time. */
  private readonly actions: ActionLog;
  private readonly startBackoff = new Map<string, { until: number; delayMs: number }>();
  private lastDecision: { explanation: ScalingExplanation; reason: string; loggedAt: number; wouldBe: number | undefined } | undefined;
  private lastCapacityShortfall: string | undefined;
  /** Containers the last scale-out could not place anywhere: what VM-level scaling adds VMs for. */
  private unplaced = 0;
  private timer: NodeJS.Timeout | undefined;
  private kicked = false;
  private readonly startedAt: number;
  /** Containers this controller started and has not yet seen ready, with when: start-up times for the forecast. */
  private readonly awaitingReady = new Map<string, number>();
  private lastArrivals: { total: number; at: number } | undefined;
  /** When each container was first reported (or started by us): scale-in takes the newest first. */
  private readonly firstSeen = new Map<string, number>();
  /** Containers this VIM started: never "found running" by the first-start adoption. */
  private readonly startedHere = new Set<string>();
  /** An operator's count ends the first-start adoption: it must not be raised back behind their back. */
  private adoptionEnded = false;
  private settled = false;

  constructor(
    readonly service: ServiceDefinition,
    private readonly drainingVms: ReadonlySet<string>,
    private readonly cluster: ClusterState,
    private readonly commands: ContainerCommands,
    private readonly events: EventSink,
    readonly forecast: ServiceForecast,
    private readonly options: ServiceControllerOptions,
    private readonly log: Logger,
    /** Called whenever desired or autoscale changed, to persist them. */
    private readonly onChange: () => void,
    /** Called after every period, e.g. to note which VMs run the service. */
    private readonly afterPeriod: () => void = () => undefined,
  ) {
    this.startedAt = options.now();
    this.actions = new ActionLog({
      onTimeout: ({ action, ageMs }) =>
        this.record('error', `${action.kind} of ${action.scope} still unfinished after ${Math.round(ageMs / 1000)} s; no longer blocking the next one`, { action: action.kind, scope: action.scope, ageMs }),
    });
  }

  /** Start commands sent to this VM and not yet answered: containers it will have, though none is reported yet. */
  pendingStartsOn(vmId: string): number {
    let n = 0;
    for (const p of this.pendingStarts) if (p.vm === vmId) n++;
    return n;
  }

  /** Containers wanted that no VM could take at the last try (0 once the service has what it wants). */
  unmetReplicas(): number {
    return this.unplaced;
  }

  /** Batches in progress (scale-out, scale-in, moves off draining VMs), for the cluster view. */
  actionsInProgress(): ActionInProgress[] {
    return this.actions.inProgress(this.options.now());
  }

  start(): void {
    this.schedule(this.service.policy.controlPeriodMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs a period now (soon), e.g. after an operator's change; coalesces with one already due. */
  kick(): void {
    if (this.kicked || this.timer === undefined) return;
    this.kicked = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.period(), 0);
  }

  setPolicy(policy: ScalingPolicy, placement: PlacementSettings): void {
    this.service.policy = policy;
    this.service.placement = placement;
    this.onChange();
    this.kick();
  }

  /** A person's count: pins it (autoscale off) until autoscale is switched on again. */
  scaleTo(replicas: number): void {
    const before = this.service.desired;
    this.service.desired = replicas;
    this.service.autoscale = false;
    this.adoptionEnded = true;
    this.onChange();
    this.record('operator', `${this.service.name} scaled by hand from ${before} to ${replicas}; autoscale off until switched on`, { from: before, to: replicas });
    this.kick();
  }

  setAutoscale(enabled: boolean): void {
    if (this.service.autoscale === enabled) return;
    this.service.autoscale = enabled;
    // A fresh state remembers the current count, so switching on never scales down at once (HPA on start).
    if (enabled) this.recommenderState = undefined;
    this.onChange();
    this.record('operator', `autoscale ${enabled ? 'on' : 'off'} for ${this.service.name} at ${this.service.desired} containers`, { autoscale: enabled, desired: this.service.desired });
    this.kick();
  }

  view(): ServiceView {
    const counts = countServiceReplicas(this.placementSnapshot(), this.service.name);
    const draining = this.countDraining();
    const decision = this.lastDecision?.explanation;
    return {
      name: this.service.name,
      autoscale: this.service.autoscale,
      desired: this.service.desired,
      ready: counts.ready,
      starting: counts.starting,
      draining,
      minReplicas: this.service.policy.minReplicas,
      maxReplicas: this.service.policy.maxReplicas,
      strategy: this.service.policy.strategy,
      placement: this.service.placement.strategy,
      lastDecision: decision ? { at: new Date(decision.at).toISOString(), desired: decision.desired, reason: this.lastDecision?.reason ?? decision.reason, summary: decision.summary } : null,
      actionsInProgress: this.actionsInProgress().map((a) => ({ kind: a.kind, startedAt: new Date(a.startedAt).toISOString(), ageMs: a.ageMs })),
    };
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.period(), delayMs);
    this.timer.unref();
  }

  private period(): void {
    this.kicked = false;
    try {
      this.runPeriod(this.options.now());
    } catch (error) {
      // A bug in one period must not stop the loop; it is logged where an operator looks.
      this.log.error({ err: (error as Error).stack ?? String(error) }, 'control period failed');
      this.record('error', `control period for ${this.service.name} failed: ${(error as Error).message}`, {});
    } finally {
      if (this.timer !== undefined) this.schedule(this.service.policy.controlPeriodMs);
    }
  }

  private runPeriod(now: number): void {
    if (!this.settled) {
      this.settled = this.restartSettled(now);
      if (!this.settled) return;
      this.log.info({ service: this.service.name, desired: this.service.desired, waitedMs: now - this.startedAt }, 'cluster view settled; reconciling');
    }
    // A VM that has connected but not reported yet may run containers we cannot see: acting now could
    // start one too many, or count the service short. Its first report is at most one interval away.
    if (this.cluster.anyReadyUnreported()) return;
    this.observeRates(now);
    this.observeArrivals(now);
    if (this.service.autoscale) this.decide(now);
    this.reconcile(now);
    this.afterPeriod();
  }

  private adopting(now: number): boolean {
    return this.options.adoptRunning && !this.adoptionEnded && now - this.startedAt < this.options.startupGraceMs;
  }

  /** First start: containers found running raise desired rather than being drained as surplus. */
  private adoptRunning(usable: number, startsPending: number): void {
    // A start's container can appear in a report before the start's answer names it as ours.
    if (startsPending > 0) return;
    let ours = 0;
    for (const id of this.startedHere) if (this.firstSeen.has(id)) ours++;
    const desired = Math.min(this.service.policy.maxReplicas, usable - ours);
    if (desired <= this.service.desired) return;
    const before = this.service.desired;
    this.service.desired = desired;
    // The recommender then starts from this count, so its scale-down window protects the adopted ones too.
    this.recommenderState = undefined;
    this.onChange();
    this.record('operator', `first start: ${usable} ${this.service.name} container(s) found running; desired count raised from ${before} to ${desired} instead of stopping any`, { running: usable, from: before, desired });
  }

  /** Every VM that ran containers before is back and has reported, or the grace is over. */
  private restartSettled(now: number): boolean {
    if (now - this.startedAt >= this.options.startupGraceMs) return true;
    for (const id of this.options.knownVms) {
      const vm = this.cluster.get(id);
      if (!vm || vm.status !== 'ready' || vm.lastReportAt === null) return false;
    }
    return true;
  }

  private observeRates(now: number): void {
    const live = new Set<string>();
    for (const vm of this.cluster.all()) {
      if (vm.status !== 'ready' || vm.lastReportAt === null) continue;
      for (const c of vm.containers) {
        if (c.service !== this.service.name) continue;
        live.add(c.id);
        if (!this.firstSeen.has(c.id)) this.firstSeen.set(c.id, now);
        this.rates.observe(c.id, c.requestsTotal, vm.lastReportAt);
        const started = this.awaitingReady.get(c.id);
        if (started !== undefined && c.ready) {
          this.forecast.recordStartup(now - started);
          this.awaitingReady.delete(c.id);
        }
      }
    }
    this.rates.retain(live);
    for (const id of this.firstSeen.keys()) if (!live.has(id)) this.firstSeen.delete(id);
    for (const id of this.startedHere) if (!live.has(id) && !this.awaitingReady.has(id)) this.startedHere.delete(id);
    for (const id of this.awaitingReady.keys()) if (!live.has(id) && now - this.awaitingReady.get(id)! > 600_000) this.awaitingReady.delete(id);
  }

  /** The arrival rate over the last period, and ready containers' mean rps and CPU, for the forecast. */
  private observeArrivals(now: number): void {
    const total = this.options.arrivalsTotal();
    const previous = this.lastArrivals;
    this.lastArrivals = { total, at: now };
    const arrivalRps = previous && now > previous.at ? ((total - previous.total) * 1000) / (now - previous.at) : null;
    let n = 0;
    let rps = 0;
    let cpu = 0;
    for (const c of scalingContainers(this.cluster.all(), this.service.name, this.drainingVms, (id) => this.rates.rate(id))) {
      if (!c.ready || c.metrics.rps === undefined || c.metrics.cpu === undefined) continue;
      n++;
      rps += c.metrics.rps;
      cpu += c.metrics.cpu;
    }
    this.forecast.observe(now, arrivalRps, n > 0 ? { rps: rps / n, cpuPct: cpu / n } : null);
  }

  private decide(now: number): void {
    const containers = scalingContainers(this.cluster.all(), this.service.name, this.drainingVms, (id) => this.rates.rate(id));
    const snapshot = {
      now,
      currentReplicas: this.service.desired,
      containers,
      queued: queuedFor(this.cluster.all(), this.service.name, this.drainingVms),
      latencyBreached: this.options.latencyBreached(),
    };
    const result = recommend(snapshot, this.service.policy, this.recommenderState);
    const combined = this.forecast.combine(result, this.service.policy.controlPeriodMs);
    const desired = combined?.desired ?? result.desired;
    this.recommenderState = combined?.state ?? result.state;
    const explanation = combined ? { ...result.explanation, desired, summary: combined.summary } : result.explanation;
    const reason = combined && combined.desired > result.desired ? 'forecast' : explanation.reason;
    const before = this.service.desired;
    const previous = this.lastDecision;
    const changed = desired !== before;
    if (changed) {
      this.service.desired = desired;
      this.onChange();
    }
    // forecast-only: what the forecast would have done is worth an event when it starts to differ or changes,
    // not every period it keeps differing (that buried every other event).
    const wouldBe = combined !== undefined && combined.mode === 'forecast-only' && combined.wouldBe !== combined.desired ? combined.wouldBe : undefined;
    const forecastOnlyNews = wouldBe !== undefined && wouldBe !== previous?.wouldBe;
    const worthLogging = changed || forecastOnlyNews || !previous || previous.reason !== reason || now - previous.loggedAt >= QUIET_DECISION_LOG_MS;
    this.lastDecision = { explanation, reason, loggedAt: worthLogging ? now : (previous?.loggedAt ?? now), wouldBe };
    if (worthLogging) {
      this.record('decision', explanation.summary, {
        current: before,
        desired,
        reason,
        summary: explanation.summary,
        explanation: result.explanation,
        ...(combined ? { predictive: { mode: combined.mode, reactive: combined.reactive, forecast: combined.predictive, wouldBe: combined.wouldBe, reason: combined.reason } } : {}),
      });
    }
  }

  private placementSnapshot(): ReturnType<typeof placementSnapshot> {
    return placementSnapshot(this.cluster.all(), this.drainingVms, () => this.service.spec.cpus, (id) => this.firstSeen.get(id));
  }

  private countDraining(): number {
    let n = 0;
    for (const vm of this.cluster.all()) {
      if (vm.status !== 'ready') continue;
      for (const c of vm.containers) if (c.service === this.service.name && (c.draining || c.state === 'draining' || c.state === 'stopping')) n++;
    }
    return n;
  }

  private reconcile(now: number): void {
    const snapshot = this.placementSnapshot();
    const counts = countServiceReplicas(snapshot, this.service.name);
    const startsPending = this.pendingStarts.size;
    if (this.adopting(now)) this.adoptRunning(counts.usable, startsPending);
    const have = counts.usable + startsPending;
    const desired = this.service.desired;

    // Containers on draining VMs go once replacements are ready; those on down VMs are only replaced.
    const moving = releasableFromDrainingVms(snapshot, this.service.name, desired).filter((need) => !this.isStopping(need.containerId));
    if (moving.length > 0) {
      const action = this.beginAction('move-off-draining-vms', now, STOP_ACTION_MARGIN_MS + this.options.drainTimeoutMs);
      if (action) this.stopBatch(action, moving.map((need) => ({ vm: need.vmId, containerId: need.containerId, why: `moving off draining VM ${need.vmId}` })));
    }

    if (have >= desired) this.unplaced = 0;
    // One batch in each direction at a time: a scale action in progress blocks the next of its kind.
    if (have < desired) {
      const action = this.beginAction('scale-out', now, SCALE_OUT_ACTION_TIMEOUT_MS);
      if (action) this.scaleOut(action, snapshot, desired - have, now);
    } else if (have > desired && startsPending === 0 && !this.adopting(now)) {
      const victims = chooseVictims(snapshot, this.service.name, have - desired, this.service.placement.strategy).filter((v) => !this.isStopping(v.containerId));
      if (victims.length === 0) return;
      const action = this.beginAction('scale-in', now, STOP_ACTION_MARGIN_MS + this.options.drainTimeoutMs);
      if (action) this.stopBatch(action, victims.map((v) => ({ vm: v.vmId, containerId: v.containerId, why: `scale-in to ${desired} (${v.reason})` })));
    }
  }

  /** Undefined while one of the same kind is in progress for this service. */
  private beginAction(kind: string, now: number, timeoutMs: number): ActionHandle | undefined {
    const begun = this.actions.begin({ kind, scope: `service:${this.service.name}`, timeoutMs, now });
    return begun.ok ? begun.action : undefined;
  }

  /** Ends the action when the last of its commands has answered. */
  private batch(action: ActionHandle, commands: Array<Promise<unknown>>): void {
    if (commands.length === 0) {
      this.actions.end(action, this.options.now());
      return;
    }
    void Promise.allSettled(commands).then(() => this.actions.end(action, this.options.now()));
  }

  private stopBatch(action: ActionHandle, stops: Array<{ vm: string; containerId: string; why: string }>): void {
    this.batch(action, stops.map((stop) => this.stopContainer(stop.vm, stop.containerId, stop.why)));
  }

  private scaleOut(action: ActionHandle, snapshot: ReturnType<typeof placementSnapshot>, count: number, now: number): void {
    const avoid = [...this.startBackoff].filter(([, b]) => b.until > now).map(([vm]) => vm);
    const result = placeMany(snapshot, { service: this.service.name, cpus: this.service.spec.cpus, avoid }, count, this.service.placement);
    const starts = result.winners.map((vm, i) => {
      const placement = result.placements[i];
      this.record('placement', `${this.service.name}: new container on ${vm} (${this.service.placement.strategy})`, { winner: vm, strategy: this.service.placement.strategy, candidates: placement?.candidates ?? [] });
      return this.startContainer(vm, now);
    });
    this.batch(action, starts);
    this.unplaced = result.unplaced;
    if (result.unplaced > 0) {
      const last = result.placements[result.placements.length - 1];
      const reasons = (last?.candidates ?? []).filter((c) => !c.eligible).map((c) => `${c.vmId}: ${'reason' in c ? c.reason : ''}`);
      const shortfall = `${result.unplaced}|${reasons.join(',')}`;
      // Logged when the shortfall changes, not every period: the log is for people.
      if (shortfall !== this.lastCapacityShortfall) {
        this.record(
          'insufficient-capacity',
          `${this.service.name}: ${result.unplaced} container(s) could not be placed (${reasons.length > 0 ? reasons.join('; ') : 'no VM is ready'}); retrying every period`,
          { unplaced: result.unplaced, candidates: last?.candidates ?? [], avoided: avoid },
        );
        this.lastCapacityShortfall = shortfall;
      }
    } else {
      this.lastCapacityShortfall = undefined;
    }
  }

  private startContainer(vm: string, now: number): Promise<void> {
    const pending: PendingStart = { vm };
    this.pendingStarts.add(pending);
    return this.commands.start(vm, this.service.spec).then(
      (started) => {
        this.pendingStarts.delete(pending);
        this.awaitingReady.set(started.containerId, now);
        this.firstSeen.set(started.containerId, now);
        this.startedHere.add(started.containerId);
        this.startBackoff.delete(vm);
        this.record('command', `started ${started.name} on ${vm} for ${this.service.name}`, { command: 'start', vm, ok: true, containerId: started.containerId, name: started.name, hostPort: started.hostPort });
      },
      (error: Error & { code?: string }) => {
        this.pendingStarts.delete(pending);
        const previous = this.startBackoff.get(vm);
        const delayMs = Math.min(START_BACKOFF_MS.max, previous ? previous.delayMs * 2 : START_BACKOFF_MS.first);
        this.startBackoff.set(vm, { until: this.options.now() + delayMs, delayMs });
        this.record('command', `starting a container for ${this.service.name} on ${vm} failed (${error.code ?? 'error'}: ${error.message}); trying other VMs, ${vm} again in ${delayMs / 1000} s`, {
          command: 'start',
          vm,
          ok: false,
          code: error.code,
          error: error.message,
          backoffMs: delayMs,
        });
        this.kick();
      },
    );
  }

  private isStopping(containerId: string): boolean {
    return this.stopping.has(containerId);
  }

  private stopContainer(vm: string, containerId: string, why: string): Promise<void> {
    this.stopping.add(containerId);
    return this.commands.stopOn(vm, containerId, this.options.drainTimeoutMs).then(
      (stopped) => {
        this.stopping.delete(containerId);
        this.record('command', `stopped ${containerId.slice(0, 12)} on ${vm}: ${why}${stopped.drained ? '' : ` (drain timed out with ${stopped.inflightAtStop} in flight)`}`, {
          command: 'stop',
          vm,
          ok: true,
          containerId,
          why,
          drained: stopped.drained,
          inflightAtStop: stopped.inflightAtStop,
        });
      },
      (error: Error & { code?: string }) => {
        this.stopping.delete(containerId);
        this.record('command', `stopping ${containerId.slice(0, 12)} on ${vm} failed (${error.code ?? 'error'}: ${error.message})`, { command: 'stop', vm, ok: false, containerId, why, code: error.code, error: error.message });
      },
    );
  }

  private record(kind: EventKind, message: string, data: Record<string, unknown>): void {
    this.events.append({ at: this.options.now(), kind, service: this.service.name, message, data });
  }
}
