import fc from 'fast-check';
import { chooseVictims, createPlacementStrategy, type PlacementContainer, type PlacementSnapshot, type PlacementStrategyName, type PlacementVm, type VictimPick } from '../src/placement';
import { canStopOn, compareKeys, compareNewestFirst, compareStopOrder, vmLoad } from '../src/placement/load';
import { frozen, many, vm } from './placement-fixtures';

/** `containerId:reason` for each pick, which reads well in a table. */
function victims(snapshot: PlacementVm[], count: number, strategy?: PlacementStrategyName, service = 'web'): string[] {
  return chooseVictims(frozen(snapshot), service, count, strategy).map((p: VictimPick) => `${p.containerId}:${p.reason}`);
}

describe('chooseVictims: rules every strategy follows', () => {
  const starting = (id: string, startedAt?: number) => ({ id, service: 'web', state: 'starting' as const, startedAt });

  it.each<PlacementStrategyName>(['spread', 'binpack', 'least-loaded'])('%s takes starting containers first, newest first', (strategy) => {
    const snapshot = [
      vm('a', { containers: ['web', starting('s-old', 1_000)] }),
      vm('b', { containers: [starting('s-new', 5_000), starting('s-unknown')] }),
    ];
    expect(victims(snapshot, 4, strategy)).toEqual([
      's-new:starting',
      's-old:starting',
      's-unknown:starting',
      `a/web1:${reasonOf(strategy)}`,
    ]);
  });

  it.each<[string, PlacementVm[], number, string[]]>([
    [
      'never a draining container',
      [vm('a', { containers: [{ service: 'web', state: 'draining' }, 'web'] })],
      2,
      ['a/web2:most-replicas'],
    ],
    ['only the given service', [vm('a', { containers: [...many('api', 3), 'web'] })], 3, ['a/web1:most-replicas']],
    ['none on a draining VM (releasableFromDrainingVms handles those)', [vm('a', { draining: true, containers: ['web'] })], 1, []],
    ['none on a down VM (it cannot be reached)', [vm('a', { status: 'down', containers: ['web'] })], 1, []],
    ['none on a VM whose Docker is down (the stop could not run)', [vm('a', { dockerUp: false, containers: ['web', { service: 'web', state: 'starting' }] })], 2, []],
    [
      'from the VM whose Docker answers, though spread would take from the other',
      [vm('a', { dockerUp: false, containers: many('web', 3) }), vm('b', { containers: ['web'] })],
      2,
      ['b/web1:most-replicas'],
    ],
    ['a VM whose Docker state is unknown is a candidate', [vm('a', { dockerUp: undefined, containers: ['web'] })], 1, ['a/web1:most-replicas']],
    ['fewer than asked when there are not enough', [vm('a', { containers: ['web'] })], 3, ['a/web1:most-replicas']],
    ['nothing for count 0', [vm('a', { containers: ['web'] })], 0, []],
    ['nothing in an empty snapshot', [], 2, []],
  ])('%s', (_, snapshot, count, expected) => {
    expect(victims(snapshot, count)).toEqual(expected);
  });

  it.each<[string, PlacementVm[], string]>([
    [
      'fewest requests in flight',
      [vm('a', { containers: [{ id: 'busy', service: 'web', inflight: 5 }, { id: 'idle', service: 'web', inflight: 0 }] })],
      'idle',
    ],
    [
      'then the newest',
      [vm('a', { containers: [{ id: 'old', service: 'web', startedAt: 1 }, { id: 'new', service: 'web', startedAt: 2 }] })],
      'new',
    ],
    [
      'unknown start time counts as oldest',
      [vm('a', { containers: [{ id: 'unknown', service: 'web' }, { id: 'known', service: 'web', startedAt: 2 }] })],
      'known',
    ],
    ['then the lowest id', [vm('a', { containers: [{ id: 'c2', service: 'web' }, { id: 'c1', service: 'web' }] })], 'c1'],
  ])('within a VM, prefers %s', (_, snapshot, expected) => {
    expect(chooseVictims(snapshot, 'web', 1)[0]?.containerId).toBe(expected);
  });

  it('rejects a negative or fractional count', () => {
    expect(() => chooseVictims([], 'web', -1)).toThrow(RangeError);
    expect(() => chooseVictims([], 'web', 0.5)).toThrow(RangeError);
  });
});

