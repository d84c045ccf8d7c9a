import { parseContainerStarted, parseContainerStopped, type ContainerSpec, type ContainerStarted, type ContainerStopped } from '@acs/protocol';
import type { AgentServer } from './agent-server';
import type { ClusterState } from './cluster-state';
import { AgentCommandError, AgentNotConnectedError, RequestTimeoutError, SessionClosedError } from './errors';
import { HttpError } from './http-util';

/** The service's container template until the service model (autoscaler issue) owns it. */
export const DEFAULT_CONTAINER_SPEC: ContainerSpec = {
  service: 'web',
  image: 'acs-workload:latest',
  cpus: 0.5,
  memoryBytes: 256 * 1024 * 1024,
  pidsLimit: 128,
  containerPort: 8080,
  env: { WORK_MS: '20' },
};

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** Agent error codes → HTTP statuses, in one place. */
const STATUS_BY_AGENT_CODE: Record<string, number> = {
  'at-capacity': 409,
  'not-found': 404,
  'docker-unavailable': 503,
  'image-not-found': 424,
  'start-failed': 502,
};

/** Starts and stops containers on VMs through their agents, with errors a user can act on. */
export class ContainerCommands {
  constructor(
    private readonly cluster: ClusterState,
    private readonly agents: AgentServer,
  ) {}

  async start(vmId: string, spec: ContainerSpec): Promise<ContainerStarted> {
    const vm = this.cluster.get(vmId);
    if (!vm) throw new HttpError(404, 'vm-not-found', `no VM ${vmId}; see acs vms`);
    if (vm.status !== 'ready') throw new HttpError(409, 'vm-down', `VM ${vmId} is down (${vm.downReason ?? 'unknown reason'})`);
    const started = await this.agents.request(vmId, { type: 'startContainer', spec }, parseContainerStarted).catch(toHttpError);
    this.cluster.containerStarted(vmId, {
      id: started.containerId,
      name: started.name,
      service: spec.service,
      state: 'starting',
      ready: false,
      draining: false,
      cpuPct: 0,
      memBytes: 0,
      inflight: 0,
      requestsTotal: 0,
      hostPort: started.hostPort,
    });
    return started;
  }

  /** Finds the VM reporting the container (full id, unique id prefix, or name) and drains and stops it there. */
  async stop(containerRef: string, drainTimeoutMs: number): Promise<ContainerStopped & { vm: string }> {
    const matches = [];
    for (const vm of this.cluster.list()) {
      if (vm.status !== 'ready') continue;
      for (const c of vm.containers) {
        if (c.id === containerRef || c.name === containerRef || (containerRef.length >= 4 && c.id.startsWith(containerRef))) matches.push({ vm: vm.id, id: c.id });
      }
    }
    if (matches.length === 0) throw new HttpError(404, 'container-not-found', `no container ${containerRef} on any ready VM; see acs containers`);
    if (matches.length > 1) throw new HttpError(409, 'ambiguous', `${containerRef} matches ${matches.length} containers; give more of the id`);
    const { vm, id } = matches[0]!;
    return this.stopOn(vm, id, drainTimeoutMs);
  }

  /** Drains and stops one container on one VM, both already known. */
  async stopOn(vm: string, containerId: string, drainTimeoutMs: number): Promise<ContainerStopped & { vm: string }> {
    // Out of tier 1's count before the agent drains it: a VM whose last ready container this is must
    // get no more requests, which its front could only answer 503 no-ready-container.
    this.cluster.containerDraining(vm, containerId);
    // The drain itself may take up to its timeout: give the command that plus a margin.
    const stopped = await this.agents
      .request(vm, { type: 'stopContainer', containerId, drainTimeoutMs }, parseContainerStopped, drainTimeoutMs + 30_000)
      .catch((error: unknown) => {
        this.cluster.containerDraining(vm, containerId, false);
        return toHttpError(error);
      });
    this.cluster.containerStopped(vm, containerId);
    return { ...stopped, vm };
  }
}

function toHttpError(error: unknown): never {
  if (error instanceof AgentCommandError) {
    throw new HttpError(STATUS_BY_AGENT_CODE[error.code] ?? 502, error.code, error.message);
  }
  if (error instanceof AgentNotConnectedError || error instanceof SessionClosedError) throw new HttpError(409, 'vm-down', error.message);
  if (error instanceof RequestTimeoutError) throw new HttpError(504, 'agent-timeout', error.message);
  throw error;
}

/** Builds a spec from the API body over the defaults; every bad field is reported by name. */
export function specFromBody(body: Record<string, unknown>): ContainerSpec {
  const spec: ContainerSpec = { ...DEFAULT_CONTAINER_SPEC, env: { ...DEFAULT_CONTAINER_SPEC.env } };
  const problems: string[] = [];
  const known = new Set(['service', 'image', 'cpus', 'memoryMb', 'workMs']);
  for (const key of Object.keys(body)) if (!known.has(key)) problems.push(`unknown field "${key}" (known: ${[...known].join(', ')})`);
  if (body['service'] !== undefined) {
    if (typeof body['service'] === 'string' && /^[a-z0-9][a-z0-9-]{0,31}$/.test(body['service'])) spec.service = body['service'];
    else problems.push('service: lower-case letters, digits and "-", at most 32');
  }
  if (body['image'] !== undefined) {
    if (typeof body['image'] === 'string' && /^[a-z0-9][a-z0-9._/:-]{0,254}$/.test(body['image'])) spec.image = body['image'];
    else problems.push('image: an image reference like acs-workload:latest');
  }
  const number = (key: string, min: number, max: number, apply: (n: number) => void): void => {
    const v = body[key];
    if (v === undefined) return;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) apply(v);
    else problems.push(`${key}: a number from ${min} to ${max}`);
  };
  number('cpus', 0.05, 64, (n) => (spec.cpus = n));
  number('memoryMb', 16, 65536, (n) => (spec.memoryBytes = Math.round(n * 1024 * 1024)));
  number('workMs', 0, 60_000, (n) => (spec.env['WORK_MS'] = String(Math.round(n))));
  if (problems.length > 0) throw new HttpError(400, 'invalid-spec', problems.join('; '));
  return spec;
}
