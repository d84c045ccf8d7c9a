import {
  createDecider,
  createPredictiveDecider,
  makeTrace,
  rampTrace,
  reactiveDecider,
  runSimulation,
  seasonShape,
  stepTrace,
  type ContainerStartup,
  type Decider,
  type SimResult,
  type TimelineRow,
} from '../src';

/** Rows where a decision was taken, with its annotations. */
function decisions(result: SimResult): Array<TimelineRow & { notes: Readonly<Record<string, number>> }> {
  return result.timeline.filter((r): r is TimelineRow & { notes: Readonly<Record<string, number>> } => r.notes !== undefined);
}

// Up fast (the forecast should pre-provision) and down hard (the forecast wants fewer long before reactive may).
const upAndDown = makeTrace(
  'up-and-down',
  [0, 300, 330, 360, 390, 420, 450, 480, 900],
  [20, 40, 70, 100, 130, 160, 190, 200, 10],
  1500,
);

describe('the predictive decider', () => {
  const output = runSimulation({ trace: upAndDown, config: { seed: 4 }, deciders: [reactiveDecider, createDecider('predictive')] });
  const [reactive, predictive] = output.runs;
  const rows = decisions(predictive!);

  it('never asks for fewer containers than the reactive rule, period by period', () => {
    expect(rows.length).toBe(749);
    for (const r of rows) expect(r.desired).toBeGreaterThanOrEqual(r.notes.reactive!);
  });

  it('raises the count on the forecast during the rise, and is ready sooner', () => {
    expect(predictive!.summary.scaling.reasons['forecast-raised']).toBeGreaterThan(0);
    const raised = rows.filter((r) => r.reason === 'forecast-raised');
    expect(raised.every((r) => r.notes.predictive! > r.notes.reactive!)).toBe(true);
    expect(predictive!.summary.slo.violationS).toBeLessThan(reactive!.summary.slo.violationS);
  });

  it('never scales in on the forecast alone: every step down is one the reactive rule asked for', () => {
    let previous = predictive!.summary.replicas.initial;
    let forecastWantedFewer = 0;
    for (const r of rows) {
      if (r.notes.predictive !== undefined && r.notes.predictive < previous && r.notes.reactive! >= previous) {
        forecastWantedFewer++;
        expect(r.desired).toBeGreaterThanOrEqual(previous);
      }
      if (r.desired < previous) expect(r.notes.reactive!).toBeLessThan(previous);
      previous = r.desired;
    }
    // After the fall to 10 req/s the forecast asks for 1 container long before the scale-down window ends.
    expect(forecastWantedFewer).toBeGreaterThan(50);
  });

  it('holds a forecast-raised count for one horizon, then lets the forecast of the moment decide', () => {
    const raisedAt = rows.findIndex((r) => r.reason === 'forecast-raised');
    const horizon = rows[raisedAt]!.notes.horizonSteps!;
    for (const r of rows.slice(raisedAt, raisedAt + horizon)) expect(r.desired).toBeGreaterThanOrEqual(rows[raisedAt]!.desired);
  });

  it('with forecastHold scale-down-window, passes the raise to the reactive rule, whose window then holds it', () => {
    const held = runSimulation({ trace: upAndDown, config: { seed: 4 }, deciders: [createPredictiveDecider({ forecastHold: 'scale-down-window' })] }).runs[0]!;
    const heldRows = decisions(held);
    const raisedAt = heldRows.findIndex((r) => r.reason === 'forecast-raised');
    // recommend() with reactive.state would have forgotten the raise and answered lower again.
    expect(heldRows[raisedAt + 1]!.notes.reactive).toBeGreaterThanOrEqual(heldRows[raisedAt]!.desired);
  });

  it('plans with measured start-ups and learns capacity per container from rps and CPU', () => {
    const d = predictive!.summary.decider!;
    expect(d).toMatchObject({ mode: 'on', level: 0.8, startupSource: 'learned', startupP90Ms: 30_000, horizonSteps: 16, capacitySource: 'learned', model: 'holt' });
    // 25 req/s at 100 % CPU → 15 at the 60 % target.
    expect(d.perContainerRps as number).toBeGreaterThan(13.5);
    expect(d.perContainerRps as number).toBeLessThan(16.5);
    expect(d.forecastPairs as number).toBeGreaterThan(600);
  });

  it('lengthens the horizon when start-ups are slower than configured (jitter)', () => {
    const run = runSimulation({ trace: upAndDown, config: { seed: 4, startupJitterS: 20 }, deciders: [createDecider('predictive')] }).runs[0]!;
    const d = run.summary.decider!;
    expect(d.startupSource).toBe('learned');
    expect(d.startupP90Ms as number).toBeGreaterThan(40_000);
    expect(d.horizonSteps).toBe(Math.ceil(((d.startupP90Ms as number) + 2000) / 2000));
  });

  it('in forecast-only mode keeps the reactive count exactly', () => {
    const dry = runSimulation({ trace: upAndDown, config: { seed: 4 }, deciders: [reactiveDecider, createPredictiveDecider({ mode: 'forecast-only' })] });
    const [r, f] = dry.runs;
    expect(f!.summary.policy).toBe('predictive (forecast-only)');
    expect(f!.timeline.map((row) => row.desired)).toEqual(r!.timeline.map((row) => row.desired));
    expect(f!.summary.decider!.forecastRaisedPeriods as number).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same bytes', () => {
    const again = runSimulation({ trace: upAndDown, config: { seed: 4 }, deciders: [reactiveDecider, createDecider('predictive')] });
    expect(JSON.stringify(again)).toBe(JSON.stringify(output));
  });

  it('refuses bad settings before any run', () => {
    expect(() => createPredictiveDecider({ level: 1 })).toThrow(/level must be within \(0, 1\)/);
    expect(() => createPredictiveDecider({ refitEverySteps: 0 })).toThrow(/refitEverySteps/);
  });
});

