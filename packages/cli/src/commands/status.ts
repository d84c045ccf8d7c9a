import type { ClusterResponse, ServiceView, VmScalingView } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { age, pct, since, table, vmStatus } from '../format';

export async function statusCommand(client: AdminClient, options: { json?: boolean }, out: (text: string) => void): Promise<void> {
  // Asked together, so the status is one moment. Older VIMs have no VM scaling: the status is complete without it.
  const [cluster, vmScaling] = await Promise.all([
    client.get<ClusterResponse>('/api/v1/cluster'),
    options.json ? undefined : client.get<VmScalingView>('/api/v1/vm-scaling').catch(() => undefined),
  ]);
  if (options.json) {
    out(JSON.stringify(cluster, null, 2));
    return;
  }
  out([render(cluster, Date.now()), ...(vmScaling ? [vmScalingLine(vmScaling)] : [])].filter((b) => b !== '').join('\n\n'));
}

/** One line: the provider, its VMs' states, what is under way, and the last reason. Empty when off. */
function vmScalingLine(view: VmScalingView): string {
  if (view.provider === 'off') return '';
  const vms = view.vms.map((vm) => `${vm.name} ${vm.state}`).join(', ');
  const underWay = view.inProgress ? `; ${view.inProgress.action === 'start' ? 'starting' : 'stopping'} ${view.inProgress.vm} for ${age(view.inProgress.ageMs)}` : '';
  const last = view.lastDecision ? `; ${view.lastDecision.reason}` : '';
  return `VM scaling (${view.provider} provider): ${vms}${underWay}${last}`;
}

/** Services first (what the autoscaler wants and why), then the VMs they run on. */
function render(cluster: ClusterResponse, now: number): string {
  const blocks: string[] = [];
  if (cluster.services.length === 0) {
    blocks.push('No services.');
  } else {
    const rows = cluster.services.map((s) => [
      s.name,
      String(s.desired),
      String(s.ready),
      String(s.starting),
      String(s.draining),
      s.autoscale ? 'on' : 'off',
      s.strategy,
      `${s.minReplicas}-${s.maxReplicas}`,
      s.placement,
    ]);
    const services = table(['SERVICE', 'DESIRED', 'READY', 'STARTING', 'DRAINING', 'AUTOSCALE', 'STRATEGY', 'MIN-MAX', 'PLACEMENT'], rows);
    blocks.push([services, ...cluster.services.map((s) => decisionLine(s, now))].join('\n'));
  }
  if (cluster.vms.length === 0) {
    blocks.push('No VMs have connected yet. Start an agent: acs-vmm --vim <host:port> --secret-file <file>');
  } else {
    const rows = cluster.vms.map((vm) => [
      vm.id,
      vmStatus(vm),
      vm.draining ? 'yes' : 'no',
      `${vm.containers}/${vm.maxContainers}`,
      String(vm.ready),
      pct(vm.cpuPct ?? undefined),
      vm.requestsPerSecond.toFixed(1),
    ]);
    blocks.push(table(['VM', 'STATUS', 'DRAINING', 'CONTAINERS', 'READY', 'CPU', 'REQ/S'], rows));
  }
  return blocks.join('\n\n');
}

/** Without autoscale the last decision is history, not what sets the count: say which one rules. */
function decisionLine(s: ServiceView, now: number): string {
  const pinned = s.autoscale ? '' : ` (autoscale off: pinned at ${s.desired} until \`acs autoscale on\`)`;
  const d = s.lastDecision;
  // Older VIMs do not send actionsInProgress.
  const actions = (s.actionsInProgress ?? []).map((a) => `${a.kind} for ${age(a.ageMs)}`);
  const underWay = actions.length > 0 ? `; under way: ${actions.join(', ')}` : '';
  if (d === null) return `${s.name}: no autoscaling decision yet${pinned}${underWay}`;
  return `${s.name}: last decision ${age(since(d.at, now))} ago chose ${d.desired} (${d.reason}): ${d.summary}${pinned}${underWay}`;
}
