import type { VmScalingView } from '@acs/api-types';
import type { Logger } from '@acs/daemon';
import { decideVmScaling, type VmScalingDecision, type VmScalingSettings, type VmScalingSnapshot, type VmScalingVm } from '@acs/scaling';
import type { ClusterState } from '../cluster-state';
import { ActionLog, type ActionHandle } from '../events';
import type { VmProvider } from './vm-provider';
import { VmProviderError } from './vm-provider';

/** How often the VM loop looks; VMs take far longer than this to come or go. */
export const DEFAULT_VM_SCALING_PERIOD_MS = 2000;
/** A start that failed or timed out: that VM is not tried again for this long, doubling up to the max. */
const BACKOFF_MS = { first: 15_000, max: 600_000 };
/** A stop outlives its provider's own deadlines (a VMM drains for up to 30 s, a command has its timeout). */
const STOP_ACTION_TIMEOUT_MS = 15 * 60_000;
/** An unchanged "nothing to do" is logged at most this often. */
const QUIET_LOG_MS = 60_000;

/** What the VM loop needs of the services: how many containers found no room, and which VMs are drained. */
export interface ServiceDemand {
  unmetReplicas(): number;
  isDraining(vmId: string): boolean;
  /** Containers being started there, not yet reported: a VM with one is not empty. */
  pendingStartsOn(vmId: string): number;
}

/** Where events go (the persisted log). */
export interface VmEventSink {
  append(event: { at: number; kind: 'vm-scaling' | 'error'; service: null; message: string; data: Record<string, unknown> }): unknown;
}

export interface VmScalingControllerOptions {
  settings: VmScalingSettings;
  /** A started VM whose agent has not connected after this long: the start failed. */
  startTimeoutMs: number;
  /** After the VIM starts, VMs that are booting anyway get this long to connect before any is added. */
  startupDelayMs: number;
  periodMs?: number;
  now: () => number;
}

interface CurrentAction {
  kind: 'start' | 'stop';
  vm: string;
  handle: ActionHandle;
}

/**
 * The VM-level control loop: each period it gathers a snapshot (VMs with CPU, containers, how long
 * each has stood empty; containers the services could not place; standby VMs and their backoff), asks
 * decideVmScaling, and carries out a start or stop through the provider without waiting for it: the
 * action log holds the one VM action in flight, a start until the VM's agent connects (or the start
 * timeout passes), a stop until the provider says it is done.
 *
 *   idle ──start decided──► starting ──agent connects──► idle
 *     │                        └──provider fails / timeout──► idle, that VM backs off
 *     └──stop decided──► stopping ──provider done (or fails)──► idle
 */
