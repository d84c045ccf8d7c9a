import type { ScalingSnapshot } from '@acs/scaling';
import { makeTrace, runSimulation, type Decider, type DecisionInput, type LoadObservation } from '../src';

const flat15 = makeTrace('flat', [0], [15], 120);

interface Seen {
  snapshot: ScalingSnapshot;
  state: number | undefined;
  history: LoadObservation[];
}

/** A decider that asks for 3 containers from 20 s on, remembering a call count in its state. */
function recordingDecider(seen: Seen[]): Decider<number> {
  return {
    name: 'fixed',
    decide: (input: DecisionInput<number>) => {
      seen.push({ snapshot: input.snapshot, state: input.state, history: [...input.history] });
      const desired = input.now >= 20_000 ? 3 : input.snapshot.currentReplicas;
      return { desired, state: (input.state ?? 0) + 1, explanation: { reason: 'fixed', summary: `asked for ${desired}` }, annotations: { calls: (input.state ?? 0) + 1 } };
    },
  };
}

describe('the decision hook', () => {
  const seen: Seen[] = [];
  const output = runSimulation({ trace: flat15, config: { arrivals: 'uniform', startupS: 10 }, deciders: [recordingDecider(seen)] });
  const result = output.runs[0]!;

  it('is called once per control period with its own state passed back', () => {
    expect(seen.length).toBe(59); // at 2, 4, … 118 s
    expect(seen[0]!.state).toBeUndefined();
    expect(seen.slice(1).map((s) => s.state)).toEqual(Array.from({ length: 58 }, (_, i) => i + 1));
    expect(result.summary.policy).toBe('fixed');
    expect(result.summary.scaling.reasons).toEqual({ fixed: 59 });
  });

  it('gets the load history of every earlier period, as the balancer saw it', () => {
    const last = seen[seen.length - 1]!.history;
    expect(last.length).toBe(59);
    expect(last[0]).toEqual({ at: 2000, offeredRps: 15, servedRps: expect.any(Number) as number, rejectedRps: 0 });
    expect(last.every((h) => h.offeredRps === 15)).toBe(true);
    expect(last.map((h) => h.at)).toEqual(Array.from({ length: 59 }, (_, i) => 2000 * (i + 1)));
  });

  it('sees the VIM-shaped metrics: CPU as a share of the limit, a smoothed rate, starting containers flagged', () => {
    // 15 rps × 40 ms on one container keeps it 60 % busy. The rate starts at 14 (one request still in
    // flight at the first report) and the VIM's smoothing halves the gap each report: 15 − 2⁻¹⁷ by 18 s.
    const early = seen[8]!.snapshot;
    expect(early.containers).toHaveLength(1);
    expect(early.containers[0]!.ready).toBe(true);
    expect(early.containers[0]!.metrics.cpu).toBeCloseTo(60, 6);
    expect(early.containers[0]!.metrics.rps).toBeCloseTo(15, 4);
    expect(seen[0]!.snapshot.containers[0]!.metrics.rps).toBe(14.5); // reports at 0 (baseline), 1 (14), 2 (mean of 14 and 15)
    const whileStarting = seen.find((s) => s.snapshot.now === 22_000)!.snapshot;
    expect(whileStarting.currentReplicas).toBe(3);
    expect(whileStarting.containers.filter((c) => c.starting && !c.ready)).toHaveLength(2);
  });

  it('is obeyed through placement, and its annotations reach the timeline', () => {
    expect(result.summary.replicas.final).toBe(3);
    const row = result.timeline.find((r) => r.t === 20)!;
    expect(row.desired).toBe(3);
    expect(row.reason).toBe('fixed');
    expect(row.notes).toEqual({ calls: 10 });
    const vms = new Set(result.containers.map((c) => c.vm));
    expect(vms.size).toBe(3); // spread
  });
});
