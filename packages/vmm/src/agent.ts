import { availableParallelism, hostname, totalmem } from 'node:os';
import Docker from 'dockerode';
import type { PolicyName } from '@acs/balancing';
import { type ClientTls, formatHostPort, type HostPort, type Logger } from '@acs/daemon';
import { PROTOCOL_VERSION, type AgentDescription, type AgentRequest } from '@acs/protocol';
import type { ProxyEngine } from '@acs/proxy';
import type { BackoffPolicy } from './backoff';
import { AGENT_VERSION, RECONCILE_INTERVAL_MS } from './defaults';
import { TrafficFront } from './front/traffic-front';
import { HostSampler } from './host-sampler';
import { ContainerManager } from './runtime/container-manager';
import { CommandError, VimConnection, type AgentBehaviour, type AgentIdentity, type ReportBody } from './vim-connection';

export interface AgentOptions {
  agentId: string;
  vim: HostPort;
  secret: Buffer;
  /** Connect to the VIM over TLS, verifying its certificate against this CA. */
  tls?: ClientTls;
  maxContainers: number;
  backoff: BackoffPolicy;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
  frontListen: HostPort;
  frontPolicy: PolicyName;
  maxInflightPerContainer: number | 'auto';
  queueLimit: number;
  queueTimeoutMs: number;
  upstreamTimeoutMs: number;
  /** @default DEFAULT_PROXY_ENGINE (@acs/proxy) */
  proxyEngine?: ProxyEngine;
  dockerSocket: string;
  readinessTimeoutMs: number;
  stopGraceSeconds: number;
  stopContainersOnExit: boolean;
}

/** How long containers get to finish requests when the agent cleans up on exit. */
const EXIT_DRAIN_TIMEOUT_MS = 10_000;

/** The VMM agent: its VM's containers, its tier-2 front, and its session with the VIM. */
export class Agent implements AgentBehaviour {
  readonly front: TrafficFront;
  readonly containers: ContainerManager;
  private connection: VimConnection | undefined;
  private readonly sampler = new HostSampler();
  private identity: AgentIdentity;
  private readonly startedAt = Date.now();

  constructor(
    private readonly options: AgentOptions,
    private readonly log: Logger,
  ) {
    this.identity = {
      agentId: options.agentId,
      hostname: hostname(),
      agentVersion: AGENT_VERSION,
      capacity: { maxContainers: options.maxContainers, cpus: availableParallelism(), memoryBytes: totalmem() },
      front: null,
    };
    this.front = new TrafficFront(
      {
        listen: options.frontListen,
        agentId: options.agentId,
        policy: options.frontPolicy,
        maxInflightPerContainer: options.maxInflightPerContainer,
        queueLimit: options.queueLimit,
        queueTimeoutMs: options.queueTimeoutMs,
        upstreamTimeoutMs: options.upstreamTimeoutMs,
        engine: options.proxyEngine,
      },
      log.child({ part: 'front' }),
    );
    this.containers = new ContainerManager(
      new Docker({ socketPath: options.dockerSocket }),
      this.front,
      {
        agentId: options.agentId,
        maxContainers: options.maxContainers,
        readinessTimeoutMs: options.readinessTimeoutMs,
        stopGraceSeconds: options.stopGraceSeconds,
        reconcileIntervalMs: RECONCILE_INTERVAL_MS,
      },
      log.child({ part: 'containers' }),
    );
    this.containers.on('changed', () => this.connection?.reportNow());
  }

  /** The session with the VIM; exists once `start` has run. */
  get vim(): VimConnection {
    if (!this.connection) throw new Error('agent not started');
    return this.connection;
  }

  /** Opens the front first, so the hello can say where it listens; then adopts containers; then dials the VIM. */
  async start(): Promise<void> {
    const address = await this.front.listen();
    this.identity = { ...this.identity, front: { host: address.address, port: address.port } };
    this.log.info({ front: formatHostPort({ host: address.address, port: address.port }) }, 'front listening');
    await this.containers.start();
    if (!this.containers.dockerAvailable) this.log.warn({ socket: this.options.dockerSocket }, 'Docker Engine not answering; will keep trying');
    this.connection = new VimConnection({ ...this.options, identity: this.identity }, this, this.log);
    this.connection.start();
  }

  async stop(): Promise<void> {
    this.connection?.stop();
    if (this.options.stopContainersOnExit) await this.containers.stopAll(EXIT_DRAIN_TIMEOUT_MS);
    this.containers.close();
    await this.front.close();
  }

  async buildReport(): Promise<ReportBody> {
    const at = Date.now();
    return { at, host: await this.sampler.sample(), containers: this.containers.reportContainers(), dockerUp: this.containers.dockerAvailable, queued: this.front.queued };
  }

  handleRequest(request: AgentRequest): Promise<unknown> {
    switch (request.type) {
      case 'describe':
        return Promise.resolve(this.describe());
      case 'startContainer':
        return this.containers.startContainer(request.spec);
      case 'stopContainer':
        return this.containers.stopContainer(request.containerId, request.drainTimeoutMs);
      default:
        return Promise.reject(new CommandError('unknown-command', `this agent does not handle ${(request as { type: string }).type}`));
    }
  }

  describe(): AgentDescription {
    return {
      ...this.identity,
      protocolVersion: PROTOCOL_VERSION,
      pid: process.pid,
      nodeVersion: process.version,
      platform: `${process.platform}-${process.arch}`,
      uptimeMs: Date.now() - this.startedAt,
    };
  }
}
