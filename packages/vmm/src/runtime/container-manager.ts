import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from '@acs/daemon';
import type { ContainerLatency, ContainerReport, ContainerSpec, ContainerStarted, ContainerState, ContainerStopped } from '@acs/protocol';
import { CommandError } from '../vim-connection';
import { cpuLimitOf, CFS_PERIOD_US, usageFromSample, type DockerStatsSample } from './container-stats';
import { DOCKER_CALL_TIMEOUT_MS, withinDeadline } from './docker-deadline';
import { isOwnedBy, LABEL_SERVICE, ownLabelFilter, ownLabels } from './labels';
import { waitUntilHealthy } from './readiness';

/** The tier-2 front as the manager sees it: which containers may take requests, and their traffic. */
export interface TrafficBackends {
  /** Replaces the set of containers that may take new requests. */
  setBackends(backends: ReadonlyArray<{ id: string; name: string; port: number }>): void;
  inflight(containerId: string): number;
  requestsTotal(containerId: string): number;
  errorsTotal(containerId: string): number;
  /** Requests the container may have in flight right now. */
  limitOf(containerId: string): number;
  /** Response-time percentiles since the previous call, which starts a new interval. */
  takeLatency(containerId: string): ContainerLatency;
  /** Resolves true once the container has no request in flight, false if `timeoutMs` passes first. */
  waitForIdle(containerId: string, timeoutMs: number): Promise<boolean>;
  /** The container is gone: its counters may be dropped. */
  forget(containerId: string): void;
}

export interface ContainerManagerOptions {
  agentId: string;
  maxContainers: number;
  /** A new container that has not answered /healthz by then is removed. */
  readinessTimeoutMs: number;
  /** Seconds Docker waits after SIGTERM before SIGKILL on stop. */
  stopGraceSeconds: number;
  /** How often observed Docker state is re-read, whatever the event stream said. */
  reconcileIntervalMs: number;
}

interface ManagedContainer {
  id: string;
  name: string;
  service: string;
  hostPort: number;
  limitCpus: number;
  state: ContainerState;
  ready: boolean;
  draining: boolean;
  cpuPct: number;
  memBytes: number;
  stats?: Readable;
  stopping?: Promise<ContainerStopped>;
}

export interface ContainerManagerEvents {
  /** Something a report would show changed (started, ready, draining, died, removed). */
  changed: [];
}

/**
 * The VMM's containers: starts, adopts, watches, drains and stops them through the Docker Engine API.
 *
 *   starting ──/healthz 2xx──▶ running ──stopContainer──▶ draining ──idle or drain timeout──▶ stopping ──▶ (removed)
 *       │                          │
 *       └──── died / no health ────┴──▶ (removed, reported at once)
 *
 * One reconcile loop re-reads this agent's labelled containers every `reconcileIntervalMs` and repairs
 * the view (adopts running ones it does not know, removes exited ones, forgets vanished ones), so
 * nothing depends on having seen every Docker event. Only containers with this agent's labels are ever
 * listed, stopped or removed.
 */
