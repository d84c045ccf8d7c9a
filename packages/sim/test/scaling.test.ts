import { makeTrace, stepTrace } from '../src';
import { desiredChanges, runReactive } from './helpers';

/**
 * Expected counts come from the HPA rule desired = ⌈ready × cpu / 60 %⌉ with the default behaviour
 * (scale-up: max(4 containers, 100 %) per 15 s), a 60 s scale-down window, 10 s start-up, 2 s periods.
 * A container serves 25 requests/s at 100 % CPU (0.5 CPU, 20 ms a request), so 15 rps need one container
 * at 60 %, and 90 rps need six.
 */
describe('a step trace', () => {
  const result = runReactive({
    trace: stepTrace({ baseRps: 15, peakRps: 90, upAtS: 120, downAtS: 600, durationS: 900 }),
    config: { arrivals: 'uniform', startupS: 10, timeline: 'tick' },
    policy: { behavior: { scaleDown: { stabilizationWindowS: 60 } } },
  });
  const changes = desiredChanges(result);

  it('starts at the count the first load needs and holds it', () => {
    expect(result.summary.replicas.initial).toBe(1);
    expect(changes[0]).toEqual({ t: 0, desired: 1, reason: undefined });
  });

  it('scales out step by step as containers become ready, then settles at 90 / 15 = 6', () => {
    // 122: one container at 100 % → ⌈1 × 100/60⌉ = 2. While it starts, counting it as 0 reverses the
    // direction, so nothing more happens until it is ready (132) and the next period (134): ⌈2 × 100/60⌉ = 4.
    // Then 4 at 100 % (draining the backlog) → 7, held to 6 by the rate policy, 7 in the next period; with
    // the backlog gone 90 rps on 7 is 51 % → 6 once the 60 s window lets the 7 go.
    expect(changes.map((c) => c.desired)).toEqual([1, 2, 4, 6, 7, 6, 1]);
    expect(changes[1]).toMatchObject({ t: 122, reason: 'scale-up' });
    expect(changes[2]).toMatchObject({ t: 134, reason: 'scale-up' });
    expect(changes[3]).toMatchObject({ reason: 'rate-limited' });
    const atPeak = result.timeline.filter((r) => r.t >= 300 && r.t < 600);
    expect(new Set(atPeak.map((r) => r.desired))).toEqual(new Set([6]));
    expect(new Set(atPeak.map((r) => r.ready))).toEqual(new Set([6]));
  });

  it('scales back in to 15 / 15 = 1, not before the 60 s scale-down window has passed', () => {
    const down = changes[changes.length - 1]!;
    expect(down.desired).toBe(1);
    expect(down.t).toBeGreaterThanOrEqual(600 + 60);
    expect(down.t).toBeLessThanOrEqual(600 + 60 + 2);
    expect(result.summary.replicas.final).toBe(1);
  });

  it('counts the actions and meets the SLO in steady state', () => {
    expect(result.summary.scaling).toMatchObject({ actions: 6, scaleUps: 4, scaleDowns: 2, containersStarted: 6, containersStopped: 6, unplaced: 0 });
    const steady = result.timeline.filter((r) => (r.t >= 300 && r.t < 600) || r.t >= 700);
    expect(steady.every((r) => r.rejected === 0 && r.p99Ms !== null && r.p99Ms <= 41)).toBe(true);
  });

  it('times capacity from the rise until ready capacity covers the load', () => {
    // 90 rps needs 3.6 containers at 100 %: four are ready at 144, 24 s after the rise.
    expect(result.summary.timeToCapacity.list).toEqual([{ atS: 120, durationS: 24, peakShortfallRps: 65 }]);
  });
});

describe('a capacity cap', () => {
  // One VM with room for 2 containers (50 rps) under 100 rps: half the load cannot be served.
  const result = runReactive({
    trace: makeTrace('flat', [0], [100], 300),
    config: { arrivals: 'uniform', vms: 1, maxContainersPerVm: 2, queueLimit: 50, initialReplicas: 1, timeline: 'tick' },
  });
  const { summary } = result;

  it('rejects what the capped cluster cannot serve', () => {
    expect(summary.replicas.peak).toBe(2);
    // Served at most 50/s; the two queues absorb 100 requests before rejections start.
    expect(summary.requests.served).toBeLessThanOrEqual(50 * 300);
    expect(summary.requests.rejected).toBeGreaterThanOrEqual(30_000 - 50 * 300 - 2 * 50);
    expect(summary.requests.rejected + summary.requests.served + summary.requests.inFlightAtEnd).toBe(summary.requests.arrived);
    expect(summary.slo.byRejectionS).toBeGreaterThan(250);
  });

  it('keeps asking for more containers than fit, and reports them as not placed', () => {
    // HPA sees only containers that exist: 2 ready at 100 % ask for ⌈2 × 100/60⌉ = 4, which never fit.
    expect(desiredChanges(result).map((c) => c.desired)).toEqual([1, 2, 4]);
    expect(summary.scaling.unplaced).toBeGreaterThan(0);
    expect(summary.timeToCapacity.list).toEqual([{ atS: 0, durationS: null, peakShortfallRps: 75 }]);
  });

  it('bounds latency by the queue: queueLimit × service time', () => {
    expect(summary.latencyMs.max).toBeLessThanOrEqual(50 * 40);
  });
});
