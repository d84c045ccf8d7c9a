import { decideVmScaling, vmScalingSettingsProblems, type VmScalingDecision, type VmScalingSettings, type VmScalingSnapshot, type VmScalingVm } from '../src/vm-scaling';

const NOW = 1_000_000;
const SETTINGS: VmScalingSettings = { minVms: 1, maxVms: 4, cpuThresholdPct: 80, idleCooldownMs: 60_000 };

function vm(id: string, fields: Partial<VmScalingVm> = {}): VmScalingVm {
  return { id, status: 'ready', draining: false, dockerUp: true, cpuPct: 20, containers: 1, maxContainers: 2, emptySince: null, stoppable: false, ...fields };
}
const full = (id: string, fields: Partial<VmScalingVm> = {}): VmScalingVm => vm(id, { containers: 2, ...fields });
const empty = (id: string, emptyForMs: number, fields: Partial<VmScalingVm> = {}): VmScalingVm => vm(id, { containers: 0, emptySince: NOW - emptyForMs, stoppable: true, ...fields });

function snapshot(fields: Partial<VmScalingSnapshot>): VmScalingSnapshot {
  return { now: NOW, vms: [], unmetReplicas: 0, standby: [{ name: 'vmm3', backoffUntil: null }, { name: 'vmm4', backoffUntil: null }], pending: null, ...fields };
}

/** `action vm` or `none`, which reads well in a table. */
function short(decision: VmScalingDecision): string {
  return decision.action === 'none' ? 'none' : `${decision.action} ${decision.vm}`;
}

