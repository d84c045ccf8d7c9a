import { alignTimelines, compareTimelines, medianStartupS, startupTimesFromSamples, validationMarkdown, type ReplicaSample, type ValidationSettings } from '../src';

const at = (t: number, ready: number, desired = ready, total = ready): ReplicaSample => ({ t, ready, desired, total });

describe('alignTimelines', () => {
  test('holds the latest sample over missed seconds and starts from the first', () => {
    const lab = [at(1, 1), at(2, 2), at(5, 3)]; // seconds 3 and 4 missed, 0 before the first sample
    const sim = [at(0, 1), at(1, 1), at(2, 1), at(3, 2), at(4, 2), at(5, 3)];
    const rows = alignTimelines(lab, sim, 6, (t) => t * 10);
    expect(rows.map((r) => r.lab.ready)).toEqual([1, 1, 2, 2, 2, 3]);
    expect(rows.map((r) => r.sim.ready)).toEqual([1, 1, 1, 2, 2, 3]);
    expect(rows.map((r) => r.t)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.lab.t)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows[3]!.offeredRps).toBe(30);
  });

  test('refuses empty timelines and a bad duration, saying which', () => {
    expect(() => alignTimelines([], [at(0, 1)], 5, () => 0)).toThrow(/lab 0, sim 1/);
    expect(() => alignTimelines([at(0, 1)], [at(0, 1)], 0, () => 0)).toThrow(/durationS/);
  });
});

describe('compareTimelines', () => {
  test('container-seconds, peaks, scale actions, time to capacity and the gap', () => {
    // lab: asks for 3 at t=1, ready at 4; back to 1 at 8. sim: the same but a second faster.
    const lab = [at(0, 1), at(1, 1, 3, 3), at(2, 1, 3, 3), at(3, 2, 3, 3), at(4, 3, 3, 3), at(5, 3), at(6, 3), at(7, 3), at(8, 1, 1, 3), at(9, 1)];
    const sim = [at(0, 1), at(1, 1, 3, 3), at(2, 2, 3, 3), at(3, 3, 3, 3), at(4, 3), at(5, 3), at(6, 3), at(7, 3), at(8, 1, 1, 1), at(9, 1)];
    const c = compareTimelines(alignTimelines(lab, sim, 10, () => 0));
    expect(c.lab.containerSeconds).toBe(1 + 3 * 7 + 3 + 1);
    expect(c.sim.containerSeconds).toBe(1 + 3 * 7 + 1 + 1);
    expect(c.containerSecondsGap).toBeCloseTo(24 / 26 - 1);
    expect(c.lab.readyContainerSeconds).toBe(1 + 1 + 1 + 2 + 3 * 4 + 1 + 1);
    expect([c.lab.peakReady, c.sim.peakReady]).toEqual([3, 3]);
    expect([c.lab.scaleUps, c.lab.scaleDowns, c.sim.scaleUps, c.sim.scaleDowns]).toEqual([1, 1, 1, 1]);
    expect(c.lab.timeToCapacityS).toBe(3);
    expect(c.sim.timeToCapacityS).toBe(2);
    expect(c.lab.timeToReady).toEqual([{ replicas: 1, atS: 0 }, { replicas: 2, atS: 3 }, { replicas: 3, atS: 4 }]);
    expect(c.sim.timeToReady.map((x) => x.atS)).toEqual([0, 2, 3]);
    expect(c.meanAbsReadyGap).toBeCloseTo(2 / 10);
    expect(c.sameReadyShare).toBeCloseTo(8 / 10);
  });

  test('a side that never reaches the other one\'s peak says so with null', () => {
    const c = compareTimelines(alignTimelines([at(0, 1), at(1, 2, 4, 4)], [at(0, 1)], 3, () => 0));
    expect(c.lab.timeToReady.map((x) => x.atS)).toEqual([0, 1]);
    expect(c.sim.timeToReady.map((x) => x.atS)).toEqual([0, null]);
    expect(c.sim.timeToCapacityS).toBeNull();
  });
});

describe('start-up times from one-second samples', () => {
  test('matches starts with later readies first-in-first-out', () => {
    const samples = [
      { t: 0, ready: 1, starting: 0 },
      { t: 1, ready: 1, starting: 2 }, // two start
      { t: 2, ready: 1, starting: 2 },
      { t: 3, ready: 2, starting: 1 }, // one ready after 2 s
      { t: 4, ready: 3, starting: 1 }, // the other ready after 3 s, and a third started and became ready within the second
      { t: 5, ready: 4, starting: 0 }, // the third, 1 s
    ];
    expect(startupTimesFromSamples(samples)).toEqual([2, 3, 1]);
    expect(medianStartupS([2, 3, 1])).toBe(2);
    expect(medianStartupS([])).toBe(1);
    expect(medianStartupS([0, 0.2])).toBe(1);
  });
});

test('the report section carries both sides and the replicas over time', () => {
  const rows = alignTimelines([at(0, 1), at(20, 2)], [at(0, 1), at(18, 2)], 31, () => 12);
  const settings: ValidationSettings = {
    traceName: 'tiny', durationS: 31, vms: 3, maxContainersPerVm: 4, containerCpus: 0.5, workMs: 20, startupS: 1, controlPeriodMs: 2000, scaleDownWindowS: 30, cpuTargetPct: 60, hostLoad: { atStart: 1, atEnd: 1.5, cores: 2 },
    load: { sent: 100, ok: 99, errors: 1, p99Ms: 50 }, sim: { arrived: 101, served: 101, rejected: 0, p99Ms: 40 },
  };
  const md = validationMarkdown(compareTimelines(rows), rows, settings, 'v.png');
  expect(md).toContain('![lab vs simulator](v.png)');
  expect(md).toMatch(/\| container-seconds \| 42 \| 44 \(\+4\.8 %\) \|/);
  expect(md).toMatch(/\| 15 \| 12 \| 1 \/ 1 \| 1 \/ 1 \|/);
  expect(md).toMatch(/\| 30 \| 12 \| 2 \/ 2 \| 2 \/ 2 \|/);
});
