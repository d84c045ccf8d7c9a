import { EventEmitter } from 'node:events';
import type { Capacity, ContainerReport, Endpoint, HostUsage, ReportMessage } from '@acs/protocol';

export type VmStatus = 'ready' | 'down';

/** What the VIM knows of one VM, built only from its agent's hello and reports. */
export interface VmRecord {
  id: string;
  hostname: string;
  agentVersion: string;
  /** Peer address of the agent's connection. */
  address: string;
  status: VmStatus;
  capacity: Capacity;
  front: Endpoint | null;
  connectedAt: number;
  /** When it went down, and why; null while ready. */
  downSince: number | null;
  downReason: string | null;
  lastReportAt: number | null;
  lastReportSeq: number | null;
  host: HostUsage | null;
  containers: ContainerReport[];
  /** From the last report: whether the agent's Docker Engine answers; null before one, or from an older agent. */
  dockerUp: boolean | null;
  /** From the last report: tier-2 requests waiting for a free container; null before one, or from an older agent. */
  queued: number | null;
}

export interface ClusterEvents {
  vmUp: [vm: VmRecord];
  vmDown: [vm: VmRecord, reason: string];
  /**
   * The VM's Docker Engine stopped (`up` false) or resumed answering its agent, by its reports. A VM whose
   * first report ever says up is not a change; one whose first report says down is.
   */
  dockerChanged: [vm: VmRecord, up: boolean];
}

export interface VmUpInput {
  id: string;
  hostname: string;
  agentVersion: string;
  address: string;
  capacity: Capacity;
  front: Endpoint | null;
}

/**
 * The cluster view: one record per VM ever seen in this VIM's life. The session layer writes it;
 * the admin API (and later the balancer and autoscaler) read it. VMs that go down stay listed as
 * `down`, so an operator sees what was lost.
 */
export class ClusterState extends EventEmitter<ClusterEvents> {
  private readonly vms = new Map<string, VmRecord>();
  /**
   * Ready VMs that have not reported yet, kept as a count: the control loops ask before every period, and
   * a scan per VM that joined made connecting 10,000 agents quadratic (bench/agents.ts).
   */
  private unreported = 0;
  /**
   * The last Docker state each VM reported, kept across reconnects (a new session starts its record at
   * null): an engine still down after the agent reconnects is no news, one that came back meanwhile is.
   */
  private readonly lastDockerUp = new Map<string, boolean>();

  vmUp(input: VmUpInput, now: number): VmRecord {
    const previous = this.vms.get(input.id);
    if (previous && isUnreported(previous)) this.unreported--;
    const vm: VmRecord = {
      ...input,
      status: 'ready',
      connectedAt: now,
      downSince: null,
      downReason: null,
      lastReportAt: null,
      lastReportSeq: null,
      dockerUp: null,
      queued: null,
      host: null,
      containers: [],
    };
    this.vms.set(vm.id, vm);
    this.unreported++;
    this.emit('vmUp', vm);
    return vm;
  }

  /**
   * Hot path, once per report. The report is copied into the VM's own objects in place instead of
   * being kept: keeping each decoded report for a second made every one survive young-generation GC and
   * cost ~10 points of a core at 10,000 agents (bench/agents.ts); copied, the decoded report dies young.
   */
  applyReport(vm: VmRecord, report: ReportMessage, now: number): void {
    if (isUnreported(vm) && this.vms.get(vm.id) === vm) this.unreported--;
    vm.lastReportAt = now;
    vm.lastReportSeq = report.seq;
    if (vm.host === null) vm.host = { ...report.host };
    else copyHostUsage(vm.host, report.host);
    syncContainers(vm.containers, report.containers);
    vm.dockerUp = report.dockerUp ?? null;
    vm.queued = report.queued ?? null;
    if (report.dockerUp !== undefined) this.noteDocker(vm, report.dockerUp);
  }

  private noteDocker(vm: VmRecord, up: boolean): void {
    const before = this.lastDockerUp.get(vm.id);
    if (before === up) return;
    this.lastDockerUp.set(vm.id, up);
    if (before === undefined && up) return;
    this.emit('dockerChanged', vm, up);
  }

