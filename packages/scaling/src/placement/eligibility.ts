import type { PlacementExclusionReason, PlacementSettings, PlacementVmLoad } from './types';

/**
 * Float sums of limits such as 0.1 + 0.2 land a hair above the capacity they exactly fill; a millionth of a
 * core is far below any real limit, so it only absorbs that rounding.
 */
const CPU_EPSILON = 1e-6;

export interface Exclusion {
  reason: PlacementExclusionReason;
  detail: string;
}

/**
 * Why `load.vm` cannot take a container of `cpus` cores, or undefined when it can. Checked in the order of
 * PLACEMENT_EXCLUSION_REASONS, cheapest and most permanent first, so the log names the reason an operator
 * would act on.
 */
export function exclusionOf(
  load: PlacementVmLoad,
  cpus: number,
  avoid: ReadonlySet<string>,
  settings: Readonly<PlacementSettings>,
): Exclusion | undefined {
  const { vm } = load;
  if (vm.status !== 'ready') return { reason: 'not-ready', detail: `status ${vm.status}` };
  // Before draining: both keep containers off, but a runtime that stopped answering is the fault to fix.
  if (vm.dockerUp === false) return { reason: 'docker-down', detail: 'Docker Engine not answering' };
  if (vm.draining) return { reason: 'draining', detail: 'VM is draining' };
  if (avoid.has(vm.id)) return { reason: 'avoided', detail: 'avoided by the caller' };
  // Every container counts here, draining ones too: the agent refuses a start until they have exited.
  const held = vm.containers.length;
  if (held >= vm.maxContainers) {
    return { reason: 'max-containers', detail: `${held} of ${vm.maxContainers} containers` };
  }
  const limit = vm.cpuCapacity * settings.cpuOvercommit;
  if (load.committedCpus + cpus > limit + CPU_EPSILON) {
    const committed = `${round(load.committedCpus)} + ${round(cpus)} cores committed`;
    return { reason: 'cpu-committed', detail: `${committed} > ${round(vm.cpuCapacity)} × ${settings.cpuOvercommit}` };
  }
  if (settings.maxHostCpuPct < 100 && load.hostCpuPct !== undefined && load.hostCpuPct >= settings.maxHostCpuPct) {
    return { reason: 'cpu-busy', detail: `host CPU ${round(load.hostCpuPct)}% ≥ ${settings.maxHostCpuPct}%` };
  }
  return undefined;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
