import {
  DEFAULT_PLACEMENT_SETTINGS,
  place,
  type PlacementExclusionReason,
  type PlacementRequest,
  type PlacementSettings,
} from '../src/placement';
import { frozen, many, vm, type VmSpec } from './placement-fixtures';

const WEB: PlacementRequest = { service: 'web', cpus: 1 };

function settings(patch: Partial<PlacementSettings> = {}): PlacementSettings {
  return { ...DEFAULT_PLACEMENT_SETTINGS, ...patch };
}

describe('place: which VMs may take a container', () => {
  it.each<[string, VmSpec, Partial<PlacementRequest>, Partial<PlacementSettings>, PlacementExclusionReason | 'eligible']>([
    ['an idle ready VM', {}, {}, {}, 'eligible'],
    ['a down VM', { status: 'down' }, {}, {}, 'not-ready'],
    ['a VM still connecting', { status: 'connecting' }, {}, {}, 'not-ready'],
    ['a down VM that is also draining (the first reason is reported)', { status: 'down', draining: true }, {}, {}, 'not-ready'],
    ['a draining VM', { draining: true }, {}, {}, 'draining'],
    ['a VM whose Docker Engine is down', { dockerUp: false }, {}, {}, 'docker-down'],
    ['a VM whose Docker Engine answers', { dockerUp: true }, {}, {}, 'eligible'],
    ['a VM whose Docker state is unknown (an older agent)', { dockerUp: undefined }, {}, {}, 'eligible'],
    ['a down VM with Docker down (not-ready is reported)', { status: 'down', dockerUp: false }, {}, {}, 'not-ready'],
    ['a draining VM with Docker down (the fault is reported)', { draining: true, dockerUp: false }, {}, {}, 'docker-down'],
    ['an empty VM with Docker down, whatever its room', { dockerUp: false, maxContainers: 100, cpuCapacity: 64 }, {}, {}, 'docker-down'],
    ['an avoided VM', {}, { avoid: ['a'] }, {}, 'avoided'],
    ['an avoided VM that is also full (avoided is checked first)', { maxContainers: 0 }, { avoid: ['a'] }, {}, 'avoided'],
    ['a VM avoided by another request only', {}, { avoid: ['b'] }, {}, 'eligible'],
    ['a VM one below maxContainers', { maxContainers: 3, containers: many('web', 2) }, {}, {}, 'eligible'],
    ['a VM at maxContainers', { maxContainers: 2, containers: many('web', 2) }, {}, {}, 'max-containers'],
    ['a VM with maxContainers 0', { maxContainers: 0 }, {}, {}, 'max-containers'],
    ['maxContainers counts every service', { maxContainers: 2, containers: ['api', 'db'] }, {}, {}, 'max-containers'],
    [
      'maxContainers counts starting and draining containers',
      { maxContainers: 2, containers: [{ service: 'web', state: 'starting' }, { service: 'api', state: 'draining' }] },
      {},
      {},
      'max-containers',
    ],
    ['committed CPU exactly filled', { cpuCapacity: 2, containers: ['api'] }, {}, {}, 'eligible'],
    ['committed CPU over capacity', { cpuCapacity: 2, containers: ['api', 'web'] }, {}, {}, 'cpu-committed'],
    [
      'committed CPU counts draining containers',
      { cpuCapacity: 2, containers: ['api', { service: 'web', state: 'draining' }] },
      {},
      {},
      'cpu-committed',
    ],
    ['a request bigger than the VM', { cpuCapacity: 2 }, { cpus: 3 }, {}, 'cpu-committed'],
    ['overcommit 1.5 allows 3 cores on 2', { cpuCapacity: 2, containers: ['api', 'web'] }, {}, { cpuOvercommit: 1.5 }, 'eligible'],
    ['overcommit 1.5 still has a limit', { cpuCapacity: 2, containers: ['api', 'web', 'db'] }, {}, { cpuOvercommit: 1.5 }, 'cpu-committed'],
    [
      'fractional limits that exactly fill the VM (no float rounding)',
      { cpuCapacity: 0.3, containers: [{ service: 'a', cpus: 0.1 }, { service: 'b', cpus: 0.1 }] },
      { cpus: 0.1 },
      {},
      'eligible',
    ],
    ['a container with no limit on a fully committed VM', { cpuCapacity: 1, containers: ['api'] }, { cpus: 0 }, {}, 'eligible'],
    ['a VM with no cores', { cpuCapacity: 0 }, {}, {}, 'cpu-committed'],
    ['host CPU just below maxHostCpuPct', { hostCpuPct: 89.9 }, {}, { maxHostCpuPct: 90 }, 'eligible'],
    ['host CPU at maxHostCpuPct', { hostCpuPct: 90 }, {}, { maxHostCpuPct: 90 }, 'cpu-busy'],
    ['host CPU above maxHostCpuPct', { hostCpuPct: 97 }, {}, { maxHostCpuPct: 90 }, 'cpu-busy'],
    ['host CPU not reported yet', { hostCpuPct: undefined }, {}, { maxHostCpuPct: 90 }, 'eligible'],
    ['host CPU NaN (treated as unknown)', { hostCpuPct: NaN }, {}, { maxHostCpuPct: 90 }, 'eligible'],
    ['host CPU below a raised maxHostCpuPct', { hostCpuPct: 92 }, {}, { maxHostCpuPct: 95 }, 'eligible'],
    ['host CPU above a lowered maxHostCpuPct', { hostCpuPct: 60 }, {}, { maxHostCpuPct: 50 }, 'cpu-busy'],
    ['committed CPU is checked before host CPU', { cpuCapacity: 1, hostCpuPct: 99, containers: ['api'] }, {}, { maxHostCpuPct: 90 }, 'cpu-committed'],
    ['by default (100) a fully busy host still takes containers', { hostCpuPct: 100 }, {}, {}, 'eligible'],
  ])('%s', (_, spec, request, patch, expected) => {
    const result = place(frozen([vm('a', spec)]), { ...WEB, ...request }, settings(patch));
    const [candidate] = result.candidates;
    if (expected === 'eligible') {
      expect(result.winner).toBe('a');
      expect(candidate).toMatchObject({ vmId: 'a', eligible: true, rank: 1 });
    } else {
      expect(result.winner).toBeUndefined();
      expect(candidate).toMatchObject({ vmId: 'a', eligible: false, reason: expected });
    }
  });

  it.each([
    ['max-containers', { maxContainers: 2, containers: many('web', 2) }, '2 of 2 containers'],
    ['cpu-committed', { cpuCapacity: 2, containers: ['api', 'web'] }, '2 + 1 cores committed > 2 × 1'],
    ['cpu-busy', { hostCpuPct: 93.25 }, 'host CPU 93.25% ≥ 90%'],
    ['not-ready', { status: 'down' }, 'status down'],
    ['docker-down', { dockerUp: false }, 'Docker Engine not answering'],
  ])('explains %s with the numbers behind it', (reason, spec, detail) => {
    expect(place([vm('a', spec)], WEB, settings({ maxHostCpuPct: 90 })).candidates[0]).toEqual({ vmId: 'a', eligible: false, reason, detail });
  });

  it('lists every VM: eligible ones by rank, then excluded ones in snapshot order', () => {
    const snapshot = [
      vm('d', { status: 'down' }),
      vm('b', { containers: ['web'] }),
      vm('x', { draining: true }),
      vm('a', { containers: many('web', 2) }),
      vm('c'),
    ];
    expect(place(snapshot, WEB).candidates).toEqual([
      { vmId: 'c', eligible: true, score: 0, rank: 1 },
      { vmId: 'b', eligible: true, score: 1, rank: 2 },
      { vmId: 'a', eligible: true, score: 2, rank: 3 },
      { vmId: 'd', eligible: false, reason: 'not-ready', detail: 'status down' },
      { vmId: 'x', eligible: false, reason: 'draining', detail: 'VM is draining' },
    ]);
  });

  it('excludes avoided VMs strictly, even when no other VM can take the container', () => {
    const result = place([vm('a'), vm('b', { status: 'down' })], { ...WEB, avoid: ['a'] });
    expect(result.winner).toBeUndefined();
    expect(result.candidates.map((c) => !c.eligible && c.reason)).toEqual(['avoided', 'not-ready']);
  });

  it('places on the VM whose Docker answers even when the one with Docker down would win the strategy', () => {
    const snapshot = [vm('a', { dockerUp: false }), vm('b', { containers: many('web', 3) })];
    const result = place(frozen(snapshot), WEB);
    expect(result.winner).toBe('b');
    expect(result.candidates).toEqual([
      { vmId: 'b', eligible: true, score: 3, rank: 1 },
      { vmId: 'a', eligible: false, reason: 'docker-down', detail: 'Docker Engine not answering' },
    ]);
  });

  it('retries a failed start elsewhere by avoiding the VM it failed on', () => {
    const snapshot = [vm('a'), vm('b', { containers: ['api'] })];
    expect(place(snapshot, WEB).winner).toBe('a');
    expect(place(snapshot, { ...WEB, avoid: ['a'] }).winner).toBe('b');
  });

  it.each<[string, VmSpec[]]>([
    ['an empty snapshot', []],
    ['only down, draining and full VMs', [{ status: 'down' }, { draining: true }, { maxContainers: 1, containers: ['api'] }]],
    ['only VMs whose Docker Engine is down', [{ dockerUp: false }, { dockerUp: false, containers: ['web'] }]],
    ['only VMs whose cores are all committed', [{ cpuCapacity: 0.5, containers: ['api'] }, { cpuCapacity: 0, containers: [] }]],
  ])('returns no winner, without throwing, for %s', (_, specs) => {
    const snapshot = specs.map((spec, i) => vm(`vm${i}`, spec));
    const result = place(frozen(snapshot), WEB);
    expect(result.winner).toBeUndefined();
    expect(result.candidates).toHaveLength(snapshot.length);
    expect(result.candidates.every((c) => !c.eligible)).toBe(true);
  });

  it.each([-1, NaN, Infinity])('rejects a request for %p cores', (cpus) => {
    expect(() => place([vm('a')], { service: 'web', cpus })).toThrow(RangeError);
  });
});
