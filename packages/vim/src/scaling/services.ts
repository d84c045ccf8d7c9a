import type { DrainResponse, ForecastView, ServicePolicyView, ServiceView } from '@acs/api-types';
import type { Logger } from '@acs/daemon';
import { resolvePlacementSettings, ScalingPolicyError, validateScalingPolicy, type PlacementSettings, type ScalingPolicy } from '@acs/scaling';
import type { ClusterState } from '../cluster-state';
import { DEFAULT_CONTAINER_SPEC, type ContainerCommands } from '../container-commands';
import { HttpError } from '../http-util';
import { ServiceController, type EventSink } from './service-controller';
import { cpuTargetOf, DEFAULT_PREDICTIVE_SETTINGS, mergedPredictive, ServiceForecast, type PersistedForecast, type PredictiveSettings } from './service-forecast';
import { ForecastFile, ServiceStore, type PersistedState } from './service-store';

export interface ServicesOptions {
  /** Where the desired state is kept; undefined keeps nothing (in-process tests). */
  dataDir: string | undefined;
  /** Off: the VIM starts and stops no container on its own (containers are managed by hand). */
  reconcile: boolean;
  /** Used when the data dir holds no saved policy (first start). */
  initialScaling: Record<string, unknown>;
  initialPlacement: Record<string, unknown>;
  startupGraceMs: number;
  drainTimeoutMs: number;
  /** Requests that reached the traffic front so far: the arrival rate the forecaster learns from. */
  arrivalsTotal: () => number;
  /** Tier-1 p99 over the latency SLO right now (false with none set): the autoscaler holds scale-in then. */
  latencyBreached: () => boolean;
  now: () => number;
}

/** How often the forecaster's history is written to the data dir. */
const FORECAST_SAVE_INTERVAL_MS = 60_000;

/** An HTTP 422 carrying every validation problem, each naming its field. */
export class PolicyValidationError extends HttpError {
  constructor(message: string, problems: Array<{ path: string; message: string }>) {
    super(422, 'invalid-policy', message, {}, problems);
  }
}

/**
 * The services this VIM manages (one, `web`, for now; everything is keyed by name) with their saved
 * state: desired counts, pins, policies, drained VMs. Owns one {@link ServiceController} per service.
 */
