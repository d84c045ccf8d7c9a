import type { AddressInfo } from 'node:net';
import type { HostPort, Logger } from '@acs/daemon';
import { AdminApi } from './admin-api';
import type { PolicyName } from '@acs/balancing';
import type { ProxyEngine } from '@acs/proxy';
import { AgentServer, type AgentServerOptions } from './agent-server';
import { DEFAULT_SLOW_START_MS } from './defaults';
import { Tier1Front } from './traffic/tier1-front';
import { ClusterState } from './cluster-state';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PLACEMENT_STRATEGY, type PlacementStrategyName } from '@acs/scaling';
import { ContainerCommands, DEFAULT_DRAIN_TIMEOUT_MS } from './container-commands';
import { DEFAULT_EVENT_RETENTION_DAYS, DEFAULT_STARTUP_GRACE_MS } from './defaults';
import { EVENT_LOG_FILE, EventStore, type NewEvent } from './events';
import { Services } from './scaling/services';
import { createVmScaling, resolveVmScalingConfig, type VmScalingController, type VmScalingSettingValues } from './vm-scaling';
import { VimMetrics } from './metrics';
import { startAlerting } from './alerts';
import type { EventSink } from './scaling/service-controller';

export interface VimOptions extends Omit<AgentServerOptions, 'listen'>, VmScalingSettingValues {
  agentListen: HostPort;
  adminListen: HostPort;
  httpListen: HostPort;
  balancerPolicy: PolicyName;
  upstreamTimeoutMs: number;
  /** @default DEFAULT_PROXY_ENGINE (@acs/proxy) */
  proxyEngine?: ProxyEngine;
  /** @default DEFAULT_SLOW_START_MS */
  slowStartMs?: number;
  /** When set, every admin API change must carry `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** Where the event log and the services' desired state live; undefined keeps them in memory only. */
  dataDir?: string;
  /** @default true: the VIM runs the web service's control loop (autoscaling, placement, replacement). */
  reconcile?: boolean;
  /** The scaling policy on a first start (validated); later ones come from the data dir. */
  scalingPolicy?: Record<string, unknown>;
  placementStrategy?: PlacementStrategyName;
  startupGraceMs?: number;
  eventRetentionDays?: number;
  /** Webhooks every alert is POSTed to (none: alerts are events only). */
  alertWebhooks?: string[];
  alertMinIntervalMs?: number;
  /** Tier-1 p99 objective in ms (alerts, and no scale-down while over it); undefined: neither. */
  sloP99Ms?: number;
  sloBreachSeconds?: number;
}

export interface RunningVim {
  cluster: ClusterState;
  services: Services;
  events: EventStore;
  agents: AgentServer;
  traffic: Tier1Front;
  metrics: VimMetrics;
  agentAddress: AddressInfo;
  adminAddress: AddressInfo;
  httpAddress: AddressInfo;
  /** The VM-level scaling loop; undefined when --vm-provider is off. */
  vmScaling: VmScalingController | undefined;
  close(): Promise<void>;
}