describe('decideVmScaling', () => {
  it.each<[string, Partial<VmScalingSnapshot>, Partial<VmScalingSettings>, string, RegExp]>([
    ['every VM full and replicas unmet: start the first standby', { vms: [full('vmm1'), full('vmm2')], unmetReplicas: 1 }, {}, 'start vmm3', /1 container\(s\) unplaced.*every VM is full.*vmm1 2\/2/],
    ['every VM busy (CPU at the threshold) though not full: start', { vms: [vm('vmm1', { cpuPct: 80 }), full('vmm2')], unmetReplicas: 2 }, {}, 'start vmm3', /≥ 80% CPU/],
    ['a VM with room and low CPU: no new VM', { vms: [full('vmm1'), vm('vmm2')], unmetReplicas: 1 }, {}, 'none', /vmm2 is below 80% CPU and not full/],
    ['a VM yet to report CPU but with room counts as room', { vms: [full('vmm1'), vm('vmm2', { cpuPct: null })], unmetReplicas: 1 }, {}, 'none', /vmm2 is below/],
    ['a draining VM is not room', { vms: [full('vmm1'), vm('vmm2', { draining: true, containers: 0 })], unmetReplicas: 1 }, {}, 'start vmm3', /starting vmm3/],
    ['a down VM is not room', { vms: [full('vmm1'), vm('vmm2', { status: 'down', containers: 0 })], unmetReplicas: 1 }, {}, 'start vmm3', /starting vmm3/],
    ['a VM with Docker down is not room, however empty', { vms: [full('vmm1'), vm('vmm2', { dockerUp: false, containers: 0 })], unmetReplicas: 1 }, {}, 'start vmm3', /Docker is down on vmm2 and every other VM is full or at ≥ 80% CPU \(vmm1 2\/2 20%\): starting vmm3/],
    ['the only VM with Docker down: start, saying why', { vms: [vm('vmm1', { dockerUp: false, containers: 0 })], unmetReplicas: 1 }, {}, 'start vmm3', /unplaced and Docker is down on vmm1: starting vmm3/],
    ['a VM whose Docker state is unknown (older agent) counts as room', { vms: [full('vmm1'), vm('vmm2', { dockerUp: null })], unmetReplicas: 1 }, {}, 'none', /vmm2 is below/],
    ['a VM with Docker down still counts towards maxVms', { vms: [full('vmm1'), vm('vmm2', { dockerUp: false })], unmetReplicas: 1 }, { maxVms: 2 }, 'none', /maxVms 2/],
    ['no ready VM at all and replicas unmet: start', { vms: [], unmetReplicas: 1 }, {}, 'start vmm3', /no VM is ready/],
    ['nothing unmet: no new VM even when all are full', { vms: [full('vmm1'), full('vmm2')], unmetReplicas: 0 }, {}, 'none', /no VM the provider manages stands empty/],
    ['maxVms reached', { vms: [full('vmm1'), full('vmm2')], unmetReplicas: 1 }, { maxVms: 2 }, 'none', /maxVms 2/],
    ['no standby left', { vms: [full('vmm1')], unmetReplicas: 1, standby: [] }, {}, 'none', /no standby VM is left/],
    ['the first standby backing off: the next one', { vms: [full('vmm1')], unmetReplicas: 1, standby: [{ name: 'vmm3', backoffUntil: NOW + 5000 }, { name: 'vmm4', backoffUntil: null }] }, {}, 'start vmm4', /starting vmm4/],
    ['a backoff that has passed no longer counts', { vms: [full('vmm1')], unmetReplicas: 1, standby: [{ name: 'vmm3', backoffUntil: NOW }] }, {}, 'start vmm3', /starting vmm3/],
    ['every standby backing off', { vms: [full('vmm1')], unmetReplicas: 1, standby: [{ name: 'vmm3', backoffUntil: NOW + 4000 }, { name: 'vmm4', backoffUntil: NOW + 9000 }] }, {}, 'none', /next try in 4 s/],
    ['an action in flight: wait', { vms: [full('vmm1')], unmetReplicas: 1, pending: { kind: 'start', vm: 'vmm3', startedAt: NOW - 12_000 } }, {}, 'none', /starting vmm3 \(12 s ago\); one VM action at a time/],
    ['a stop in flight blocks a stop too', { vms: [vm('vmm1'), empty('vmm3', 120_000)], pending: { kind: 'stop', vm: 'vmm4', startedAt: NOW } }, {}, 'none', /stopping vmm4/],
    ['empty past the cool-down: stop', { vms: [vm('vmm1'), empty('vmm3', 60_000)] }, {}, 'stop vmm3', /vmm3 empty for 60 s \(cool-down 60 s\): stopping it \(1 VM\(s\) left\)/],
    ['empty within the cool-down: keep', { vms: [vm('vmm1'), empty('vmm3', 59_000)] }, {}, 'none', /vmm3 empty for 59 s of a 60 s cool-down/],
    ['the one empty longest goes first', { vms: [vm('vmm1'), empty('vmm3', 70_000), empty('vmm4', 90_000)] }, {}, 'stop vmm4', /vmm4/],
    ['an empty VM the provider does not manage is kept', { vms: [vm('vmm1'), empty('vmm2', 600_000, { stoppable: false })] }, {}, 'none', /no VM the provider manages/],
    ['never below minVms', { vms: [vm('vmm1'), empty('vmm3', 600_000)] }, { minVms: 2 }, 'none', /fewer than minVms \(2\)/],
    ['the last VM may go when minVms is 0', { vms: [empty('vmm3', 600_000)] }, { minVms: 0 }, 'stop vmm3', /0 VM\(s\) left/],
    ['a down VM is not stopped', { vms: [vm('vmm1'), empty('vmm3', 600_000, { status: 'down' })] }, {}, 'none', /no VM the provider manages/],
    ['no VM is stopped while replicas are unmet', { vms: [full('vmm1'), empty('vmm3', 600_000, { cpuPct: 95 })], unmetReplicas: 1 }, { maxVms: 2 }, 'none', /maxVms 2/],
  ])('%s', (_name, fields, settings, expected, reason) => {
    const decision = decideVmScaling(snapshot(fields), { ...SETTINGS, ...settings });
    expect(short(decision)).toBe(expected);
    expect(decision.reason).toMatch(reason);
  });
});

describe('vmScalingSettingsProblems', () => {
  it.each<[string, Partial<VmScalingSettings>, string[]]>([
    ['valid settings', {}, []],
    ['maxVms 0', { maxVms: 0 }, ['maxVms']],
    ['a fractional minVms', { minVms: 1.5 }, ['minVms']],
    ['minVms above maxVms', { minVms: 5, maxVms: 3 }, ['minVms']],
    ['a threshold of 0 and above 100 and a negative cool-down', { cpuThresholdPct: 0, idleCooldownMs: -1 }, ['idleCooldownMs', 'cpuThresholdPct']],
    ['a threshold above 100', { cpuThresholdPct: 101 }, ['cpuThresholdPct']],
  ])('%s', (_name, fields, paths) => {
    expect(vmScalingSettingsProblems({ ...SETTINGS, ...fields }).map((p) => p.path)).toEqual(paths);
  });
});