export class Services {
  private readonly store: ServiceStore;
  private readonly controllers = new Map<string, ServiceController>();
  private readonly drainingVms: Set<string>;
  private readonly knownVms: Set<string>;
  private readonly predictive = new Map<string, PredictiveSettings>();
  private readonly forecastFiles = new Map<string, ForecastFile>();
  private forecastTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ServicesOptions,
    private readonly cluster: ClusterState,
    commands: ContainerCommands,
    private readonly events: EventSink,
    private readonly log: Logger,
  ) {
    this.store = new ServiceStore(options.dataDir);
    const saved = this.store.load();
    this.drainingVms = new Set(saved?.drainingVms ?? []);
    this.knownVms = new Set(saved?.knownVms ?? []);
    const name = DEFAULT_CONTAINER_SPEC.service;
    const savedService = saved?.services[name];
    const policy = validateScalingPolicy(savedService?.scaling ?? options.initialScaling);
    const placement = validatedPlacement(savedService?.placement ?? options.initialPlacement);
    const loadProblems: Array<{ path: string; message: string }> = [];
    const predictive = mergedPredictive(DEFAULT_PREDICTIVE_SETTINGS, savedService?.predictive ?? {}, loadProblems) ?? DEFAULT_PREDICTIVE_SETTINGS;
    if (loadProblems.length > 0) log.warn({ problems: loadProblems }, 'saved predictive settings are invalid; using the defaults');
    this.predictive.set(name, predictive);
    const forecastFile = new ForecastFile(options.dataDir, name);
    this.forecastFiles.set(name, forecastFile);
    const savedForecast = forecastFile.load();
    if (savedForecast && 'error' in savedForecast) log.warn({ path: forecastFile.path, err: savedForecast.error }, 'forecast history unreadable; starting a new one');
    const forecast = new ServiceForecast(
      predictive,
      policy.controlPeriodMs,
      cpuTargetOf(policy),
      savedForecast && 'value' in savedForecast ? (savedForecast.value as PersistedForecast) : undefined,
    );
    const controller = new ServiceController(
      { name, spec: DEFAULT_CONTAINER_SPEC, policy, placement, desired: savedService?.desired ?? policy.minReplicas, autoscale: savedService?.autoscale ?? true },
      this.drainingVms,
      cluster,
      commands,
      events,
      forecast,
      {
        drainTimeoutMs: options.drainTimeoutMs,
        arrivalsTotal: options.arrivalsTotal,
        latencyBreached: options.latencyBreached,
        startupGraceMs: options.startupGraceMs,
        knownVms: new Set(this.knownVms),
        adoptRunning: !saved,
        now: options.now,
      },
      log.child({ service: name }),
      () => this.save(),
      () => this.noteVmsRunningServices(),
    );
    this.controllers.set(name, controller);
    cluster.on('vmUp', (vm) => {
      events.append({ at: options.now(), kind: 'vm-up', service: null, message: `VM ${vm.id} (${vm.hostname}) is up`, data: { vm: vm.id, hostname: vm.hostname, capacity: vm.capacity } });
      for (const c of this.controllers.values()) c.kick();
    });
    cluster.on('vmDown', (vm, reason) => {
      events.append({ at: options.now(), kind: 'vm-down', service: null, message: `VM ${vm.id} is down: ${reason}; its containers are replaced elsewhere`, data: { vm: vm.id, reason, containers: vm.containers.length } });
      for (const c of this.controllers.values()) c.kick();
    });
    cluster.on('dockerChanged', (vm, up) => {
      const containers = vm.containers.filter((c) => c.state !== 'exited').length;
      events.append(
        up
          ? { at: options.now(), kind: 'docker-up', service: null, message: `Docker Engine on VM ${vm.id} answers again; the VM takes containers again`, data: { vm: vm.id, containers } }
          : { at: options.now(), kind: 'docker-down', service: null, message: `Docker Engine on VM ${vm.id} is not answering; the VM takes no new containers, and its ${containers} container(s) stay where they are`, data: { vm: vm.id, containers } },
      );
      for (const c of this.controllers.values()) c.kick();
    });
    if (!saved) this.save();
  }

  start(): void {
    if (!this.options.reconcile) return;
    for (const c of this.controllers.values()) c.start();
    this.forecastTimer = setInterval(() => this.saveForecasts(), FORECAST_SAVE_INTERVAL_MS);
    this.forecastTimer.unref();
  }

  stop(): void {
    for (const c of this.controllers.values()) c.stop();
    clearInterval(this.forecastTimer);
    if (this.forecastTimer !== undefined) this.saveForecasts();
    this.forecastTimer = undefined;
  }

  forecastView(name: string): ForecastView {
    const controller = this.get(name);
    return controller.forecast.view(name, this.options.now(), controller.service.policy.controlPeriodMs);
  }

  private saveForecasts(): void {
    for (const [name, controller] of this.controllers) {
      try {
        this.forecastFiles.get(name)?.save(controller.forecast.toJSON());
      } catch (error) {
        this.log.warn({ service: name, err: (error as Error).message }, 'could not save the forecast history');
      }
    }
  }

  list(): ServiceView[] {
    return [...this.controllers.values()].map((c) => c.view());
  }

  /** Containers every service wants that no VM could take: what VM-level scaling adds VMs for. */
  unmetReplicas(): number {
    let n = 0;
    for (const c of this.controllers.values()) n += c.unmetReplicas();
    return n;
  }

  /** Containers being started on the VM, not yet reported: it is not empty. */
  pendingStartsOn(vmId: string): number {
    let n = 0;
    for (const c of this.controllers.values()) n += c.pendingStartsOn(vmId);
    return n;
  }

  isDraining(vmId: string): boolean {
    return this.drainingVms.has(vmId);
  }

  get(name: string): ServiceController {
    const controller = this.controllers.get(name);
    if (!controller) throw new HttpError(404, 'service-not-found', `no service ${name}; this VIM manages: ${[...this.controllers.keys()].join(', ')}`);
    return controller;
  }

  policyView(name: string): ServicePolicyView {
    const { service } = this.get(name);
    return { service: service.name, scaling: service.policy as unknown as Record<string, unknown>, placement: { ...service.placement }, predictive: { ...this.predictiveOf(name) } };
  }

  /** Deep-merges a partial policy into the current one and applies it only if the whole is valid. */
  updatePolicy(name: string, body: Record<string, unknown>): ServicePolicyView {
    const controller = this.get(name);
    const problems: Array<{ path: string; message: string }> = [];
    for (const key of Object.keys(body)) {
      if (key !== 'scaling' && key !== 'placement' && key !== 'predictive' && key !== 'service') problems.push({ path: key, message: 'unknown field (expected scaling, placement, predictive)' });
    }
    const scalingPatch = body['scaling'] ?? {};
    const placementPatch = body['placement'] ?? {};
    if (!isRecord(scalingPatch)) problems.push({ path: 'scaling', message: 'must be an object' });
    if (!isRecord(placementPatch)) problems.push({ path: 'placement', message: 'must be an object' });
    const predictivePatch = body['predictive'] ?? {};
    if (!isRecord(predictivePatch)) problems.push({ path: 'predictive', message: 'must be an object' });
    const current = controller.service;
    const policy = isRecord(scalingPatch) ? mergedPolicy(current.policy, scalingPatch, problems) : undefined;
    const placement = isRecord(placementPatch) ? mergedPlacement(current.placement, placementPatch, problems) : undefined;
    const predictive = isRecord(predictivePatch) ? mergedPredictive(this.predictiveOf(name), predictivePatch, problems) : undefined;
    if (problems.length > 0 || !policy || !placement || !predictive) throw new PolicyValidationError(`invalid policy: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
    this.predictive.set(name, predictive);
    controller.forecast.updateSettings(predictive, cpuTargetOf(policy));
    controller.setPolicy(policy, placement);
    this.events.append({ at: this.options.now(), kind: 'operator', service: name, message: `policy of ${name} changed`, data: { change: body } });
    this.log.info({ service: name, change: body }, 'scaling policy changed');
    return this.policyView(name);
  }

  scale(name: string, replicas: unknown): ServiceView {
    const controller = this.get(name);
    const max = controller.service.policy.maxReplicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > max) {
      throw new PolicyValidationError(`replicas must be a whole number from 0 to maxReplicas (${max})`, [{ path: 'replicas', message: `must be a whole number from 0 to ${max}, got ${JSON.stringify(replicas)}` }]);
    }
    controller.scaleTo(replicas);
    return controller.view();
  }

  setAutoscale(name: string, enabled: unknown): ServiceView {
    if (typeof enabled !== 'boolean') throw new PolicyValidationError('enabled must be true or false', [{ path: 'enabled', message: 'must be true or false' }]);
    const controller = this.get(name);
    controller.setAutoscale(enabled);
    return controller.view();
  }

  drain(vmId: string, draining: boolean): DrainResponse {
    if (!this.cluster.get(vmId)) throw new HttpError(404, 'vm-not-found', `no VM ${vmId}; see acs vms`);
    if (draining !== this.drainingVms.has(vmId)) {
      if (draining) this.drainingVms.add(vmId);
      else this.drainingVms.delete(vmId);
      this.save();
      this.events.append({
        at: this.options.now(),
        kind: 'operator',
        service: null,
        message: draining ? `VM ${vmId} drained: no new containers there; its containers move away` : `VM ${vmId} takes containers again`,
        data: { vm: vmId, draining },
      });
      for (const c of this.controllers.values()) c.kick();
    }
    return { vm: vmId, draining };
  }

  /**
   * Which VMs run (or, when down, last ran) containers of a managed service: after a restart the VIM
   * waits for exactly these before reconciling. Saved only when the set changes.
   */
  private noteVmsRunningServices(): void {
    const running = new Set<string>();
    for (const vm of this.cluster.all()) {
      if (vm.containers.some((c) => this.controllers.has(c.service))) running.add(vm.id);
    }
    if (running.size === this.knownVms.size && [...running].every((id) => this.knownVms.has(id))) return;
    this.knownVms.clear();
    for (const id of running) this.knownVms.add(id);
    this.save();
  }

  private predictiveOf(name: string): PredictiveSettings {
    return this.predictive.get(name) ?? DEFAULT_PREDICTIVE_SETTINGS;
  }

  private save(): void {
    const state: PersistedState = { version: 1, services: {}, drainingVms: [...this.drainingVms], knownVms: [...this.knownVms] };
    for (const [name, c] of this.controllers) {
      state.services[name] = {
        desired: c.service.desired,
        autoscale: c.service.autoscale,
        scaling: c.service.policy as unknown as Record<string, unknown>,
        placement: { ...c.service.placement },
        predictive: { ...this.predictiveOf(name) },
      };
    }
    try {
      this.store.save(state);
    } catch (error) {
      // Keep running on what is in memory; the operator must know a restart would forget it.
      this.log.error({ err: (error as Error).message, path: this.store.path }, 'could not save the service state; a VIM restart would lose the latest desired counts');
    }
  }
}

/** The policy with the patch deep-merged and validated as a whole; undefined (and problems added) when invalid. */
function mergedPolicy(current: ScalingPolicy, patch: Record<string, unknown>, problems: Array<{ path: string; message: string }>): ScalingPolicy | undefined {
  try {
    // Switching strategy starts from the other strategy's defaults rather than carrying foreign fields.
    if (patch['strategy'] !== undefined && patch['strategy'] !== current.strategy) {
      return validateScalingPolicy({ minReplicas: current.minReplicas, maxReplicas: current.maxReplicas, controlPeriodMs: current.controlPeriodMs, ...patch });
    }
    return validateScalingPolicy(deepMerge(current as unknown as Record<string, unknown>, patch));
  } catch (error) {
    if (!(error instanceof ScalingPolicyError)) throw error;
    problems.push(...error.problems.map((p) => ({ path: `scaling.${p.path}`, message: p.message })));
    return undefined;
  }
}

function mergedPlacement(current: PlacementSettings, patch: Record<string, unknown>, problems: Array<{ path: string; message: string }>): PlacementSettings | undefined {
  try {
    return { ...resolvePlacementSettings({ ...current, ...patch }) };
  } catch (error) {
    problems.push({ path: 'placement', message: (error as Error).message });
    return undefined;
  }
}

function validatedPlacement(input: Record<string, unknown>): PlacementSettings {
  return { ...resolvePlacementSettings(input) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars in the patch replace what was there. */
function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const existing = out[key];
    out[key] = isRecord(existing) && isRecord(value) ? deepMerge(existing, value) : value;
  }
  return out;
}