export class VmScalingController {
  private readonly actions: ActionLog;
  private current: CurrentAction | undefined;
  private readonly emptySince = new Map<string, number>();
  private readonly backoff = new Map<string, { until: number; delayMs: number }>();
  /**
   * When the provider reported each VM stopped: its agent may stay connected a while (a halting VM),
   * and that same session must not be stopped again; a later reconnect is a fresh VM.
   */
  private readonly stoppedAt = new Map<string, number>();
  private lastDecision: { at: number; decision: VmScalingDecision; loggedAt: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly provider: VmProvider,
    private readonly cluster: ClusterState,
    private readonly demand: ServiceDemand,
    private readonly events: VmEventSink,
    private readonly options: VmScalingControllerOptions,
    private readonly log: Logger,
  ) {
    this.startedAt = options.now();
    this.actions = new ActionLog({
      onTimeout: ({ action, ageMs }) => {
        const current = this.current;
        if (current?.handle !== action) return;
        this.current = undefined;
        const delayMs = this.backOff(current.vm);
        this.record('error', `${current.kind === 'start' ? `${current.vm} did not connect` : `stopping ${current.vm} did not finish`} within ${Math.round(ageMs / 1000)} s; ${current.vm} is not tried again for ${delayMs / 1000} s`, {
          vm: current.vm,
          action: current.kind,
          ageMs,
          backoffMs: delayMs,
        });
      },
    });
    cluster.on('vmUp', () => this.kick());
  }

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.provider.close();
  }

  /** Looks again soon (a VM came up: a start may be done). */
  kick(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.period(), 0);
    this.timer.unref();
  }

  view(): VmScalingView {
    const now = this.options.now();
    const pids = this.provider.pids();
    const { settings } = this.options;
    return {
      provider: this.provider.kind,
      settings: {
        minVms: settings.minVms,
        maxVms: Number.isSafeInteger(settings.maxVms) && settings.maxVms < Number.MAX_SAFE_INTEGER ? settings.maxVms : null,
        cpuThresholdPct: settings.cpuThresholdPct,
        idleCooldownMs: settings.idleCooldownMs,
        startTimeoutMs: this.options.startTimeoutMs,
      },
      inProgress: this.current ? { action: this.current.kind, vm: this.current.vm, startedAt: new Date(this.current.handle.startedAt).toISOString(), ageMs: now - this.current.handle.startedAt } : null,
      lastDecision: this.lastDecision
        ? { at: new Date(this.lastDecision.at).toISOString(), action: this.lastDecision.decision.action, vm: 'vm' in this.lastDecision.decision ? this.lastDecision.decision.vm : null, reason: this.lastDecision.decision.reason }
        : null,
      vms: this.provider.vms.map((name) => {
        const vm = this.cluster.get(name);
        const b = this.backoff.get(name);
        const since = this.emptySince.get(name);
        return {
          name,
          state: this.current?.vm === name ? (this.current.kind === 'start' ? 'starting' : 'stopping') : vm?.status === 'ready' ? 'running' : 'standby',
          pid: pids.get(name) ?? null,
          emptyForMs: vm?.status === 'ready' && since !== undefined ? now - since : null,
          backoffUntil: b && b.until > now ? new Date(b.until).toISOString() : null,
        };
      }),
    };
  }

  /** A VM the provider runs went away without being asked (a crashed VMM): say so; a start in flight fails. */
  providerVmExited(vm: string, how: string, logFile: string | undefined): void {
    const current = this.current;
    const delayMs = this.backOff(vm);
    if (current?.vm === vm && current.kind === 'start') this.finish(current, () => undefined);
    this.record('error', `${vm} exited on its own (${how})${logFile ? `; see ${logFile}` : ''}; ${vm} is not started again for ${delayMs / 1000} s`, { vm, action: 'exit', how, logFile, backoffMs: delayMs });
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.period(), this.options.periodMs ?? 2000);
    this.timer.unref();
  }

  private period(): void {
    try {
      this.runPeriod(this.options.now());
    } catch (error) {
      // A bug here must not stop the loop (nor the VIM); it is logged where an operator looks.
      this.log.error({ err: (error as Error).stack ?? String(error) }, 'VM scaling period failed');
    } finally {
      if (this.timer !== undefined) this.schedule();
    }
  }

  private runPeriod(now: number): void {
    this.trackEmpty(now);
    this.actions.expire(now);
    const current = this.current;
    if (current?.kind === 'start' && this.cluster.get(current.vm)?.status === 'ready') {
      const ended = this.actions.end(current.handle, now);
      this.current = undefined;
      this.backoff.delete(current.vm);
      this.record('vm-scaling', `${current.vm} is up after ${Math.round(ended.durationMs / 1000)} s and takes containers`, { vm: current.vm, action: 'start', ok: true, durationMs: ended.durationMs });
    }
    if (now - this.startedAt < this.options.startupDelayMs) return;
    // A VM that has connected but not reported may run containers we cannot see yet.
    if (this.cluster.anyReadyUnreported()) return;
    const decision = decideVmScaling(this.snapshot(now), this.options.settings);
    this.note(decision, now);
    if (decision.action === 'start') this.begin('start', decision.vm, decision.reason, this.options.startTimeoutMs, now);
    else if (decision.action === 'stop') this.begin('stop', decision.vm, decision.reason, STOP_ACTION_TIMEOUT_MS, now);
  }

  private snapshot(now: number): VmScalingSnapshot {
    const vms: VmScalingVm[] = [];
    for (const vm of this.cluster.all()) {
      const b = this.backoff.get(vm.id);
      vms.push({
        id: vm.id,
        status: vm.status,
        draining: this.demand.isDraining(vm.id),
        dockerUp: vm.dockerUp,
        cpuPct: vm.host?.cpuPct ?? null,
        containers: vm.containers.filter((c) => c.state !== 'exited').length + this.demand.pendingStartsOn(vm.id),
        maxContainers: vm.capacity.maxContainers,
        emptySince: this.emptySince.get(vm.id) ?? null,
        // A VM whose stop just failed is left alone for the backoff, like a failed start.
        stoppable: this.provider.manages(vm.id) && !(b && b.until > now) && !(vm.connectedAt <= (this.stoppedAt.get(vm.id) ?? -Infinity)),
      });
    }
    const standby = this.provider.vms
      .filter((name) => this.cluster.get(name)?.status !== 'ready')
      .map((name) => {
        const b = this.backoff.get(name);
        return { name, backoffUntil: b && b.until > now ? b.until : null };
      });
    const pending = this.current ? { kind: this.current.kind, vm: this.current.vm, startedAt: this.current.handle.startedAt } : null;
    return { now, vms, unmetReplicas: this.demand.unmetReplicas(), standby, pending };
  }

  private trackEmpty(now: number): void {
    for (const vm of this.cluster.all()) {
      const empty = vm.status === 'ready' && vm.lastReportAt !== null && !vm.containers.some((c) => c.state !== 'exited') && this.demand.pendingStartsOn(vm.id) === 0;
      if (!empty) this.emptySince.delete(vm.id);
      else if (!this.emptySince.has(vm.id)) this.emptySince.set(vm.id, now);
    }
  }

  private begin(kind: 'start' | 'stop', vm: string, reason: string, timeoutMs: number, now: number): void {
    const begun = this.actions.begin({ kind: 'vm-action', scope: 'cluster', timeoutMs, now });
    if (!begun.ok) return;
    const current: CurrentAction = { kind, vm, handle: begun.action };
    this.current = current;
    this.record('vm-scaling', reason, { vm, action: kind, provider: this.provider.kind });
    this.log.info({ vm, action: kind, reason }, kind === 'start' ? 'starting a VM' : 'stopping a VM');
    const work = kind === 'start' ? this.provider.start(vm) : this.provider.stop(vm);
    work.then(
      () => {
        if (kind === 'stop') {
          this.stoppedAt.set(vm, this.options.now());
          this.finish(current, () => this.record('vm-scaling', `${vm} stopped`, { vm, action: 'stop', ok: true }));
        }
        else this.log.info({ vm }, 'provider started the VM; waiting for its agent to connect');
      },
      (error: unknown) => {
        this.finish(current, () => {
          const delayMs = this.backOff(vm);
          const e = error instanceof VmProviderError ? error : undefined;
          this.record('error', `${kind === 'start' ? 'starting' : 'stopping'} ${vm} failed: ${(error as Error).message}; ${vm} is not tried again for ${delayMs / 1000} s`, {
            vm,
            action: kind,
            ok: false,
            code: e?.code ?? 'error',
            error: (error as Error).message,
            ...(e?.details ?? {}),
            backoffMs: delayMs,
          });
        });
      },
    );
  }

  /** Ends the action if it still holds the slot (a timed-out one was already reported). */
  private finish(current: CurrentAction, report: () => void): void {
    const ended = this.actions.end(current.handle, this.options.now());
    if (this.current === current) this.current = undefined;
    if (ended.status === 'ended') report();
    this.kick();
  }

  private backOff(vm: string): number {
    const previous = this.backoff.get(vm);
    const delayMs = Math.min(BACKOFF_MS.max, previous ? previous.delayMs * 2 : BACKOFF_MS.first);
    this.backoff.set(vm, { until: this.options.now() + delayMs, delayMs });
    return delayMs;
  }

  /** Decisions to act are events; a "nothing to do" is logged when its reason changes, or once a minute. */
  private note(decision: VmScalingDecision, now: number): void {
    const previous = this.lastDecision;
    const changed = !previous || previous.decision.reason !== decision.reason;
    const logged = changed || now - previous.loggedAt >= QUIET_LOG_MS;
    this.lastDecision = { at: now, decision, loggedAt: logged ? now : previous.loggedAt };
    if (logged && decision.action === 'none') this.log.debug({ reason: decision.reason }, 'VM scaling: nothing to do');
  }

  private record(kind: 'vm-scaling' | 'error', message: string, data: Record<string, unknown>): void {
    this.events.append({ at: this.options.now(), kind, service: null, message, data });
  }
}
