import { dailyTrace, reactiveDecider, runSimulation, spikeTrace, type RunOptions } from '../src';
import { run } from '../src/main';

function options(seed: number): RunOptions {
  return {
    trace: spikeTrace({ durationS: 900 }),
    config: { seed, startupJitterS: 8 },
    deciders: [reactiveDecider],
  };
}

describe('determinism', () => {
  it('gives byte-identical JSON for the same seed', () => {
    const a = JSON.stringify(runSimulation(options(42)));
    const b = JSON.stringify(runSimulation(options(42)));
    expect(a).toBe(b);
  });

  it('gives a different run for another seed', () => {
    const a = runSimulation(options(1)).runs[0]!;
    const b = runSimulation(options(2)).runs[0]!;
    expect(a.summary.requests.arrived).not.toBe(b.summary.requests.arrived);
  });

  it('gives every decider of one run the same arrivals (common random numbers)', () => {
    const output = runSimulation({ ...options(7), deciders: [reactiveDecider, reactiveDecider] });
    const [first, second] = output.runs;
    expect(second!.timeline.map((r) => r.arrived)).toEqual(first!.timeline.map((r) => r.arrived));
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('keeps arrivals independent of the cluster: another policy, the same requests', () => {
    const trace = dailyTrace({ durationS: 3600, periodS: 3600, troughAtS: 0 });
    const base = { trace, config: { seed: 3 }, deciders: [reactiveDecider] };
    const a = runSimulation({ ...base, policy: { maxReplicas: 12 } }).runs[0]!;
    const b = runSimulation({ ...base, policy: { maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowS: 10 } } } }).runs[0]!;
    expect(b.summary.containerSeconds).not.toBe(a.summary.containerSeconds);
    expect(b.timeline.map((r) => r.arrived)).toEqual(a.timeline.map((r) => r.arrived));
  });

  it('prints the same bytes from the CLI with --json', () => {
    const once = (): string => {
      const out: string[] = [];
      const code = run(['--synthetic', 'random-walk', '--duration', '600', '--seed', '9', '--json'], { out: (t) => out.push(t), err: () => undefined });
      expect(code).toBe(0);
      return out.join('\n');
    };
    expect(once()).toBe(once());
  });
});
