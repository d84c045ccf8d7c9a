import type { VmListResponse } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { age, bytes, pct, table, vmStatus } from '../format';

export async function vmsCommand(client: AdminClient, options: { json?: boolean }, out: (text: string) => void): Promise<void> {
  const response = await client.get<VmListResponse>('/api/v1/vms');
  if (options.json) {
    out(JSON.stringify(response, null, 2));
    return;
  }
  if (response.vms.length === 0) {
    out('No VMs have connected yet. Start an agent: acs-vmm --vim <host:port> --secret-file <file>');
    return;
  }
  const rows = response.vms.map((vm) => [
    vm.id,
    vmStatus(vm),
    vm.address,
    pct(vm.host?.cpuPct),
    vm.host ? `${bytes(vm.host.memUsedBytes)}/${bytes(vm.host.memTotalBytes)}` : '-',
    vm.host ? vm.host.load1.toFixed(2) : '-',
    `${vm.containers.length}/${vm.capacity.maxContainers}`,
    String(vm.traffic.inflight),
    vm.queued === null ? '-' : String(vm.queued),
    vm.traffic.requestsPerSecond.toFixed(1),
    String(vm.traffic.errors),
    age(vm.lastReportAgeMs),
  ]);
  out(table(['ID', 'STATUS', 'ADDRESS', 'CPU', 'MEMORY', 'LOAD', 'CONTAINERS', 'INFLIGHT', 'QUEUED', 'REQ/S', 'ERRORS', 'LAST REPORT'], rows));
}
