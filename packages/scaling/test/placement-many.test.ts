import { DEFAULT_PLACEMENT_SETTINGS, placeMany, type PlacementStrategyName, type PlacementVm } from '../src/placement';
import { frozen, many, vm } from './placement-fixtures';

const WEB = { service: 'web', cpus: 1 };

function settings(strategy: PlacementStrategyName) {
  return { ...DEFAULT_PLACEMENT_SETTINGS, strategy };
}

describe('placeMany: k containers in one step, each counted before the next is placed', () => {
  it.each<[string, PlacementStrategyName, PlacementVm[], number, string[]]>([
    ['spread over empty VMs, round and round', 'spread', [vm('a'), vm('b'), vm('c')], 4, ['a', 'b', 'c', 'a']],
    [
      'spread fills the VMs with fewest replicas first',
      'spread',
      [vm('a', { containers: many('web', 2) }), vm('b'), vm('c')],
      4,
      ['b', 'c', 'b', 'c'],
    ],
    [
      'spread keeps replicas apart before it evens out other services',
      'spread',
      [vm('a', { containers: many('api', 2) }), vm('b')],
      3,
      ['b', 'a', 'b'],
    ],
    [
      'binpack fills one VM before the next',
      'binpack',
      [vm('a', { maxContainers: 2, containers: ['api'] }), vm('b', { maxContainers: 2 }), vm('c', { maxContainers: 2 })],
      4,
      ['a', 'b', 'b', 'c'],
    ],
    [
      'least-loaded spreads between equally loaded VMs by container count',
      'least-loaded',
      [vm('a', { hostCpuPct: 10 }), vm('b', { hostCpuPct: 10 }), vm('c', { hostCpuPct: 40 })],
      3,
      ['a', 'b', 'a'],
    ],
  ])('%s', (_, strategy, snapshot, count, winners) => {
    const result = placeMany(frozen(snapshot), WEB, count, settings(strategy));
    expect(result.winners).toEqual(winners);
    expect(result.unplaced).toBe(0);
    expect(result.placements.map((p) => p.winner)).toEqual(winners);
  });

  it.each<[string, PlacementVm[], number, string[], string]>([
    ['maxContainers runs out', [vm('a', { maxContainers: 1 }), vm('b', { maxContainers: 2 })], 5, ['a', 'b', 'b'], 'max-containers'],
    ['committed CPU runs out', [vm('a', { cpuCapacity: 2 })], 3, ['a', 'a'], 'cpu-committed'],
    ['no VM at all can take one', [vm('a', { cpuCapacity: 0 })], 2, [], 'cpu-committed'],
  ])('reports how many could not be placed when %s', (_, snapshot, count, winners, reason) => {
    const result = placeMany(frozen(snapshot), WEB, count);
    expect(result.winners).toEqual(winners);
    expect(result.unplaced).toBe(count - winners.length);
    // Attempts stop at the first failure; its candidates say why for the event log.
    expect(result.placements).toHaveLength(winners.length + 1);
    const last = result.placements[result.placements.length - 1]!;
    expect(last.winner).toBeUndefined();
    expect(last.candidates.map((c) => !c.eligible && c.reason)).toContain(reason);
  });

  it('applies the avoid list to every container', () => {
    expect(placeMany([vm('a'), vm('b'), vm('c')], { ...WEB, avoid: ['b'] }, 3).winners).toEqual(['a', 'c', 'a']);
  });

  it('places nothing for count 0', () => {
    expect(placeMany([vm('a')], WEB, 0)).toEqual({ winners: [], placements: [], unplaced: 0 });
  });

  it('leaves the snapshot as it was', () => {
    const snapshot = frozen([vm('a', { containers: ['web'] }), vm('b')]);
    const before = JSON.stringify(snapshot);
    placeMany(snapshot, WEB, 3);
    expect(JSON.stringify(snapshot)).toBe(before);
  });

  it.each([-1, 1.5, NaN])('rejects count %p', (count) => {
    expect(() => placeMany([vm('a')], WEB, count)).toThrow(RangeError);
  });
});
