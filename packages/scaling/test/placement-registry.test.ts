import {
  DEFAULT_PLACEMENT_SETTINGS,
  PLACEMENT_STRATEGY_NAMES,
  UnknownPlacementStrategyError,
  chooseVictims,
  createPlacementStrategy,
  isPlacementStrategyName,
  parsePlacementStrategyName,
  place,
  resolvePlacementSettings,
  type PlacementSettings,
  type PlacementSettingsInput,
  type PlacementStrategyName,
} from '../src/placement';
import { captureError, vm } from './placement-fixtures';

describe('placement strategy registry', () => {
  it.each(PLACEMENT_STRATEGY_NAMES)('knows %p', (name) => {
    expect(isPlacementStrategyName(name)).toBe(true);
    expect(parsePlacementStrategyName(name)).toBe(name);
    expect(createPlacementStrategy(name).name).toBe(name);
  });

  const unknown = ['bogus', '', 'Spread', 'bin-pack', 'least_loaded', 'toString', '__proto__'];
  it.each(unknown)('rejects %p with UnknownPlacementStrategyError', (name) => {
    expect(isPlacementStrategyName(name)).toBe(false);
    for (const fn of [() => parsePlacementStrategyName(name), () => createPlacementStrategy(name)]) {
      const error = captureError(fn);
      expect(error).toBeInstanceOf(UnknownPlacementStrategyError);
      expect(error).toMatchObject({
        code: 'unknown-placement-strategy',
        strategy: name,
        name: 'UnknownPlacementStrategyError',
        validNames: PLACEMENT_STRATEGY_NAMES,
      });
    }
  });

  it('lists every known strategy in the message', () => {
    const { message } = captureError(() => createPlacementStrategy('bogus'));
    expect(message).toContain('"bogus"');
    for (const name of PLACEMENT_STRATEGY_NAMES) expect(message).toContain(name);
  });

  it('throws rather than falling back when a decision gets an unknown name (e.g. from untyped JSON)', () => {
    const bogus = 'bogus' as PlacementStrategyName;
    expect(() => place([vm('a')], { service: 'web', cpus: 1 }, { ...DEFAULT_PLACEMENT_SETTINGS, strategy: bogus })).toThrow(
      UnknownPlacementStrategyError,
    );
    expect(() => chooseVictims([vm('a', { containers: ['web'] })], 'web', 1, bogus)).toThrow(UnknownPlacementStrategyError);
  });
});

describe('resolvePlacementSettings', () => {
  it('defaults to spread, no overcommit and no host-CPU exclusion', () => {
    expect(resolvePlacementSettings()).toEqual({ strategy: 'spread', cpuOvercommit: 1, maxHostCpuPct: 100 });
    expect(resolvePlacementSettings()).toEqual(DEFAULT_PLACEMENT_SETTINGS);
  });

  it.each<[PlacementSettingsInput, Partial<PlacementSettings>]>([
    [{ strategy: 'binpack' }, { strategy: 'binpack', cpuOvercommit: 1 }],
    [{ cpuOvercommit: 2.5 }, { strategy: 'spread', cpuOvercommit: 2.5 }],
    [{ maxHostCpuPct: 100 }, { maxHostCpuPct: 100 }],
    [{ maxHostCpuPct: 0.5 }, { maxHostCpuPct: 0.5 }],
  ])('takes %p', (input, expected) => {
    expect(resolvePlacementSettings(input)).toMatchObject(expected);
  });

  it.each<[PlacementSettingsInput, string]>([
    [{ cpuOvercommit: 0 }, 'cpuOvercommit'],
    [{ cpuOvercommit: -1 }, 'cpuOvercommit'],
    [{ cpuOvercommit: Infinity }, 'cpuOvercommit'],
    [{ cpuOvercommit: '2' as unknown as number }, 'cpuOvercommit'],
    [{ maxHostCpuPct: 0 }, 'maxHostCpuPct'],
    [{ maxHostCpuPct: 101 }, 'maxHostCpuPct'],
    [{ maxHostCpuPct: NaN }, 'maxHostCpuPct'],
  ])('rejects %p with a RangeError naming %s', (input, field) => {
    const error = captureError(() => resolvePlacementSettings(input));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toContain(field);
  });

  it('rejects an unknown strategy with UnknownPlacementStrategyError', () => {
    expect(() => resolvePlacementSettings({ strategy: 'round-robin' })).toThrow(UnknownPlacementStrategyError);
  });
});
