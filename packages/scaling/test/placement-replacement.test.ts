import {
  chooseVictims,
  containersNeedingReplacement,
  countServiceReplicas,
  placeMany,
  releasableFromDrainingVms,
  type PlacementVm,
  type ServiceReplicaCounts,
} from '../src/placement';
import { frozen, many, vm, type ContainerSpec } from './placement-fixtures';

const starting = { service: 'web', state: 'starting' } as const;
const draining = { service: 'web', state: 'draining' } as const;

describe('countServiceReplicas', () => {
  it.each<[string, PlacementVm[], Partial<ServiceReplicaCounts>]>([
    [
      'ready and starting on usable VMs',
      [vm('a', { containers: ['web', starting] }), vm('b', { containers: ['web'] })],
      { ready: 2, starting: 1, usable: 3 },
    ],
    ['draining containers count nowhere', [vm('a', { containers: [draining, 'web'] })], { ready: 1, usable: 1, onDrainingVms: 0 }],
    ['other services count nowhere', [vm('a', { containers: ['api', 'api'] })], { usable: 0 }],
    ['replicas on a draining VM', [vm('a', { draining: true, containers: ['web', starting] })], { usable: 0, onDrainingVms: 2 }],
    [
      'replicas on a VM that is down (and draining)',
      [vm('a', { status: 'down', draining: true, containers: ['web'] })],
      { usable: 0, onDrainingVms: 0, onDownVms: 1 },
    ],
    [
      'replicas on a VM whose Docker is down still count: they are not moved for that alone',
      [vm('a', { dockerUp: false, containers: ['web', starting] })],
      { ready: 1, starting: 1, usable: 2, onDrainingVms: 0, onDownVms: 0 },
    ],
  ])('%s', (_, snapshot, expected) => {
    expect(countServiceReplicas(frozen(snapshot), 'web')).toMatchObject(expected);
  });
});

describe('containersNeedingReplacement', () => {
  it('lists replicas on down VMs, then on draining ones, never draining containers or other services', () => {
    const snapshot = [
      vm('ok', { containers: ['web'] }),
      vm('drain', { draining: true, containers: ['web', 'api', draining] }),
      vm('gone', { status: 'down', containers: ['web', { service: 'web', state: 'starting' }] }),
      vm('new', { status: 'connecting', containers: ['web'] }),
    ];
    expect(containersNeedingReplacement(frozen(snapshot), 'web')).toEqual([
      { containerId: 'gone/web1', vmId: 'gone', state: 'ready', reason: 'vm-down' },
      { containerId: 'gone/web2', vmId: 'gone', state: 'starting', reason: 'vm-down' },
      { containerId: 'new/web1', vmId: 'new', state: 'ready', reason: 'vm-down' },
      { containerId: 'drain/web1', vmId: 'drain', state: 'ready', reason: 'vm-draining' },
    ]);
  });
});

describe('releasableFromDrainingVms: make before break', () => {
  const drainingVm = (containers: ContainerSpec[]) =>
    vm('old', { draining: true, containers: containers.map((c) => (typeof c === 'string' ? { id: c, service: 'web' } : c)) });

  it.each<[string, PlacementVm[], number, string[]]>([
    ['no ready replacement yet: keep serving', [drainingVm(['o1', 'o2']), vm('new', { containers: [starting, starting] })], 2, []],
    ['one replacement ready: release one', [drainingVm(['o1', 'o2']), vm('new', { containers: ['web', starting] })], 2, ['o1']],
    ['all replacements ready: release all', [drainingVm(['o1', 'o2']), vm('new', { containers: many('web', 2) })], 2, ['o1', 'o2']],
    ['desired lowered meanwhile: release all', [drainingVm(['o1', 'o2']), vm('new', { containers: ['web'] })], 1, ['o1', 'o2']],
    ['starting ones serve nothing: always release', [drainingVm([{ id: 's', ...starting }, 'o1'])], 1, ['s']],
    [
      'fewest requests in flight first',
      [
        drainingVm([{ id: 'busy', service: 'web', inflight: 9 }, { id: 'idle', service: 'web', inflight: 1 }]),
        vm('new', { containers: ['web'] }),
      ],
      2,
      ['idle'],
    ],
    [
      'nothing on a down VM (it cannot be reached)',
      [vm('gone', { status: 'down', containers: ['web'] }), vm('new', { containers: many('web', 3) })],
      1,
      [],
    ],
    [
      'nothing on a draining VM whose Docker is down (the stop could not run), even with replacements ready',
      [vm('old', { draining: true, dockerUp: false, containers: ['web', starting] }), vm('new', { containers: many('web', 3) })],
      1,
      [],
    ],
    [
      "replicas on a draining VM whose Docker is down are not counted as ready for another VM's release",
      [vm('dark', { draining: true, dockerUp: false, containers: many('web', 2) }), drainingVm(['o1', 'o2']), vm('new', { containers: ['web'] })],
      2,
      ['o1'],
    ],
  ])('%s', (_, snapshot, desired, expected) => {
    expect(releasableFromDrainingVms(frozen(snapshot), 'web', desired).map((n) => n.containerId)).toEqual(expected);
  });
});

