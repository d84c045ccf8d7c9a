import { recommend, validateScalingPolicy, type Recommendation } from '@acs/scaling';
import { DEFAULT_PREDICTIVE_SETTINGS, mergedPredictive, ServiceForecast, type PredictiveSettings } from '../src/scaling/service-forecast';

const STEP_MS = 2000;
const POLICY = validateScalingPolicy({ minReplicas: 1, maxReplicas: 20, metrics: [{ metric: 'cpu', target: 60 }] });

/** Reactive recommendation for `ready` containers all at `cpu`% with `current` asked for. */
function reactive(current: number, cpu: number, now: number): Recommendation {
  const containers = Array.from({ length: current }, (_, i) => ({ id: `c${i}`, ready: true, starting: false, metrics: { cpu } }));
  return recommend({ now, currentReplicas: current, containers }, POLICY, undefined);
}

function forecaster(settings: Partial<PredictiveSettings> = {}): ServiceForecast {
  return new ServiceForecast({ ...DEFAULT_PREDICTIVE_SETTINGS, defaultCapacityRps: 10, ...settings }, STEP_MS, 60);
}

/** Feeds a ramp of arrival rates, one point per control period, ending at `now`. */
function ramp(f: ServiceForecast, points: number, from: number, perStep: number): number {
  let now = 0;
  for (let i = 0; i < points; i++) {
    now = i * STEP_MS;
    f.observe(now, from + perStep * i, null);
  }
  return now;
}

describe('ServiceForecast', () => {
  test("off: no say in the count, but the history and model are kept for the view", () => {
    const f = forecaster({ mode: 'off' });
    const now = ramp(f, 60, 10, 1);
    expect(f.combine(reactive(3, 60, now), 2000)).toBeUndefined();
    const view = f.view('web', now, 2000);
    expect(view.history).toHaveLength(60);
    expect(view.model?.kind).toBe('holt');
    expect(view.forecast.length).toBe(view.horizonSteps);
  });

  test('on: a rising load is provisioned ahead of the reactive count, never below it', () => {
    const f = forecaster({ mode: 'on' });
    // 10 → 69 req/s and still climbing 1 req/s per period; capacity 10 req/s per container.
    const now = ramp(f, 60, 10, 1);
    const combined = f.combine(reactive(3, 60, now), 2000)!;
    expect(combined.reactive).toBe(3);
    expect(combined.predictive).toBeGreaterThanOrEqual(7);
    expect(combined.desired).toBe(Math.max(combined.reactive, combined.predictive!));
  });

  test('forecast-only: reports what it would do and changes nothing', () => {
    const f = forecaster({ mode: 'forecast-only' });
    const now = ramp(f, 60, 10, 1);
    const combined = f.combine(reactive(3, 60, now), 2000)!;
    expect(combined.desired).toBe(3);
    expect(combined.wouldBe).toBeGreaterThan(3);
  });

  test('a falling forecast never scales in on its own', () => {
    const f = forecaster({ mode: 'on' });
    const now = ramp(f, 60, 200, -3);
    const combined = f.combine(reactive(8, 60, now), 2000)!;
    expect(combined.desired).toBeGreaterThanOrEqual(8);
  });

  test('periods with no observation become gaps, so the history stays aligned with time', () => {
    const f = forecaster();
    f.observe(0, 5, null);
    f.observe(STEP_MS, 6, null);
    f.observe(5 * STEP_MS, 7, null); // three periods missed (e.g. a restart)
    const view = f.view('web', 5 * STEP_MS, 2000);
    expect(view.history.map((h) => h.rps)).toEqual([5, 6, null, null, null, 7]);
  });

  test('a restart resumes from the saved history and model', () => {
    const f = forecaster({ mode: 'on' });
    const now = ramp(f, 80, 20, 0.5);
    const saved = JSON.parse(JSON.stringify(f.toJSON())) as ReturnType<ServiceForecast['toJSON']>;
    const restored = new ServiceForecast({ ...DEFAULT_PREDICTIVE_SETTINGS, mode: 'on', defaultCapacityRps: 10 }, STEP_MS, 60, saved);
    const a = f.view('web', now, 2000);
    const b = restored.view('web', now, 2000);
    expect(b.history).toEqual(a.history);
    expect(b.forecast).toEqual(a.forecast);
  });

  test('capacity is learned from container samples averaged over 15 periods, the default until then', () => {
    const f = forecaster({ mode: 'on' });
    let now = 0;
    // 15 req/s per container at the 60% CPU target: 15 req/s of capacity once 10 averaged samples are in.
    for (let i = 0; i < 149; i++) f.observe((now = i * STEP_MS), 40, { rps: 15, cpuPct: 60 });
    f.combine(reactive(3, 60, now), 2000);
    expect(f.view('web', now, 2000).recommendation?.perContainerRps).toBe(10);
    f.observe((now += STEP_MS), 40, { rps: 15, cpuPct: 60 });
    f.combine(reactive(3, 60, now), 2000);
    expect(f.view('web', now, 2000).recommendation?.perContainerRps).toBeCloseTo(15);
  });

  test('start-up times lengthen the horizon', () => {
    const f = forecaster();
    const before = f.view('web', 0, 2000).horizonSteps;
    for (let i = 0; i < 10; i++) f.recordStartup(30_000);
    expect(f.view('web', 0, 2000).horizonSteps).toBeGreaterThan(before);
    expect(f.view('web', 0, 2000).horizonSteps).toBe(16); // ceil((30 s + 2 s) / 2 s)
  });
});

describe('mergedPredictive', () => {
  test('applies a valid patch', () => {
    const problems: Array<{ path: string; message: string }> = [];
    expect(mergedPredictive(DEFAULT_PREDICTIVE_SETTINGS, { mode: 'on', level: 0.9, seasonSlots: 24, seasonSlotSteps: 1800 }, problems)).toMatchObject({ mode: 'on', level: 0.9, seasonSlots: 24, seasonSlotSteps: 1800 });
    expect(problems).toEqual([]);
  });

  test('lists every problem, each naming its field', () => {
    const problems: Array<{ path: string; message: string }> = [];
    expect(mergedPredictive(DEFAULT_PREDICTIVE_SETTINGS, { mode: 'maybe', level: 1.5, defaultCapacityRps: -1, seasonSlots: 1, seasonSlotSteps: 0.5, colour: 'red' }, problems)).toBeUndefined();
    expect(problems.map((p) => p.path)).toEqual(['predictive.mode', 'predictive.level', 'predictive.defaultCapacityRps', 'predictive.seasonSlots', 'predictive.seasonSlotSteps', 'predictive.colour']);
  });
});
