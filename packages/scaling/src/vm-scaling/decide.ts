import type { VmScalingDecision, VmScalingSettings, VmScalingSnapshot, VmScalingVm } from './types';

/**
 * What to do about VMs now, with the reason in words. Pure: the same snapshot and settings always give
 * the same decision.
 *
 *   pending action ──► none (one VM action at a time)
 *   unmet replicas and every usable VM full or busy ──► start the first standby not backing off,
 *                                                       unless maxVms is reached
 *   no unmet replicas, a stoppable VM empty ≥ cool-down ──► stop the one empty longest,
 *                                                          unless that leaves fewer than minVms
 *
 * Starting wins over stopping: while the service is short, no VM is stopped, empty or not (an empty VM
 * next to unmet replicas is one that placement refused, and stopping it helps nothing).
 */
export function decideVmScaling(snapshot: VmScalingSnapshot, settings: VmScalingSettings): VmScalingDecision {
  const { now, pending } = snapshot;
  if (pending !== null) {
    return none(`${pending.kind === 'start' ? 'starting' : 'stopping'} ${pending.vm} (${seconds(now - pending.startedAt)} s ago); one VM action at a time`);
  }
  const ready = snapshot.vms.filter((vm) => vm.status === 'ready');
  if (snapshot.unmetReplicas > 0) return decideStart(snapshot, settings, ready);
  return decideStop(snapshot, settings, ready);
}

function decideStart(snapshot: VmScalingSnapshot, settings: VmScalingSettings, ready: readonly VmScalingVm[]): VmScalingDecision {
  const { now, unmetReplicas } = snapshot;
  // A VM whose Docker Engine is down is running but takes no container, as placement sees it too.
  const usable = ready.filter((vm) => !vm.draining && vm.dockerUp !== false);
  const roomy = usable.filter((vm) => !isSaturated(vm, settings));
  if (roomy.length > 0) {
    const names = roomy.map((vm) => vm.id).join(', ');
    return none(`${unmetReplicas} container(s) unplaced, but ${names} ${roomy.length === 1 ? 'is' : 'are'} below ${settings.cpuThresholdPct}% CPU and not full; no new VM`);
  }
  if (ready.length >= settings.maxVms) return none(`${unmetReplicas} container(s) unplaced and every VM is full or busy, but ${ready.length} VM(s) run already (maxVms ${settings.maxVms})`);
  if (snapshot.standby.length === 0) return none(`${unmetReplicas} container(s) unplaced and every VM is full or busy, but no standby VM is left to start`);
  const next = snapshot.standby.find((s) => s.backoffUntil === null || s.backoffUntil <= now);
  if (next === undefined) {
    const soonest = Math.min(...snapshot.standby.map((s) => s.backoffUntil ?? now));
    return none(`${unmetReplicas} container(s) unplaced; every standby VM is backing off after a failure (next try in ${seconds(soonest - now)} s)`);
  }
  return { action: 'start', vm: next.name, reason: `${unmetReplicas} container(s) unplaced and ${whyNoRoom(ready, usable, settings)}: starting ${next.name} (${ready.length + 1} of at most ${settings.maxVms} VMs)` };
}

function decideStop(snapshot: VmScalingSnapshot, settings: VmScalingSettings, ready: readonly VmScalingVm[]): VmScalingDecision {
  const { now } = snapshot;
  const idle = ready
    .filter((vm) => vm.stoppable && vm.containers === 0 && vm.emptySince !== null)
    .sort((a, b) => a.emptySince! - b.emptySince! || a.id.localeCompare(b.id, undefined, { numeric: true }));
  if (idle.length === 0) return none('no VM the provider manages stands empty');
  const longest = idle[0]!;
  const emptyMs = now - longest.emptySince!;
  if (emptyMs < settings.idleCooldownMs) return none(`${longest.id} empty for ${seconds(emptyMs)} s of a ${seconds(settings.idleCooldownMs)} s cool-down`);
  if (ready.length <= settings.minVms) return none(`${longest.id} empty for ${seconds(emptyMs)} s, but stopping it would leave fewer than minVms (${settings.minVms}) VMs`);
  return { action: 'stop', vm: longest.id, reason: `${longest.id} empty for ${seconds(emptyMs)} s (cool-down ${seconds(settings.idleCooldownMs)} s): stopping it (${ready.length - 1} VM(s) left)` };
}

/** Why none of the running VMs can take a container, naming each one that is full, busy or without Docker. */
function whyNoRoom(ready: readonly VmScalingVm[], usable: readonly VmScalingVm[], settings: VmScalingSettings): string {
  const dockerDown = ready.filter((vm) => vm.dockerUp === false).map((vm) => vm.id);
  const withoutDocker = dockerDown.length > 0 ? `Docker is down on ${dockerDown.join(', ')}` : '';
  if (usable.length === 0) return withoutDocker || 'no VM is ready';
  const saturated = `every ${withoutDocker ? 'other ' : ''}VM is full or at ≥ ${settings.cpuThresholdPct}% CPU (${usable.map(describe).join(', ')})`;
  return withoutDocker ? `${withoutDocker} and ${saturated}` : saturated;
}

/** Full, or too busy to take another container. A VM yet to report its CPU counts by its containers alone. */
function isSaturated(vm: VmScalingVm, settings: VmScalingSettings): boolean {
  return vm.containers >= vm.maxContainers || (vm.cpuPct !== null && vm.cpuPct >= settings.cpuThresholdPct);
}

function describe(vm: VmScalingVm): string {
  return `${vm.id} ${vm.containers}/${vm.maxContainers}${vm.cpuPct === null ? '' : ` ${Math.round(vm.cpuPct)}%`}`;
}

function none(reason: string): VmScalingDecision {
  return { action: 'none', reason };
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}