describe('--policy both', () => {
  it('runs reactive and predictive on the same arrivals', () => {
    const output = runSimulation({ trace: stepTrace({ durationS: 600, upAtS: 120, downAtS: 400 }), config: { seed: 8 }, deciders: [createDecider('reactive'), createDecider('predictive')] });
    const [r, p] = output.runs;
    expect(r!.summary.policy).toBe('reactive');
    expect(p!.summary.policy).toBe('predictive');
    expect(p!.timeline.map((row) => row.arrived)).toEqual(r!.timeline.map((row) => row.arrived));
    expect(p!.summary.requests.arrived).toBe(r!.summary.requests.arrived);
  });
});

describe('start-ups reported to the decider', () => {
  it('lists each started container once, when it becomes ready, and never the warm-start ones', () => {
    const seen: ContainerStartup[] = [];
    const inner = createDecider('predictive');
    const spy: Decider<unknown> = {
      name: 'spy',
      decide: (input) => {
        seen.push(...input.startups);
        for (const s of input.startups) expect(s.readyAt).toBeLessThanOrEqual(input.now);
        return inner.decide(input);
      },
    };
    const run = runSimulation({ trace: rampTrace(), config: { seed: 2, startupJitterS: 5 }, deciders: [spy] }).runs[0]!;
    const started = run.containers.filter((c) => c.startedAtS > 0 && c.readyAtS !== null);
    expect(seen.map((s) => s.id).sort()).toEqual(started.map((c) => c.id).sort());
    for (const s of seen) {
      expect(s.readyAt - s.startedAt).toBeGreaterThanOrEqual(30_000);
      expect(s.readyAt - s.startedAt).toBeLessThanOrEqual(36_000);
    }
  });
});

describe('seasonShape', () => {
  it('splits a season into whole control periods, about the preferred number of slots', () => {
    expect(seasonShape(86_400 / 30, 2000, 24)).toEqual({ slots: 24, slotSteps: 60 });
    expect(seasonShape(86_400 / 60, 2000, 24)).toEqual({ slots: 24, slotSteps: 30 });
    // 180 periods: 20 slots of 9 is the nearest split to 24.
    expect(seasonShape(360, 2000, 24)).toEqual({ slots: 20, slotSteps: 9 });
  });

  it('gives no season when there is none, or it is not a whole number of periods', () => {
    expect(seasonShape(undefined, 2000, 24)).toBeNull();
    expect(seasonShape(0, 2000, 24)).toBeNull();
    expect(seasonShape(1001, 2000, 24)).toBeNull();
    expect(seasonShape(4, 2000, 24)).toBeNull();
  });
});