describe('chooseVictims by strategy', () => {
  it.each<[PlacementStrategyName, string, PlacementVm[], number, string[]]>([
    [
      'spread',
      'from the VM with the most replicas',
      [vm('a', { containers: ['web'] }), vm('b', { containers: many('web', 3) })],
      1,
      ['b/web1:most-replicas'],
    ],
    [
      'spread',
      're-evaluated after each pick, so removals stay balanced',
      [vm('a', { containers: many('web', 3) }), vm('b', { containers: many('web', 3) }), vm('c', { containers: ['web'] })],
      4,
      ['a/web1:most-replicas', 'b/web1:most-replicas', 'a/web2:most-replicas', 'b/web2:most-replicas'],
    ],
    [
      'spread',
      'ties: the VM with the higher host CPU',
      [vm('a', { hostCpuPct: 30, containers: many('web', 2) }), vm('b', { hostCpuPct: 70, containers: many('web', 2) })],
      2,
      ['b/web1:most-replicas', 'a/web1:most-replicas'],
    ],
    [
      'spread',
      'ties: a VM with unknown CPU after one that reported',
      [vm('a', { containers: ['web'] }), vm('b', { hostCpuPct: 5, containers: ['web'] })],
      1,
      ['b/web1:most-replicas'],
    ],
    [
      'spread',
      'ties: then the lowest id',
      [vm('b', { containers: ['web'] }), vm('a', { containers: ['web'] })],
      1,
      ['a/web1:most-replicas'],
    ],
    [
      'spread',
      'other services do not count as replicas',
      [vm('a', { containers: ['web', ...many('api', 5)] }), vm('b', { containers: many('web', 2) })],
      1,
      ['b/web1:most-replicas'],
    ],
    [
      'binpack',
      'from the VM with the fewest containers of any service, to empty it',
      [vm('a', { containers: ['web', 'api', 'db'] }), vm('b', { containers: ['web', 'api'] })],
      1,
      ['b/web1:fewest-containers'],
    ],
    [
      'binpack',
      'keeps emptying the same VM',
      [vm('a', { containers: many('web', 2) }), vm('b', { containers: many('web', 3) })],
      3,
      ['a/web1:fewest-containers', 'a/web2:fewest-containers', 'b/web1:fewest-containers'],
    ],
    [
      'binpack',
      'draining containers do not count: they are leaving anyway',
      [
        vm('a', { containers: ['web', 'api', { service: 'db', state: 'draining' }, { service: 'db', state: 'draining' }] }),
        vm('b', { containers: ['web', 'api', 'db'] }),
      ],
      1,
      ['a/web1:fewest-containers'],
    ],
    [
      'least-loaded',
      'from the VM with the highest host CPU',
      [vm('a', { hostCpuPct: 80, containers: ['web'] }), vm('b', { hostCpuPct: 20, containers: many('web', 2) })],
      3,
      ['a/web1:most-loaded', 'b/web1:most-loaded', 'b/web2:most-loaded'],
    ],
    [
      'least-loaded',
      'unknown CPU last',
      [vm('a', { containers: ['web'] }), vm('b', { hostCpuPct: 1, containers: ['web'] })],
      1,
      ['b/web1:most-loaded'],
    ],
    [
      'least-loaded',
      'ties: the VM with more replicas, then the lowest id',
      [
        vm('c', { hostCpuPct: 50, containers: ['web'] }),
        vm('b', { hostCpuPct: 50, containers: ['web'] }),
        vm('a', { hostCpuPct: 50, containers: many('web', 2) }),
      ],
      3,
      ['a/web1:most-loaded', 'a/web2:most-loaded', 'b/web1:most-loaded'],
    ],
  ])('%s: %s', (strategy, _, snapshot, count, expected) => {
    expect(victims(snapshot, count, strategy)).toEqual(expected);
  });
});

