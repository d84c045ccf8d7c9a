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
}

export interface ClusterEvents {
  vmUp: [vm: VmRecord];
  vmDown: [vm: VmRecord, reason: string];
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

  vmUp(input: VmUpInput, now: number): VmRecord {
    const vm: VmRecord = {
      ...input,
      status: 'ready',
      connectedAt: now,
      downSince: null,
      downReason: null,
      lastReportAt: null,
      lastReportSeq: null,
      host: null,
      containers: [],
    };
    this.vms.set(vm.id, vm);
    this.emit('vmUp', vm);
    return vm;
  }

  /** Hot path: called for every report, so it only assigns fields. */
  applyReport(vm: VmRecord, report: ReportMessage, now: number): void {
    vm.lastReportAt = now;
    vm.lastReportSeq = report.seq;
    vm.host = report.host;
    vm.containers = report.containers;
  }

  vmDown(id: string, reason: string, now: number): void {
    const vm = this.vms.get(id);
    if (!vm || vm.status === 'down') return;
    vm.status = 'down';
    vm.downSince = now;
    vm.downReason = reason;
    this.emit('vmDown', vm, reason);
  }

  get(id: string): VmRecord | undefined {
    return this.vms.get(id);
  }

  list(): VmRecord[] {
    return [...this.vms.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  }
}
