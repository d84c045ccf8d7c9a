import { DEFAULT_PLACEMENT_SETTINGS, place, type PlacementStrategyName } from '../src/placement';
import { frozen, many, vm } from './placement-fixtures';
import type { PlacementVm } from '../src/placement';

const WEB = { service: 'web', cpus: 1 };

/** The eligible VMs in the order the strategy prefers them, with their scores. */
function ranking(strategy: PlacementStrategyName, snapshot: PlacementVm[], maxHostCpuPct = 90): Array<[string, number]> {
  const result = place(frozen(snapshot), WEB, { ...DEFAULT_PLACEMENT_SETTINGS, strategy, maxHostCpuPct });
  const eligible = result.candidates.flatMap((c) => (c.eligible ? [[c.vmId, c.score] as [string, number]] : []));
  expect(result.winner).toBe(eligible[0]?.[0]);
  return eligible;
}

describe('spread: fewest replicas of the service, then fewest containers, then least committed CPU, then id', () => {
  it.each<[string, PlacementVm[], Array<[string, number]>]>([
    [
      'fewest replicas of this service first',
      [vm('a', { containers: many('web', 2) }), vm('b', { containers: ['web'] }), vm('c')],
      [['c', 0], ['b', 1], ['a', 2]],
    ],
    [
      'other services do not count as replicas',
      [vm('a', { containers: many('api', 5) }), vm('b', { containers: ['web'] })],
      [['a', 0], ['b', 1]],
    ],
    [
      'equal replicas: fewest containers in total',
      [vm('a', { containers: ['web', 'api', 'db'] }), vm('b', { containers: ['web', 'api'] })],
      [['b', 1], ['a', 1]],
    ],
    [
      'equal counts: least committed CPU',
      [vm('a', { containers: [{ service: 'api', cpus: 2 }] }), vm('b', { containers: [{ service: 'api', cpus: 0.5 }] })],
      [['b', 0], ['a', 0]],
    ],
    [
      'committed CPU is a share of the VM: 3 of 8 cores beats 1.5 of 2',
      [
        vm('a', { cpuCapacity: 8, containers: [{ service: 'api', cpus: 2 }] }),
        vm('b', { cpuCapacity: 2, containers: [{ service: 'api', cpus: 0.5 }] }),
      ],
      [['a', 0], ['b', 0]],
    ],
    ['a full tie goes to the lowest id', [vm('vm-c'), vm('vm-a'), vm('vm-b')], [['vm-a', 0], ['vm-b', 0], ['vm-c', 0]]],
    [
      'draining replicas do not count: they are on their way out',
      [
        vm('a', { containers: [{ service: 'web', state: 'draining' }, { service: 'web', state: 'draining' }] }),
        vm('b', { containers: ['web'] }),
      ],
      [['a', 0], ['b', 1]],
    ],
    [
      'starting replicas count',
      [vm('a', { containers: [{ service: 'web', state: 'starting' }] }), vm('b')],
      [['b', 0], ['a', 1]],
    ],
    [
      'host CPU does not matter while it is below the limit',
      [vm('a', { hostCpuPct: 80 }), vm('b', { hostCpuPct: 5, containers: ['web'] })],
      [['a', 0], ['b', 1]],
    ],
  ])('%s', (_, snapshot, expected) => {
    expect(ranking('spread', snapshot)).toEqual(expected);
  });

  it('is the default', () => {
    expect(place([vm('a', { containers: ['web'] }), vm('b')], WEB)).toMatchObject({ strategy: 'spread', winner: 'b' });
  });
});

describe('binpack: most containers that still fit, then id', () => {
  it.each<[string, PlacementVm[], Array<[string, number]>]>([
    [
      'the fullest VM first, scored as minus its containers',
      [vm('a', { containers: ['web'] }), vm('b', { containers: ['web', 'api', 'db'] }), vm('c')],
      [['b', -3], ['a', -1], ['c', 0]],
    ],
    [
      'every service counts',
      [vm('a', { containers: ['web'] }), vm('b', { containers: many('api', 2) })],
      [['b', -2], ['a', -1]],
    ],
    [
      'a full VM is skipped for the next fullest',
      [vm('a', { maxContainers: 3, containers: many('api', 3) }), vm('b', { containers: ['api'] }), vm('c')],
      [['b', -1], ['c', 0]],
    ],
    [
      'a VM whose cores are all committed is skipped',
      [vm('a', { cpuCapacity: 2, containers: many('api', 2) }), vm('b', { containers: ['api'] })],
      [['b', -1]],
    ],
    ['a tie goes to the lowest id', [vm('b', { containers: ['api'] }), vm('a', { containers: ['db'] })], [['a', -1], ['b', -1]]],
    [
      'draining containers do not count',
      [
        vm('a', { containers: [{ service: 'api', state: 'draining' }, { service: 'db', state: 'draining' }] }),
        vm('b', { containers: ['api'] }),
      ],
      [['b', -1], ['a', 0]],
    ],
  ])('%s', (_, snapshot, expected) => {
    expect(ranking('binpack', snapshot)).toEqual(expected);
  });
});

describe('least-loaded: lowest reported host CPU (unknown last), then fewest containers, then id', () => {
  it.each<[string, PlacementVm[], Array<[string, number]>]>([
    [
      'lowest host CPU first, scored by it; unknown last, scored 100',
      [vm('a', { hostCpuPct: 50 }), vm('b', { hostCpuPct: 20 }), vm('c')],
      [['b', 20], ['a', 50], ['c', 100]],
    ],
    ['unknown ranks after a busy VM', [vm('a'), vm('b', { hostCpuPct: 89 })], [['b', 89], ['a', 100]]],
    [
      'equal CPU: fewest containers',
      [vm('a', { hostCpuPct: 30, containers: many('api', 2) }), vm('b', { hostCpuPct: 30, containers: ['api'] })],
      [['b', 30], ['a', 30]],
    ],
    [
      'all unknown: fewest containers, then id',
      [vm('c', { containers: ['api'] }), vm('b'), vm('a')],
      [['a', 100], ['b', 100], ['c', 100]],
    ],
    ['busy VMs are excluded, not just ranked last', [vm('a', { hostCpuPct: 95 }), vm('b', { hostCpuPct: 40 })], [['b', 40]]],
  ])('%s', (_, snapshot, expected) => {
    expect(ranking('least-loaded', snapshot)).toEqual(expected);
  });

  it('ranks unknown after a known 99.5% when maxHostCpuPct is 100', () => {
    expect(ranking('least-loaded', [vm('a'), vm('b', { hostCpuPct: 99.5 })], 100)).toEqual([
      ['b', 99.5],
      ['a', 100],
    ]);
  });
});
