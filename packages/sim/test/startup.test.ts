import { stepTrace } from '../src';
import { runReactive } from './helpers';

describe('container start-up', () => {
  it('gives a new container no request before its start-up delay is over', () => {
    const { containers } = runReactive({ trace: stepTrace({ durationS: 1200 }), config: { startupS: 45 } });
    const started = containers.filter((c) => c.startedAtS > 0);
    expect(started.length).toBeGreaterThan(3);
    for (const c of started) {
      if (c.readyAtS === null) {
        expect(c.requests).toBe(0);
        continue;
      }
      expect(c.readyAtS - c.startedAtS).toBe(45);
      if (c.firstRequestAtS !== null) expect(c.firstRequestAtS).toBeGreaterThanOrEqual(c.readyAtS);
    }
  });

  it('adds no capacity until start-up seconds after the first scale-out', () => {
    // One container serves 25 rps; under 80 rps it stays the only server until the new ones are ready.
    const { timeline, containers } = runReactive({
      trace: stepTrace({ baseRps: 10, peakRps: 80, upAtS: 60, downAtS: 900, durationS: 900 }),
      config: { startupS: 40, arrivals: 'uniform', timeline: 'tick' },
    });
    const firstStart = Math.min(...containers.filter((c) => c.startedAtS > 0).map((c) => c.startedAtS));
    expect(firstStart).toBe(62);
    const before = timeline.filter((r) => r.t >= 60 && r.t < firstStart + 40);
    expect(before.every((r) => r.ready === 1 && r.served <= 25)).toBe(true);
    const after = timeline.find((r) => r.t === firstStart + 40)!;
    expect(after.ready).toBeGreaterThan(1);
  });

  it('draws jitter from [startupS, startupS + jitter], deterministically', () => {
    const run = (): number[] => {
      const { containers } = runReactive({ trace: stepTrace({ durationS: 1200 }), config: { startupS: 20, startupJitterS: 10, tickMs: 100, seed: 4 } });
      return containers.filter((c) => c.startedAtS > 0 && c.readyAtS !== null).map((c) => Math.round((c.readyAtS! - c.startedAtS) * 10) / 10);
    };
    const delays = run();
    expect(delays.length).toBeGreaterThan(3);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(20);
      expect(d).toBeLessThanOrEqual(30.1);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(run()).toEqual(delays);
  });
});