function reasonOf(strategy: PlacementStrategyName): string {
  return { spread: 'most-replicas', binpack: 'fewest-containers', 'least-loaded': 'most-loaded' }[strategy];
}

/**
 * The scan chooseVictims replaced (every VM re-keyed after every pick), kept as the reference its heap must
 * match pick for pick.
 */
function victimsByScan(snapshot: PlacementSnapshot, service: string, count: number, strategyName: PlacementStrategyName): VictimPick[] {
  const strategy = createPlacementStrategy(strategyName);
  const ofService = (v: PlacementVm): PlacementContainer[] => v.containers.filter((c) => c.service === service && c.state !== 'draining');
  const without = (v: PlacementVm, chosen: ReadonlySet<string>): PlacementVm => ({ ...v, containers: v.containers.filter((c) => !chosen.has(c.id)) });
  const picks: VictimPick[] = [];
  const chosen = new Set<string>();
  const usable = snapshot.filter((v) => v.status === 'ready' && !v.draining && canStopOn(v));
  const starting = usable
    .flatMap((v) => ofService(v).filter((c) => c.state === 'starting').map((container) => ({ v, container })))
    .sort((a, b) => compareNewestFirst(a.container, b.container));
  for (const { v, container } of starting) {
    if (picks.length >= count) return picks;
    picks.push({ containerId: container.id, vmId: v.id, reason: 'starting' });
    chosen.add(container.id);
  }
  let remaining = usable.map((v) => without(v, chosen));
  while (picks.length < count) {
    let best: { v: PlacementVm; key: readonly number[] } | undefined;
    for (const v of remaining) {
      if (ofService(v).length === 0) continue;
      const key = strategy.victimVmKey(vmLoad(v, service));
      if (best === undefined || compareKeys(key, v.id, best.key, best.v.id) < 0) best = { v, key };
    }
    if (best === undefined) break;
    const from = best.v;
    const victim = ofService(from).sort(compareStopOrder)[0]!;
    picks.push({ containerId: victim.id, vmId: from.id, reason: strategy.victimReason });
    chosen.add(victim.id);
    remaining = remaining.map((v) => (v === from ? without(v, chosen) : v));
  }
  return picks;
}

describe('chooseVictims: the heap picks exactly what a scan over every VM after every pick would', () => {
  const containerArb = fc.record({
    service: fc.constantFrom('web', 'api'),
    state: fc.constantFrom<PlacementContainer['state']>('ready', 'ready', 'starting', 'draining'),
    cpus: fc.constantFrom(0.25, 0.5, 1, 2),
    inflight: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    startedAt: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
  });
  const vmArb = fc.record({
    status: fc.constantFrom<PlacementVm['status']>('ready', 'ready', 'ready', 'down'),
    draining: fc.boolean(),
    dockerUp: fc.option(fc.boolean(), { nil: undefined }),
    maxContainers: fc.integer({ min: 1, max: 12 }),
    cpuCapacity: fc.constantFrom(1, 2, 4, 8),
    hostCpuPct: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    containers: fc.array(containerArb, { maxLength: 8 }),
  });
  const snapshotArb = fc.array(vmArb, { maxLength: 12 }).map((vms) =>
    vms.map((v, i) => vm(`vm${i}`, { ...v, containers: v.containers.map((c, j) => ({ ...c, id: `vm${i}/c${j}` })) })),
  );

  it.each<PlacementStrategyName>(['spread', 'binpack', 'least-loaded'])('%s', (strategy) => {
    fc.assert(
      fc.property(snapshotArb, fc.integer({ min: 0, max: 40 }), (snapshot, count) => {
        expect(chooseVictims(frozen(snapshot), 'web', count, strategy)).toEqual(victimsByScan(snapshot, 'web', count, strategy));
      }),
      { seed: 20261123, numRuns: 400 },
    );
  });
});
