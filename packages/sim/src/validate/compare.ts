/**
 * Comparing a replica timeline measured in the real lab with the simulator's for the same trace and
 * settings (the elasticity report's "Validation against reality"). Pure: samples in, aligned rows and
 * figures out; the script that runs the lab (bench/validate-sim.ts) only measures and writes.
 */

/** One observation of the service: the lab samples the web service of GET /api/v1/cluster each second; the sim has a tick row. */
export interface ReplicaSample {
  /** Seconds since the load started. */
  t: number;
  desired: number;
  /** Ready and taking requests. */
  ready: number;
  /** Every live container: ready, starting and draining (what the cluster pays for). */
  total: number;
}

/** Both timelines on one grid of whole seconds. */
export interface AlignedRow {
  t: number;
  offeredRps: number;
  lab: ReplicaSample;
  sim: ReplicaSample;
}

/**
 * Puts both timelines on the grid 0, 1, …, durationS − 1: each second takes the latest sample at or before
 * it (a sampler that fell a second behind on a loaded machine repeats its last value rather than leaving
 * a hole), or the first sample when none is that early. Samples must be sorted by `t`. `offered` gives the
 * trace's rate at a second.
 */
export function alignTimelines(lab: readonly ReplicaSample[], sim: readonly ReplicaSample[], durationS: number, offered: (t: number) => number): AlignedRow[] {
  if (lab.length === 0 || sim.length === 0) throw new RangeError(`both timelines need at least one sample (lab ${lab.length}, sim ${sim.length})`);
  if (!(Number.isSafeInteger(durationS) && durationS > 0)) throw new RangeError(`durationS must be a whole number > 0, got ${String(durationS)}`);
  const labAt = holder(lab);
  const simAt = holder(sim);
  const rows: AlignedRow[] = [];
  for (let t = 0; t < durationS; t++) rows.push({ t, offeredRps: offered(t), lab: { ...labAt(t), t }, sim: { ...simAt(t), t } });
  return rows;
}

/** Sample-and-hold over sorted samples, for increasing `t` only. */
function holder(samples: readonly ReplicaSample[]): (t: number) => ReplicaSample {
  let i = 0;
  return (t) => {
    while (i + 1 < samples.length && samples[i + 1]!.t <= t) i++;
    return samples[i]!;
  };
}

/** One side's figures over the aligned run. */
export interface SideFigures {
  containerSeconds: number;
  readyContainerSeconds: number;
  peakReady: number;
  /** Changes of the desired count, up and down. */
  scaleUps: number;
  scaleDowns: number;
  /** Seconds from the start until N containers were first ready, for N = 1 … the larger peak of the two. Null: never. */
  timeToReady: Array<{ replicas: number; atS: number | null }>;
  /** Seconds from the first scale-up decision until the peak count was first ready: how long scale-out took. */
  timeToCapacityS: number | null;
}

export interface TimelineComparison {
  durationS: number;
  lab: SideFigures;
  sim: SideFigures;
  /** Mean |lab ready − sim ready| over the seconds. */
  meanAbsReadyGap: number;
  /** Share of seconds with the same ready count. */
  sameReadyShare: number;
  /** sim container-seconds ÷ lab's − 1. */
  containerSecondsGap: number;
}

export function compareTimelines(rows: readonly AlignedRow[]): TimelineComparison {
  if (rows.length === 0) throw new RangeError('no aligned rows to compare');
  const peak = Math.max(...rows.map((r) => Math.max(r.lab.ready, r.sim.ready)));
  const lab = figures(rows.map((r) => r.lab), peak);
  const sim = figures(rows.map((r) => r.sim), peak);
  let gap = 0;
  let same = 0;
  for (const r of rows) {
    gap += Math.abs(r.lab.ready - r.sim.ready);
    if (r.lab.ready === r.sim.ready) same++;
  }
  return {
    durationS: rows.length,
    lab,
    sim,
    meanAbsReadyGap: gap / rows.length,
    sameReadyShare: same / rows.length,
    containerSecondsGap: lab.containerSeconds > 0 ? sim.containerSeconds / lab.containerSeconds - 1 : 0,
  };
}

function figures(samples: readonly ReplicaSample[], peakOfBoth: number): SideFigures {
  let containerSeconds = 0;
  let readyContainerSeconds = 0;
  let peakReady = 0;
  let scaleUps = 0;
  let scaleDowns = 0;
  let firstUpAt: number | null = null;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    containerSeconds += s.total;
    readyContainerSeconds += s.ready;
    peakReady = Math.max(peakReady, s.ready);
    const before = samples[i - 1];
    if (before !== undefined && s.desired > before.desired) {
      scaleUps++;
      firstUpAt ??= s.t;
    }
    if (before !== undefined && s.desired < before.desired) scaleDowns++;
  }
  const timeToReady: SideFigures['timeToReady'] = [];
  for (let n = 1; n <= peakOfBoth; n++) timeToReady.push({ replicas: n, atS: samples.find((s) => s.ready >= n)?.t ?? null });
  const peakAt = samples.find((s) => s.ready >= peakReady)?.t ?? null;
  const timeToCapacityS = firstUpAt === null || peakAt === null || peakAt < firstUpAt ? null : peakAt - firstUpAt;
  return { containerSeconds, readyContainerSeconds, peakReady, scaleUps, scaleDowns, timeToReady, timeToCapacityS };
}

/**
 * Start-to-ready times read off a timeline sampled each second: each time `starting` rises, the new
 * starts are matched first-in-first-out with the next rises of `ready`. At one-second sampling the answer
 * is good to a second, which is what the simulator's whole-tick start-up can use anyway.
 */
export function startupTimesFromSamples(samples: ReadonlyArray<{ t: number; ready: number; starting: number }>): number[] {
  const pending: number[] = [];
  const out: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    // Containers that became ready this second left `starting`: starts seen = Δstarting + Δready (≥ 0).
    const becameReady = Math.max(0, b.ready - a.ready);
    const started = Math.max(0, b.starting - a.starting + becameReady);
    for (let k = 0; k < started; k++) pending.push(b.t);
    for (let k = 0; k < becameReady && pending.length > 0; k++) out.push(b.t - pending.shift()!);
  }
  return out;
}

/** The median of measured start-to-ready times in whole seconds, at least 1 (the simulator's tick); 1 with none measured. */
export function medianStartupS(durationsS: readonly number[]): number {
  if (durationsS.length === 0) return 1;
  const sorted = [...durationsS].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.max(1, Math.round(median));
}
