import { makeTrace, rampTrace, spikeTrace, stepTrace, type SimConfigInput, type Trace } from '../src';
import { runReactive } from './helpers';

const cases: Array<[string, Trace, SimConfigInput, unknown]> = [
  ['a spike with Poisson arrivals', spikeTrace({ durationS: 1200 }), {}, {}],
  ['a step with uniform arrivals and 250 ms ticks', stepTrace({ durationS: 1800 }), { arrivals: 'uniform', tickMs: 250 }, {}],
  ['an overload the cluster cannot absorb', makeTrace('flat', [0], [400], 600), { vms: 1, queueLimit: 20 }, {}],
  ['a ramp with start-up jitter and binpack-free defaults', rampTrace(), { startupJitterS: 20, seed: 5 }, {}],
  ['a run cut off mid-overload', makeTrace('flat', [0], [200], 1000), { durationS: 90, vms: 1 }, {}],
  ['a fast scale-down that drains busy containers', stepTrace({ durationS: 900, downAtS: 600 }), {}, { behavior: { scaleDown: { stabilizationWindowS: 0 } } }],
];

describe('conservation: requests in = served + rejected + still queued', () => {
  it.each(cases)('%s', (_name, trace, config, policy) => {
    const { summary, timeline } = runReactive({ trace, config, policy });
    const { arrived, served, rejected, inFlightAtEnd, conserved } = summary.requests;
    expect(arrived).toBeGreaterThan(0);
    expect(served + rejected + inFlightAtEnd).toBe(arrived);
    // The engine's flag also cross-checks the latency ring against every container's own queue.
    expect(conserved).toBe(true);
    expect(timeline.reduce((s, r) => s + r.arrived, 0)).toBe(arrived);
    expect(timeline.reduce((s, r) => s + r.served, 0)).toBe(served);
    expect(timeline.reduce((s, r) => s + r.rejected, 0)).toBe(rejected);
  });

  it('leaves requests in flight when the run ends during an overload', () => {
    const { summary } = runReactive({ trace: makeTrace('flat', [0], [200], 1000), config: { durationS: 90, vms: 1 } });
    expect(summary.requests.inFlightAtEnd).toBeGreaterThan(0);
    expect(summary.requests.rejected).toBeGreaterThan(0);
  });

  it('counts each container once in container-seconds, starting and draining ones included', () => {
    const { summary, containers } = runReactive({ trace: stepTrace({ durationS: 1800 }), config: { arrivals: 'uniform' } });
    const end = summary.durationS;
    const lifetimes = containers.reduce((s, c) => s + ((c.stoppedAtS ?? end) - c.startedAtS), 0);
    expect(summary.containerSeconds).toBeCloseTo(lifetimes, 6);
    expect(summary.readyContainerSeconds).toBeLessThan(summary.containerSeconds);
  });
});