export class ContainerManager extends EventEmitter<ContainerManagerEvents> {
  private readonly containers = new Map<string, ManagedContainer>();
  /** Names of containers being created and started: not yet in `containers`, and not leftovers. */
  private readonly startingNames = new Set<string>();
  private dockerUp = false;
  private events: Readable | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private reconciling = false;
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly front: TrafficBackends,
    private readonly options: ContainerManagerOptions,
    private readonly log: Logger,
  ) {
    super();
  }

  /**
   * Whether the engine answered the last re-read. Noticed within 0.5 s of an engine that stops or
   * crashes (its event stream ends, which brings the re-read forward), and within one re-read period plus
   * DOCKER_CALL_TIMEOUT_MS of one that hangs; a change is reported at once.
   */
  get dockerAvailable(): boolean {
    return this.dockerUp;
  }

  /** Adopts what is already running, then follows events and reconciles periodically. */
  async start(): Promise<void> {
    await this.reconcile();
    this.reconcileTimer = setInterval(() => {
      this.reconcile().catch((error: unknown) => this.log.error({ err: error }, 'reconcile failed; retrying next period'));
    }, this.options.reconcileIntervalMs);
    this.reconcileTimer.unref();
  }

  /** Stops watching. Containers keep running: a restarted agent adopts them. */
  close(): void {
    this.closed = true;
    clearInterval(this.reconcileTimer);
    clearTimeout(this.soonTimer);
    this.events?.destroy();
    for (const container of this.containers.values()) container.stats?.destroy();
  }

  reportContainers(): ContainerReport[] {
    const out: ContainerReport[] = [];
    for (const c of this.containers.values()) {
      out.push({
        id: c.id,
        name: c.name,
        service: c.service,
        state: c.state,
        ready: c.ready,
        draining: c.draining,
        cpuPct: c.cpuPct,
        memBytes: c.memBytes,
        inflight: this.front.inflight(c.id),
        requestsTotal: this.front.requestsTotal(c.id),
        hostPort: c.hostPort,
        errorsTotal: this.front.errorsTotal(c.id),
        latencyMs: this.front.takeLatency(c.id),
        inflightLimit: this.front.limitOf(c.id),
      });
    }
    return out;
  }

  async startContainer(spec: ContainerSpec): Promise<ContainerStarted> {
    if (!this.dockerUp) throw new CommandError('docker-unavailable', 'the Docker Engine on this VM is not answering');
    const count = this.containers.size + this.startingNames.size;
    if (count >= this.options.maxContainers) {
      throw new CommandError('at-capacity', `VM ${this.options.agentId} already runs ${count} of at most ${this.options.maxContainers} containers`);
    }
    const name = `acs-${spec.service}-${this.options.agentId}-${randomBytes(3).toString('hex')}`;
    this.startingNames.add(name);
    try {
      const portKey = `${spec.containerPort}/tcp`;
      let container: Docker.Container;
      try {
        container = await this.docker.createContainer({
          name,
          Image: spec.image,
          Labels: ownLabels(this.options.agentId, spec.service),
          Env: [
            ...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
            `PORT=${spec.containerPort}`,
            `ACS_CONTAINER_NAME=${name}`,
            `ACS_VM_ID=${this.options.agentId}`,
            `ACS_SERVICE=${spec.service}`,
          ],
          ExposedPorts: { [portKey]: {} },
          HostConfig: {
            // Published on loopback only, on a port Docker picks: all traffic goes through the front.
            PortBindings: { [portKey]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
            // The CPU limit as a CFS quota over a 10 ms period rather than Docker's 100 ms (NanoCpus): a
            // container that spends its quota waits out the rest of the period. With 20 ms requests on
            // 0.5 CPU, p99 through both tiers fell from 162 to 129 ms (bench/proxy.ts (e), same throughput).
            CpuPeriod: CFS_PERIOD_US,
            CpuQuota: Math.max(1000, Math.round(spec.cpus * CFS_PERIOD_US)),
            Memory: spec.memoryBytes,
            PidsLimit: spec.pidsLimit,
            ReadonlyRootfs: true,
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges'],
            // An init as PID 1 forwards SIGTERM to the workload; without it a stop waits the full grace.
            Init: true,
            RestartPolicy: { Name: 'no' },
          },
        });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404) {
          throw new CommandError('image-not-found', `image ${spec.image} is not on VM ${this.options.agentId}; build it with npm run build:image (nothing is pulled)`);
        }
        throw new CommandError('start-failed', `creating the container failed: ${(error as Error).message}`);
      }
      try {
        await container.start();
      } catch (error) {
        await this.removeQuietly(container.id);
        throw new CommandError('start-failed', `starting the container failed: ${(error as Error).message}`);
      }
      const info = await container.inspect();
      const hostPort = Number(info.NetworkSettings.Ports[portKey]?.[0]?.HostPort);
      const managed = startingContainer(info.Id, name, spec.service, hostPort, spec.cpus);
      this.containers.set(managed.id, managed);
      this.log.info({ containerId: managed.id.slice(0, 12), name, hostPort, service: spec.service }, 'container started');
      this.emit('changed');
      this.watch(managed);
      return { containerId: managed.id, name, hostPort };
    } finally {
      this.startingNames.delete(name);
    }
  }

  /** Drains then stops and removes one of this agent's containers. Concurrent calls share one stop. */
  stopContainer(idOrPrefix: string, drainTimeoutMs: number): Promise<ContainerStopped> {
    const managed = this.find(idOrPrefix);
    if (!managed) {
      return Promise.reject(new CommandError('not-found', `no container ${idOrPrefix} on VM ${this.options.agentId}`));
    }
    // Refused before draining: a drain followed by a stop that cannot run would leave the container out of
    // rotation for good. The VIM sends no stop here meanwhile; this covers a stop by hand.
    if (!managed.stopping && !this.dockerUp) {
      return Promise.reject(new CommandError('docker-unavailable', 'the Docker Engine on this VM is not answering; the container keeps serving'));
    }
    managed.stopping ??= this.drainAndStop(managed, drainTimeoutMs);
    return managed.stopping;
  }

  /** Stops every container of this agent (used when the agent is told to clean up on exit). */
  async stopAll(drainTimeoutMs: number): Promise<void> {
    await Promise.all([...this.containers.values()].map((c) => this.stopContainer(c.id, drainTimeoutMs).catch(() => undefined)));
  }

  private async drainAndStop(managed: ManagedContainer, drainTimeoutMs: number): Promise<ContainerStopped> {
    managed.draining = true;
    managed.ready = false;
    managed.state = 'draining';
    this.updateFront();
    this.emit('changed');
    const drained = await this.front.waitForIdle(managed.id, drainTimeoutMs);
    const inflightAtStop = this.front.inflight(managed.id);
    managed.state = 'stopping';
    this.emit('changed');
    const container = this.docker.getContainer(managed.id);
    await container.stop({ t: this.options.stopGraceSeconds }).catch(ignoreGone);
    await container.remove({ force: true }).catch(ignoreGone);
    this.forget(managed.id);
    this.log.info({ containerId: managed.id.slice(0, 12), drained, inflightAtStop }, 'container stopped');
    return { containerId: managed.id, drained, inflightAtStop };
  }

  private find(idOrPrefix: string): ManagedContainer | undefined {
    const exact = this.containers.get(idOrPrefix);
    if (exact) return exact;
    if (idOrPrefix.length < 4) return undefined;
    const matches = [...this.containers.values()].filter((c) => c.id.startsWith(idOrPrefix) || c.name === idOrPrefix);
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** Waits for readiness and follows the container's stats stream. */
  private watch(managed: ManagedContainer): void {
    void this.followStats(managed);
    void waitUntilHealthy(managed.hostPort, {
      deadlineMs: this.options.readinessTimeoutMs,
      intervalMs: 20,
      shouldStop: () => this.closed || managed.state !== 'starting' || !this.containers.has(managed.id),
    }).then(async (healthy) => {
      if (managed.state !== 'starting' || !this.containers.has(managed.id)) return;
      if (healthy) {
        managed.state = 'running';
        managed.ready = true;
        this.log.info({ containerId: managed.id.slice(0, 12), name: managed.name }, 'container ready');
        this.updateFront();
        this.emit('changed');
        return;
      }
      if (this.closed) return;
      this.log.error({ containerId: managed.id.slice(0, 12), timeoutMs: this.options.readinessTimeoutMs }, 'container never became healthy; removing it');
      await this.removeQuietly(managed.id);
      this.forget(managed.id);
    }).catch((error: unknown) => this.log.error({ err: error, containerId: managed.id.slice(0, 12) }, 'watching a container failed'));
  }

  private async followStats(managed: ManagedContainer): Promise<void> {
    try {
      // The one-shot stats call blocks ~1 s while Docker samples; the stream gives a sample a second for free.
      const stream = (await this.docker.getContainer(managed.id).stats({ stream: true })) as unknown as Readable;
      if (!this.containers.has(managed.id) || this.closed) {
        stream.destroy();
        return;
      }
      managed.stats = stream;
      const ended = (): void => {
        if (managed.stats === stream) managed.stats = undefined;
      };
      stream.on('end', ended);
      stream.on('close', ended);
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        partial += chunk.toString('utf8');
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          try {
            const usage = usageFromSample(JSON.parse(line) as DockerStatsSample, managed.limitCpus);
            if (usage) {
              managed.cpuPct = usage.cpuPct;
              managed.memBytes = usage.memBytes;
            }
          } catch {
            // a torn or odd sample: the next one comes within a second
          }
        }
      });
      stream.on('error', () => undefined);
    } catch (error) {
      this.log.debug({ containerId: managed.id.slice(0, 12), err: (error as Error).message }, 'no stats stream');
    }
  }

  /** Level-triggered repair of the view from what Docker says now. Never overlaps itself. */
  async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      let listed: Docker.ContainerInfo[];
      try {
        listed = await withinDeadline(DOCKER_CALL_TIMEOUT_MS, (abortSignal) =>
          this.docker.listContainers({ all: true, filters: ownLabelFilter(this.options.agentId), abortSignal }),
        );
      } catch (error) {
        this.noteDocker(false, (error as Error).message);
        this.events?.destroy();
        this.events = undefined;
        // Retry soon rather than a full period later: the engine restarting is the usual cause.
        this.reconcileSoon(DOCKER_RETRY_MS);
        return;
      }
      this.noteDocker(true);
      if (!this.events) await this.followEvents();
      let changed = false;
      const seen = new Set<string>();
      for (const info of listed) {
        if (!isOwnedBy(info.Labels, this.options.agentId)) continue; // belt and braces over the filter
        seen.add(info.Id);
        // A container mid-start is created but not yet running or known: it is not a leftover.
        if (info.Names.some((n) => this.startingNames.has(n.replace(/^\//, '')))) continue;
        const known = this.containers.get(info.Id);
        if (info.State === 'running') {
          if (!known) {
            this.adopt(info);
            changed = true;
          }
        } else if (!known?.stopping) {
          // Exited, created or dead, and not being stopped by us: clear it away.
          await this.removeQuietly(info.Id);
          if (known) this.forget(info.Id);
          this.log.info({ containerId: info.Id.slice(0, 12), state: info.State }, 'removed a stopped container');
          changed = true;
        }
      }
      // A stats stream ends when the engine restarts: follow the survivors again, or their CPU freezes.
      for (const managed of this.containers.values()) {
        if (seen.has(managed.id) && !managed.stats && !managed.stopping) void this.followStats(managed);
      }
      for (const id of [...this.containers.keys()]) {
        if (!seen.has(id) && !this.containers.get(id)?.stopping) {
          this.forget(id);
          changed = true;
        }
      }
      if (changed) this.emit('changed');
    } finally {
      this.reconciling = false;
    }
  }

  /**
   * Records whether the engine answers. A change is reported to the VIM at once rather than with the next
   * interval's report: the VIM stops (or resumes) placing containers here on it.
   */
  private noteDocker(up: boolean, why?: string): void {
    if (up === this.dockerUp) return;
    this.dockerUp = up;
    if (up) this.log.info('Docker Engine available');
    else this.log.error({ err: why }, 'Docker Engine unavailable');
    this.emit('changed');
  }

  /** One reconcile after `delayMs`, unless one is already due that soon. */
  private reconcileSoon(delayMs: number): void {
    if (this.closed || this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.reconcile().catch((error: unknown) => this.log.error({ err: error }, 'reconcile failed; retrying next period'));
    }, delayMs);
    this.soonTimer.unref();
  }

  private adopt(info: Docker.ContainerInfo): void {
    const port = info.Ports.find((p) => p.IP === '127.0.0.1' && p.PublicPort)?.PublicPort;
    if (!port) {
      this.log.warn({ containerId: info.Id.slice(0, 12) }, 'labelled container has no port on 127.0.0.1; leaving it alone');
      return;
    }
    // The CPU limit is filled in from an inspect below; until then usage is shown against the host.
    const managed = startingContainer(info.Id, (info.Names[0] ?? info.Id).replace(/^\//, ''), info.Labels[LABEL_SERVICE] ?? 'web', port, 0);
    this.containers.set(managed.id, managed);
    this.log.info({ containerId: managed.id.slice(0, 12), name: managed.name, hostPort: port }, 'adopted a running container');
    void this.docker
      .getContainer(info.Id)
      .inspect()
      .then((detail) => (managed.limitCpus = cpuLimitOf(detail.HostConfig)))
      .catch(() => undefined);
    this.watch(managed);
  }

  private async followEvents(): Promise<void> {
    try {
      const stream = (await withinDeadline(DOCKER_CALL_TIMEOUT_MS, (abortSignal) => {
        const options: Docker.GetEventsOptions & { abortSignal: AbortSignal } = {
          filters: { type: ['container'], event: ['die', 'oom'], ...ownLabelFilter(this.options.agentId) },
          abortSignal,
        };
        return this.docker.getEvents(options);
      })) as unknown as Readable;
      this.events = stream;
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        partial += chunk.toString('utf8');
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.onEvent(line);
      });
      const lost = (): void => {
        if (this.events !== stream) return;
        this.events = undefined;
        // Without the stream a dying container waits for the next period: look again now (and find
        // out whether the engine itself went away).
        this.reconcileSoon(DOCKER_RETRY_MS);
      };
      stream.on('end', lost);
      stream.on('error', lost);
      stream.on('close', lost);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'cannot follow Docker events; relying on the reconcile loop');
    }
  }

  private onEvent(line: string): void {
    let event: { Action?: string; status?: string; id?: string; Actor?: { Attributes?: Record<string, string> } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    const id = event.id ?? '';
    const managed = this.containers.get(id);
    if (!managed || managed.stopping) return;
    const action = event.Action ?? event.status;
    this.log.warn({ containerId: id.slice(0, 12), name: managed.name, event: action, exitCode: event.Actor?.Attributes?.['exitCode'] }, 'container died');
    this.forget(id);
    this.emit('changed');
    void this.removeQuietly(id);
  }

  /** Removes a container that should be gone; never rejects (fire-and-forget callers must not crash the agent). */
  private async removeQuietly(id: string): Promise<void> {
    try {
      await withinDeadline(DOCKER_CALL_TIMEOUT_MS, (abortSignal) => this.docker.getContainer(id).remove({ force: true, abortSignal }));
    } catch (error) {
      if (!isGone(error)) this.log.warn({ containerId: id.slice(0, 12), err: (error as Error).message }, 'could not remove container');
    }
  }

  private forget(id: string): void {
    const managed = this.containers.get(id);
    if (!managed) return;
    managed.stats?.destroy();
    this.containers.delete(id);
    this.updateFront();
    this.front.forget(id);
  }

  private updateFront(): void {
    const backends = [];
    for (const c of this.containers.values()) {
      if (c.ready && !c.draining && c.state === 'running') backends.push({ id: c.id, name: c.name, port: c.hostPort });
    }
    this.front.setBackends(backends);
  }
}

/** How soon the view is re-read after the engine stopped answering or its event stream ended. */
const DOCKER_RETRY_MS = 500;

/** A container known to be running but not yet answering /healthz: it takes no traffic yet. */
function startingContainer(id: string, name: string, service: string, hostPort: number, limitCpus: number): ManagedContainer {
  return { id, name, service, hostPort, limitCpus, state: 'starting', ready: false, draining: false, cpuPct: 0, memBytes: 0 };
}

/** 304 already stopped, 404 already gone, 409 removal already in progress: all the outcome we wanted. */
function isGone(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status === 304 || status === 404 || status === 409;
}

function ignoreGone(error: unknown): void {
  if (!isGone(error)) throw error;
}