  /**
   * Applies the outcome of a command before the agent's next report confirms it, so the API reads its
   * own writes: a started container is listed as starting, a stopped one disappears. The next report
   * replaces the list either way.
   */
  containerStarted(vmId: string, container: ContainerReport): void {
    const vm = this.vms.get(vmId);
    if (vm && !vm.containers.some((c) => c.id === container.id)) vm.containers.push({ ...container });
  }

  /**
   * A stop was sent (`draining` true): tier 1 stops counting the container at once instead of after the
   * agent's next report. Called with false when the stop failed, so the next report tells the truth.
   */
  containerDraining(vmId: string, containerId: string, draining = true): void {
    const container = this.vms.get(vmId)?.containers.find((c) => c.id === containerId);
    if (!container) return;
    container.draining = draining;
    if (draining) container.ready = false;
  }

  containerStopped(vmId: string, containerId: string): void {
    const vm = this.vms.get(vmId);
    if (!vm) return;
    const index = vm.containers.findIndex((c) => c.id === containerId);
    if (index >= 0) vm.containers.splice(index, 1);
  }

  vmDown(id: string, reason: string, now: number): void {
    const vm = this.vms.get(id);
    if (!vm || vm.status === 'down') return;
    if (isUnreported(vm)) this.unreported--;
    vm.status = 'down';
    vm.downSince = now;
    vm.downReason = reason;
    this.emit('vmDown', vm, reason);
  }

  /** Whether a ready VM has yet to send its first report: it may run containers nobody can see yet. */
  anyReadyUnreported(): boolean {
    return this.unreported > 0;
  }

  get(id: string): VmRecord | undefined {
    return this.vms.get(id);
  }

  /** Every VM in no particular order: for hot paths, which must not pay for sorting. */
  all(): IterableIterator<VmRecord> {
    return this.vms.values();
  }

  /** Every VM, sorted by id (numbers in ids compared as numbers): for people. */
  list(): VmRecord[] {
    return [...this.vms.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  }
}

function isUnreported(vm: VmRecord): boolean {
  return vm.status === 'ready' && vm.lastReportAt === null;
}

function copyHostUsage(into: HostUsage, from: HostUsage): void {
  into.cpuPct = from.cpuPct;
  into.memUsedBytes = from.memUsedBytes;
  into.memTotalBytes = from.memTotalBytes;
  into.load1 = from.load1;
}

/** Updates `current` to match `incoming`, reusing each entry (and its strings) while the ids line up. */
function syncContainers(current: ContainerReport[], incoming: readonly ContainerReport[]): void {
  if (current.length > incoming.length) current.length = incoming.length;
  for (let i = 0; i < incoming.length; i++) {
    const from = incoming[i]!;
    const into = current[i];
    if (into === undefined || into.id !== from.id) {
      current[i] = { ...from };
      continue;
    }
    // Strings are stored only when they change, so an unchanged name keeps its old (tenured) copy.
    if (into.name !== from.name) into.name = from.name;
    if (into.service !== from.service) into.service = from.service;
    if (into.state !== from.state) into.state = from.state;
    // Draining is one-way on the agent: a report built before it got our stop must not undo the mark
    // containerDraining set when the stop was sent.
    into.draining = from.draining || into.draining;
    into.ready = from.ready && !into.draining;
    into.cpuPct = from.cpuPct;
    into.memBytes = from.memBytes;
    into.inflight = from.inflight;
    into.requestsTotal = from.requestsTotal;
    into.hostPort = from.hostPort;
    into.errorsTotal = from.errorsTotal;
    into.inflightLimit = from.inflightLimit;
    if (from.latencyMs === undefined) into.latencyMs = undefined;
    else if (into.latencyMs === undefined) into.latencyMs = { ...from.latencyMs };
    else {
      into.latencyMs.p50 = from.latencyMs.p50;
      into.latencyMs.p99 = from.latencyMs.p99;
      into.latencyMs.count = from.latencyMs.count;
    }
  }
}