describe('the reconcile recipe in replacement.ts', () => {
  /** One level-triggered round: start what is missing, stop what is extra or released. */
  function round(snapshot: PlacementVm[], desired: number): { start: string[]; stop: string[] } {
    const counts = countServiceReplicas(snapshot, 'web');
    const start = counts.usable < desired ? placeMany(snapshot, { service: 'web', cpus: 1 }, desired - counts.usable).winners : [];
    const extra = counts.usable > desired ? chooseVictims(snapshot, 'web', counts.usable - desired).map((v) => v.containerId) : [];
    const released = releasableFromDrainingVms(snapshot, 'web', desired).map((n) => n.containerId);
    return { start, stop: [...extra, ...released] };
  }

  it('moves replicas off a draining VM without dropping below desired', () => {
    // Round 1: both replicas on the draining VM still serve; replacements start elsewhere.
    const old = vm('old', { draining: true, containers: many('web', 2) });
    expect(round([old, vm('b'), vm('c')], 2)).toEqual({ start: ['b', 'c'], stop: [] });
    // Round 2: the replacements are starting; nothing to do.
    let snapshot = [old, vm('b', { containers: [starting] }), vm('c', { containers: [starting] })];
    expect(round(snapshot, 2)).toEqual({ start: [], stop: [] });
    // Round 3: they are ready; the old replicas go.
    snapshot = [old, vm('b', { containers: ['web'] }), vm('c', { containers: ['web'] })];
    expect(round(snapshot, 2)).toEqual({ start: [], stop: ['old/web1', 'old/web2'] });
  });

  it('a VM whose Docker goes down keeps its replicas; growth goes elsewhere; when Docker is back it takes containers again', () => {
    // Same spread of one replica each; Docker goes down on a: nothing is stopped or moved.
    let snapshot = [vm('a', { dockerUp: false, containers: ['web'] }), vm('b', { containers: ['web'] })];
    expect(round(snapshot, 2)).toEqual({ start: [], stop: [] });
    // The service grows by two: spread would put one on each, but both go to b.
    expect(round(snapshot, 4)).toEqual({ start: ['b', 'b'], stop: [] });
    // Shrinking takes from b only: a stop cannot run on a.
    snapshot = [vm('a', { dockerUp: false, containers: many('web', 2) }), vm('b', { containers: ['web'] })];
    expect(round(snapshot, 1)).toEqual({ start: [], stop: ['b/web1'] });
    // Docker answers again: a takes the next container (fewest replicas under spread).
    snapshot = [vm('a', { dockerUp: true, containers: ['web'] }), vm('b', { containers: many('web', 3) })];
    expect(round(snapshot, 5)).toEqual({ start: ['a'], stop: [] });
  });

  it('replaces replicas of a down VM, and drains the surplus when it comes back', () => {
    let snapshot = [vm('a', { status: 'down', containers: ['web'] }), vm('b', { containers: ['web'] })];
    expect(round(snapshot, 2)).toEqual({ start: ['b'], stop: [] });
    snapshot = [vm('a', { containers: ['web'] }), vm('b', { containers: many('web', 2) })];
    expect(round(snapshot, 2)).toEqual({ start: [], stop: ['b/web1'] });
  });
});
