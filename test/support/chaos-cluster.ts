import type { ClusterResponse, ContainerListResponse, EventListResponse, EventView, ServiceView, VmListResponse } from '@acs/api-types';
import { removeAgentContainers } from './docker';
import { callApi, eventually, getJson, startVimProcess, startVmmProcess, type ApiAnswer, type VimProcess } from './lab';
import { OpenLoop } from './open-loop';
import { ProcessGroup, type Daemon } from './processes';

export interface ChaosClusterOptions {
  /** Prefix of the agent ids (unique per run), e.g. `ch1234`. */
  run: string;
  vms: number;
  maxContainers?: number;
  /** Extra VIM flags, e.g. a scaling policy. */
  vimArgs?: string[];
}

type ContainerRow = ContainerListResponse['containers'][number];

/**
 * A VIM (reconcile on, default report interval and heartbeat timeout) and N VMMs on loopback, with the
 * reads the chaos tests share. Everything it starts is removed by `cleanup()`, also on failure.
 */
export class ChaosCluster {
  readonly group = new ProcessGroup();
  readonly vmIds: string[];
  readonly agents = new Map<string, Daemon>();
  vim!: VimProcess;
  private dataDir = '';

  constructor(private readonly options: ChaosClusterOptions) {
    this.vmIds = Array.from({ length: options.vms }, (_, i) => `${options.run}-${String.fromCharCode(97 + i)}`);
  }

  async start(): Promise<void> {
    await this.startVim();
    for (const id of this.vmIds) this.startAgent(id);
    await this.waitForVms(this.vmIds.length, 20_000);
  }

  /** Starts (or restarts, on the same data dir and ports) the VIM. */
  async startVim(ports?: { agentPort: number; httpPort: number; adminPort: number }): Promise<VimProcess> {
    if (!this.dataDir) this.dataDir = this.group.tempDir('acs-chaos-');
    this.vim = await startVimProcess(this.group, {
      dataDir: this.dataDir,
      reconcile: true,
      ...(ports ?? {}),
      args: ['--scaling-policy', JSON.stringify({ controlPeriodMs: 500 }), '--startup-grace-ms', '15000', ...(this.options.vimArgs ?? [])],
    });
    return this.vim;
  }

  /** Starts an agent; `vimPort` points it somewhere else than the VIM's agent port (a relay). */
  startAgent(id: string, options: { vimPort?: number; args?: string[] } = {}): Daemon {
    const vim = options.vimPort === undefined ? this.vim : { ...this.vim, agentPort: options.vimPort };
    const daemon = startVmmProcess(this.group, vim, id, ['--max-containers', String(this.options.maxContainers ?? 4), '--stop-grace-seconds', '2', ...(options.args ?? [])]);
    this.agents.set(id, daemon);
    return daemon;
  }

  async waitForVms(count: number, timeoutMs: number): Promise<void> {
    await eventually(async () => (await this.vms()).filter((v) => v.status === 'ready').length === count, timeoutMs, `${count} ready VMs`);
  }

  load(ratePerSecond: number, maxSeconds: number): OpenLoop {
    return new OpenLoop({ url: `http://127.0.0.1:${this.vim.httpPort}/work?ms=5`, ratePerSecond, maxSeconds });
  }

  api(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return callApi(this.vim.api, method, path, body);
  }

  async scale(replicas: number): Promise<void> {
    const answer = await this.api('POST', '/api/v1/services/web/scale', { replicas });
    if (answer.status !== 200) throw new Error(`scale to ${replicas} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }

  async vms(): Promise<VmListResponse['vms']> {
    return (await getJson<VmListResponse>(`${this.vim.api}/api/v1/vms`)).vms;
  }

  async service(): Promise<ServiceView> {
    const { services } = await getJson<ClusterResponse>(`${this.vim.api}/api/v1/cluster`);
    return services.find((s) => s.name === 'web')!;
  }

  /** Web containers on ready VMs, as the VIM sees them. */
  async containers(): Promise<ContainerRow[]> {
    const { containers } = await getJson<ContainerListResponse>(`${this.vim.api}/api/v1/containers`);
    return containers.filter((c) => c.service === 'web');
  }

  async readyPerVm(): Promise<Record<string, number>> {
    const out: Record<string, number> = Object.fromEntries(this.vmIds.map((vm) => [vm, 0]));
    for (const c of await this.containers()) if (c.ready && !c.draining) out[c.vm] = (out[c.vm] ?? 0) + 1;
    return out;
  }

  /** Waits until exactly `replicas` containers are ready, none starting or draining, and desired agrees. */
  async waitForSteady(replicas: number, timeoutMs: number): Promise<void> {
    await eventually(async () => {
      const all = await this.containers();
      const service = await this.service();
      return all.length === replicas && all.every((c) => c.ready && !c.draining) && service.desired === replicas;
    }, timeoutMs, `${replicas} ready containers and nothing else`, 200);
  }

  async lastEventId(): Promise<number> {
    return (await getJson<EventListResponse>(`${this.vim.api}/api/v1/events?limit=1`)).lastId;
  }

  async events(kind: string, since: number): Promise<EventView[]> {
    return (await getJson<EventListResponse>(`${this.vim.api}/api/v1/events?kind=${kind}&since=${since}&limit=1000`)).events;
  }

  async cleanup(extraAgentIds: string[] = []): Promise<void> {
    await this.group.cleanup();
    removeAgentContainers([...this.vmIds, ...extraAgentIds]);
  }
}

