import { DEFAULT_OUTLIER_SETTINGS, OutlierDetector, type OutlierSettings } from '../src';

/** Records `times` failures at `now`; returns what each call returned. */
function fail(detector: OutlierDetector, id: string, times: number, now: number, known = 10): boolean[] {
  return Array.from({ length: times }, () => detector.record(id, 'failure', now, known));
}

/** Fails `id` until ejected at `now` and returns the ejection's length. */
function ejectionLength(detector: OutlierDetector, id: string, now: number, known = 10): number {
  const results = fail(detector, id, detector.settings.consecutiveFailures, now, known);
  expect(results.at(-1)).toBe(true);
  const entry = detector.ejected(now).find((e) => e.id === id);
  if (entry === undefined) throw new Error(`${id} was not ejected`);
  return entry.until - now;
}

describe('OutlierDetector', () => {
  it('starts from the documented defaults and merges partial settings over them', () => {
    expect(new OutlierDetector().settings).toEqual({
      consecutiveFailures: 5,
      baseEjectionMs: 10_000,
      maxEjectionMs: 300_000,
      maxEjectedPercent: 50,
    });
    expect(new OutlierDetector({ consecutiveFailures: 3 }).settings).toEqual({ ...DEFAULT_OUTLIER_SETTINGS, consecutiveFailures: 3 });
  });

  describe('consecutive failures', () => {
    it.each([1, 2, 5, 7])('ejects after exactly %i consecutive failures, not one fewer', (n) => {
      const detector = new OutlierDetector({ consecutiveFailures: n });
      const results = fail(detector, 'a', n, 1000);
      expect(results).toEqual([...Array<boolean>(n - 1).fill(false), true]);
      expect(detector.isEjected('a', 1000)).toBe(true);
    });

    it('does not eject after N−1 failures', () => {
      const detector = new OutlierDetector();
      fail(detector, 'a', 4, 1000);
      expect(detector.isEjected('a', 1000)).toBe(false);
      expect(detector.ejected(1000)).toEqual([]);
    });

    it('resets the count on a success in between', () => {
      const detector = new OutlierDetector();
      fail(detector, 'a', 4, 1000);
      expect(detector.record('a', 'success', 1001, 10)).toBe(false);
      expect(fail(detector, 'a', 4, 1002)).toEqual([false, false, false, false]);
      expect(detector.isEjected('a', 1002)).toBe(false);
      expect(detector.record('a', 'failure', 1003, 10)).toBe(true);
    });

    it('counts each backend separately', () => {
      const detector = new OutlierDetector();
      for (let i = 0; i < 4; i++) {
        detector.record('a', 'failure', 1000, 10);
        detector.record('b', 'failure', 1000, 10);
      }
      detector.record('b', 'success', 1000, 10);
      expect(detector.record('a', 'failure', 1000, 10)).toBe(true);
      expect(detector.record('b', 'failure', 1000, 10)).toBe(false);
    });
  });

  describe('ejection length', () => {
    it.each<{ settings: Partial<OutlierSettings>; lengths: number[] }>([
      { settings: {}, lengths: [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000] },
      { settings: { baseEjectionMs: 1000, maxEjectionMs: 5000 }, lengths: [1000, 2000, 4000, 5000, 5000] },
      { settings: { baseEjectionMs: 3000, maxEjectionMs: 3000 }, lengths: [3000, 3000, 3000] },
    ])('doubles with each ejection and stops at the cap: $lengths', ({ settings, lengths }) => {
      const detector = new OutlierDetector(settings);
      let now = 0;
      const seen: number[] = [];
      for (let i = 0; i < lengths.length; i++) {
        // Failing again the moment it returns: no time to decay.
        const length = ejectionLength(detector, 'a', now);
        seen.push(length);
        now += length;
      }
      expect(seen).toEqual(lengths);
      expect(detector.ejected(now - 1)).toEqual([{ id: 'a', until: now, ejections: lengths.length }]);
    });

    it('does not overflow for a backend ejected very many times', () => {
      const detector = new OutlierDetector({ consecutiveFailures: 1 });
      let now = 0;
      for (let i = 0; i < 1100; i++) now += ejectionLength(detector, 'a', now);
      expect(ejectionLength(detector, 'a', now)).toBe(300_000);
    });
  });

  describe('decay of the ejection count', () => {
    // After an ejection of length L ending at `until`, staying healthy until `until + 2L` resets the count.
    it.each<{ priorEjections: number; lastLength: number; healthyFor: number; nextLength: number }>([
      { priorEjections: 1, lastLength: 10_000, healthyFor: 0, nextLength: 20_000 },
      { priorEjections: 1, lastLength: 10_000, healthyFor: 19_999, nextLength: 20_000 },
      { priorEjections: 1, lastLength: 10_000, healthyFor: 20_000, nextLength: 10_000 },
      { priorEjections: 2, lastLength: 20_000, healthyFor: 39_999, nextLength: 40_000 },
      { priorEjections: 2, lastLength: 20_000, healthyFor: 40_000, nextLength: 10_000 },
      { priorEjections: 3, lastLength: 40_000, healthyFor: 1_000_000, nextLength: 10_000 },
    ])(
      'after $priorEjections ejection(s) (last $lastLength ms) and $healthyFor ms healthy, the next lasts $nextLength ms',
      ({ priorEjections, lastLength, healthyFor, nextLength }) => {
        const detector = new OutlierDetector();
        let now = 0;
        let length = 0;
        for (let i = 0; i < priorEjections; i++) {
          length = ejectionLength(detector, 'a', now);
          now += length;
        }
        expect(length).toBe(lastLength);
        // Traffic in the healthy stretch, including failures short of the threshold, does not stop the decay.
        detector.record('a', 'success', now, 10);
        fail(detector, 'a', 2, now + healthyFor / 2);
        detector.record('a', 'success', now + healthyFor / 2, 10);
        expect(ejectionLength(detector, 'a', now + healthyFor)).toBe(nextLength);
      },
    );
  });

  describe('maximum ejected share', () => {
    it.each<{ known: number; percent: number; max: number }>([
      { known: 2, percent: 50, max: 1 },
      { known: 3, percent: 50, max: 1 },
      { known: 4, percent: 50, max: 2 },
      { known: 10, percent: 50, max: 5 },
      { known: 10, percent: 10, max: 1 },
      { known: 10, percent: 9, max: 0 },
      { known: 10, percent: 0, max: 0 },
      // 100% still leaves one backend in: never all.
      { known: 10, percent: 100, max: 9 },
      { known: 2, percent: 100, max: 1 },
      { known: 1, percent: 100, max: 0 },
    ])('with $known backends and $percent% ejects at most $max', ({ known, percent, max }) => {
      const detector = new OutlierDetector({ maxEjectedPercent: percent });
      const ids = Array.from({ length: known }, (_, i) => `b${i}`);
      const ejectedNow = ids.filter((id) => fail(detector, id, 5, 1000, known).includes(true));
      expect(ejectedNow).toEqual(ids.slice(0, max));
      expect(detector.ejected(1000)).toHaveLength(max);
      expect(ids.filter((id) => detector.isEjected(id, 1000))).toHaveLength(max);
    });

    it.each([0, -3, Number.NaN, Number.POSITIVE_INFINITY])('ejects nothing when told the pool has %p backends', (known) => {
      const detector = new OutlierDetector({ maxEjectedPercent: 100 });
      expect(fail(detector, 'a', 5, 1000, known)).not.toContain(true);
    });

    it('ejects a blocked backend on its next failure once room frees up', () => {
      const detector = new OutlierDetector();
      expect(ejectionLength(detector, 'a', 0, 2)).toBe(10_000);
      expect(fail(detector, 'b', 7, 1000, 2)).not.toContain(true);
      expect(detector.isEjected('b', 1000)).toBe(false);
      // a is back at 10 s: a single further failure of b now ejects it.
      expect(detector.record('b', 'failure', 10_000, 2)).toBe(true);
      expect(detector.ejected(10_000)).toEqual([{ id: 'b', until: 20_000, ejections: 1 }]);
    });

    it('still resets a blocked backend’s count on a success', () => {
      const detector = new OutlierDetector();
      ejectionLength(detector, 'a', 0, 2);
      fail(detector, 'b', 5, 1000, 2);
      detector.record('b', 'success', 2000, 2);
      expect(detector.record('b', 'failure', 10_000, 2)).toBe(false);
    });
  });

  describe('while ejected', () => {
    it('is ejected up to, but not at, `until`', () => {
      const detector = new OutlierDetector();
      fail(detector, 'a', 5, 1000);
      expect(detector.ejected(1000)).toEqual([{ id: 'a', until: 11_000, ejections: 1 }]);
      expect(detector.isEjected('a', 10_999)).toBe(true);
      expect(detector.ejected(10_999)).toHaveLength(1);
      expect(detector.isEjected('a', 11_000)).toBe(false);
      expect(detector.ejected(11_000)).toEqual([]);
    });

    it('ignores results recorded while ejected', () => {
      const detector = new OutlierDetector();
      fail(detector, 'a', 5, 1000);
      // Failures neither extend the ejection nor count towards the next one…
      expect(fail(detector, 'a', 20, 5000)).not.toContain(true);
      expect(detector.ejected(5000)).toEqual([{ id: 'a', until: 11_000, ejections: 1 }]);
      // …and a success does not end it early.
      expect(detector.record('a', 'success', 6000, 10)).toBe(false);
      expect(detector.isEjected('a', 6000)).toBe(true);
      // Back at 11 s with a clean slate: a full run of failures is needed again.
      expect(fail(detector, 'a', 4, 11_000)).not.toContain(true);
      expect(detector.record('a', 'failure', 11_000, 10)).toBe(true);
    });

    it('lists ejected backends soonest back first, ties by id', () => {
      const detector = new OutlierDetector({ maxEjectedPercent: 100 });
      fail(detector, 'c', 5, 2000);
      fail(detector, 'b', 5, 1000);
      fail(detector, 'a', 5, 2000);
      expect(detector.ejected(2000).map((e) => e.id)).toEqual(['b', 'a', 'c']);
    });
  });

  describe('forget', () => {
    it('drops an ejection and frees its place in the budget', () => {
      const detector = new OutlierDetector();
      fail(detector, 'a', 5, 0, 2);
      expect(fail(detector, 'b', 5, 0, 2)).not.toContain(true);
      detector.forget('a');
      expect(detector.isEjected('a', 0)).toBe(false);
      expect(detector.record('b', 'failure', 0, 2)).toBe(true);
    });

    it('drops the failure and ejection counts', () => {
      const detector = new OutlierDetector();
      ejectionLength(detector, 'a', 0);
      detector.forget('a');
      expect(ejectionLength(detector, 'a', 1)).toBe(10_000);
      detector.forget('a');
      fail(detector, 'a', 4, 2);
      detector.forget('a');
      expect(fail(detector, 'a', 4, 3)).not.toContain(true);
    });

    it('is a no-op for an unknown backend', () => {
      const detector = new OutlierDetector();
      expect(() => detector.forget('nobody')).not.toThrow();
      expect(detector.ejected(0)).toEqual([]);
    });
  });

  describe('updateSettings', () => {
    it('lowers the failure threshold for the next failure', () => {
      const detector = new OutlierDetector();
      fail(detector, 'a', 2, 0);
      detector.updateSettings({ consecutiveFailures: 3 });
      expect(detector.record('a', 'failure', 0, 10)).toBe(true);
    });

    it('applies new lengths to later ejections and leaves the current one alone', () => {
      const detector = new OutlierDetector();
      expect(ejectionLength(detector, 'a', 0)).toBe(10_000);
      detector.updateSettings({ baseEjectionMs: 1000, maxEjectionMs: 1500 });
      expect(detector.ejected(0)).toEqual([{ id: 'a', until: 10_000, ejections: 1 }]);
      expect(ejectionLength(detector, 'b', 0)).toBe(1000);
      expect(ejectionLength(detector, 'a', 10_000)).toBe(1500);
    });

    it('applies a new ejected share to later decisions', () => {
      const detector = new OutlierDetector();
      fail(detector, 'a', 5, 0, 4);
      fail(detector, 'b', 5, 0, 4);
      expect(fail(detector, 'c', 5, 0, 4)).not.toContain(true);
      detector.updateSettings({ maxEjectedPercent: 75 });
      expect(detector.record('c', 'failure', 0, 4)).toBe(true);
    });

    it('keeps settings not mentioned, and ignores undefined values', () => {
      const detector = new OutlierDetector({ consecutiveFailures: 3 });
      detector.updateSettings({ maxEjectedPercent: 20, baseEjectionMs: undefined });
      expect(detector.settings).toEqual({ ...DEFAULT_OUTLIER_SETTINGS, consecutiveFailures: 3, maxEjectedPercent: 20 });
    });

    it('leaves the settings unchanged when the update is invalid', () => {
      const detector = new OutlierDetector();
      expect(() => detector.updateSettings({ consecutiveFailures: 2, maxEjectedPercent: 150 })).toThrow(RangeError);
      expect(detector.settings).toEqual(DEFAULT_OUTLIER_SETTINGS);
    });
  });

  describe('validation', () => {
    it.each<{ settings: Record<string, unknown>; field: string }>([
      { settings: { consecutiveFailures: 0 }, field: 'consecutiveFailures' },
      { settings: { consecutiveFailures: 2.5 }, field: 'consecutiveFailures' },
      { settings: { consecutiveFailures: '5' }, field: 'consecutiveFailures' },
      { settings: { baseEjectionMs: -1 }, field: 'baseEjectionMs' },
      { settings: { baseEjectionMs: Number.NaN }, field: 'baseEjectionMs' },
      { settings: { maxEjectionMs: Number.POSITIVE_INFINITY }, field: 'maxEjectionMs' },
      { settings: { maxEjectedPercent: -1 }, field: 'maxEjectedPercent' },
      { settings: { maxEjectedPercent: 100.5 }, field: 'maxEjectedPercent' },
      { settings: { maxEjectedPercent: Number.NaN }, field: 'maxEjectedPercent' },
      { settings: { maxEjectedPercent: null }, field: 'maxEjectedPercent' },
      { settings: { baseEjectionMs: 20_000, maxEjectionMs: 10_000 }, field: 'maxEjectionMs' },
      // Raising the base past the default cap is caught too, not only an explicit cap.
      { settings: { baseEjectionMs: 400_000 }, field: 'maxEjectionMs' },
    ])('rejects $settings with a RangeError naming $field', ({ settings, field }) => {
      const patch = settings as Partial<OutlierSettings>;
      expect(() => new OutlierDetector(patch)).toThrow(RangeError);
      expect(() => new OutlierDetector(patch)).toThrow(field);
      expect(() => new OutlierDetector().updateSettings(patch)).toThrow(field);
    });

    it.each<Partial<OutlierSettings>>([
      { consecutiveFailures: 1, baseEjectionMs: 1, maxEjectionMs: 1, maxEjectedPercent: 0 },
      { maxEjectedPercent: 100 },
      { maxEjectedPercent: 33.3 },
    ])('accepts the edge values %p', (settings) => {
      expect(() => new OutlierDetector(settings)).not.toThrow();
    });
  });
});
