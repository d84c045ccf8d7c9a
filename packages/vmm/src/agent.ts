import { availableParallelism, hostname, totalmem } from 'node:os';
import type { HostPort, Logger } from '@acs/daemon';
import { PROTOCOL_VERSION, type AgentDescription, type AgentRequest } from '@acs/protocol';
import type { BackoffPolicy } from './backoff';
import { AGENT_VERSION } from './defaults';
import { HostSampler } from './host-sampler';
import { CommandError, VimConnection, type AgentBehaviour, type AgentIdentity, type ReportBody } from './vim-connection';

export interface AgentOptions {
  agentId: string;
  vim: HostPort;
  secret: Buffer;
  maxContainers: number;
  backoff: BackoffPolicy;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
}

/** The VMM agent: what it reports and how it answers the VIM's commands. */
export class Agent implements AgentBehaviour {
  readonly connection: VimConnection;
  private readonly sampler = new HostSampler();
  private readonly identity: AgentIdentity;
  private readonly startedAt = Date.now();

  constructor(options: AgentOptions, log: Logger) {
    this.identity = {
      agentId: options.agentId,
      hostname: hostname(),
      agentVersion: AGENT_VERSION,
      capacity: { maxContainers: options.maxContainers, cpus: availableParallelism(), memoryBytes: totalmem() },
      front: null,
    };
    this.connection = new VimConnection({ ...options, identity: this.identity }, this, log);
  }

  start(): void {
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
  }

  async buildReport(): Promise<ReportBody> {
    const at = Date.now();
    return { at, host: await this.sampler.sample(), containers: [] };
  }

  handleRequest(request: AgentRequest): Promise<unknown> {
    switch (request.type) {
      case 'describe':
        return Promise.resolve(this.describe());
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