/** Starts the VIM's parts and wires them together. Used by `acs-vim` and by in-process tests. */
export async function startVim(options: VimOptions, log: Logger): Promise<RunningVim> {
  const now = options.now ?? Date.now;
  const vmScalingConfig = resolveVmScalingConfig(options);
  if (!vmScalingConfig.ok) throw new Error(`invalid VM scaling settings:\n  - ${vmScalingConfig.problems.join('\n  - ')}`);
  const cluster = new ClusterState();
  cluster.on('vmDown', (vm, reason) => log.warn({ agentId: vm.id, peer: vm.address, reason }, 'vm down'));
  const agents = new AgentServer({ ...options, listen: options.agentListen, now }, cluster, log.child({ part: 'agents' }));
  const traffic = new Tier1Front(
    { listen: options.httpListen, policy: options.balancerPolicy, upstreamTimeoutMs: options.upstreamTimeoutMs, engine: options.proxyEngine, slowStartMs: options.slowStartMs ?? DEFAULT_SLOW_START_MS, now },
    cluster,
    log.child({ part: 'tier1' }),
  );
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const events = new EventStore(options.dataDir === undefined ? ':memory:' : join(options.dataDir, EVENT_LOG_FILE), { log: log.child({ part: 'events' }) });
  // The control loop's events also feed the metrics' counters and the alerts (both set below).
  const eventObservers: Array<(event: NewEvent) => void> = [];
  const observedEvents: EventSink = {
    append(event) {
      const stored = events.append(event);
      for (const observe of eventObservers) {
        try {
          observe(event);
        } catch (error) {
          // Metrics and alerts are onlookers: a bug there must not fail the control loop's step.
          log.error({ err: (error as Error).stack ?? String(error), kind: event.kind }, 'an event observer failed');
        }
      }
      return stored;
    },
  };
  // Alerting starts after the services (its metrics read them); until then no SLO can be over.
  let latencyOverSlo = (): boolean => false;
  const services = new Services(
    {
      dataDir: options.dataDir,
      reconcile: options.reconcile ?? true,
      initialScaling: options.scalingPolicy ?? {},
      initialPlacement: { strategy: options.placementStrategy ?? DEFAULT_PLACEMENT_STRATEGY },
      startupGraceMs: options.startupGraceMs ?? DEFAULT_STARTUP_GRACE_MS,
      drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS,
      arrivalsTotal: () => traffic.arrivalsTotal,
      latencyBreached: () => latencyOverSlo(),
      now,
    },
    cluster,
    new ContainerCommands(cluster, agents),
    observedEvents,
    log.child({ part: 'autoscaler' }),
  );
  // Set once the agent port is known (a process provider's VMMs connect to it); the API reads it lazily.
  let vmScaling: VmScalingController | undefined;
  const metrics = new VimMetrics({ cluster, traffic, services, now });
  const alerting = startAlerting(
    { webhooks: options.alertWebhooks ?? [], minIntervalMs: options.alertMinIntervalMs, sloP99Ms: options.sloP99Ms, sloBreachSeconds: options.sloBreachSeconds },
    { cluster, traffic, events, onAlert: (kind, outcome) => metrics.observeAlert(kind, outcome), now, log: log.child({ part: 'alerts' }) },
  );
  latencyOverSlo = () => alerting.latencyOverSlo();
  eventObservers.push((event) => metrics.observeEvent(event), (event) => alerting.observeEvent(event));
  const admin = new AdminApi(options.adminListen, { cluster, services, events, agents, traffic, metrics, now, adminToken: options.adminToken, log: log.child({ part: 'admin' }), vmScaling: () => vmScaling });
  const agentAddress = await agents.listen();
  let adminAddress: AddressInfo;
  let httpAddress: AddressInfo;
  try {
    adminAddress = await admin.listen();
    httpAddress = await traffic.listen();
  } catch (error) {
    alerting.close();
    await Promise.allSettled([agents.close(), admin.close()]);
    throw error;
  }
  events.startPruning({ retentionMs: (options.eventRetentionDays ?? DEFAULT_EVENT_RETENTION_DAYS) * 86_400_000 });
  services.start();
  if (vmScalingConfig.config !== undefined && (options.reconcile ?? true)) {
    vmScaling = createVmScaling(vmScalingConfig.config, {
      cluster,
      demand: services,
      events,
      agentAddress,
      secret: options.secret,
      startupDelayMs: options.startupGraceMs ?? DEFAULT_STARTUP_GRACE_MS,
      now,
      log: log.child({ part: 'vm-scaling' }),
    });
    vmScaling.start();
  }
  return {
    cluster,
    services,
    events,
    agents,
    traffic,
    metrics,
    agentAddress,
    adminAddress,
    httpAddress,
    vmScaling,
    async close() {
      services.stop();
      // The VMMs a process provider started drain and remove their containers before the VIM goes.
      await vmScaling?.stop();
      alerting.close();
      await Promise.all([traffic.close(), admin.close(), agents.close()]);
      events.close();
    },
  };
}
