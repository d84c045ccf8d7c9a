import type { DeciderFact, LoadObservation } from './control/decider';
import type { ReconcileOutcome } from './control/reconciler';
import { LatencyBuffer, LatencyHistogram, percentile } from './model/latency';
import type { CapacityEpisode, SimSummary, TimelineRow } from './result';
import type { TimelineResolution } from './config';

export interface RecorderOptions {
  tickMs: number;
  timeline: TimelineResolution;
  sloMs: number;
  minReplicas: number;
  /** Requests/s one container serves at 100 % of its limit. */
  containerCapacityRps: number;
  /** Requests/s one container serves at the needed utilisation. */
  neededPerContainerRps: number;
  neededUtilisationPct: number;
  /** Upper bound of any latency (queue limit × service time), for the histogram's range. */
  maxLatencyMs: number;
  initialReplicas: number;
}

interface Counts {
  ready: number;
  total: number;
}

/**
 * Everything measured about a run, fed tick by tick and decision by decision; the engine moves requests,
 * this turns what happened into the timeline and the summary. Definitions (also in the README):
 *
 * - SLO violation: a tick whose completed requests have p99 > sloMs, or with any rejection.
 * - needed = max(minReplicas, ⌈offered rps / (capacity per container × needed utilisation)⌉), offered from
 *   the trace; over-provisioning Σ max(0, total − needed), under-provisioning Σ max(0, needed − ready).
 * - time to capacity: from the first tick where offered rps exceeds ready containers × capacity at 100 %
 *   until the first tick where it no longer does.
 */
export class RunRecorder {
  private readonly tickS: number;
  private readonly perTick: boolean;
  private readonly totals = { arrived: 0, served: 0, rejected: 0 };
  private readonly slo = { violation: 0, byLatency: 0, byRejection: 0 };
  private readonly seconds = { container: 0, ready: 0, over: 0, under: 0 };
  private readonly scaling = { decisions: 0, actions: 0, scaleUps: 0, scaleDowns: 0, containersStarted: 0, containersStopped: 0, unplaced: 0 };
  private readonly reasons = new Map<string, number>();
  private readonly episodes: CapacityEpisode[] = [];
  private openEpisode: { episode: CapacityEpisode; startMs: number } | undefined;
  private peakReplicas: number;
  private readonly histogram: LatencyHistogram;

  private readonly rows: TimelineRow[] = [];
  private row: TimelineRow;
  private rowTicks = 0;
  private readonly rowLatencies = new LatencyBuffer();
  private period = { startMs: 0, arrived: 0, served: 0, rejected: 0 };
  private lastCounts: Counts = { ready: 0, total: 0 };
  private pendingDecision: { reason: string; notes: Readonly<Record<string, number>> | undefined } | undefined;
  private ticks = 0;

  constructor(private readonly o: RecorderOptions) {
    this.tickS = o.tickMs / 1000;
    this.perTick = o.timeline === 'tick';
    this.histogram = new LatencyHistogram(o.maxLatencyMs);
    this.peakReplicas = o.initialReplicas;
    this.row = newRow(0, o.initialReplicas);
  }

  /** Closes the control period ending at `now`: what the balancer saw, for the decider's history. */
  closePeriod(now: number): LoadObservation {
    const s = (now - this.period.startMs) / 1000;
    const observation = { at: now, offeredRps: this.period.arrived / s, servedRps: this.period.served / s, rejectedRps: this.period.rejected / s };
    this.period = { startMs: now, arrived: 0, served: 0, rejected: 0 };
    return observation;
  }

  /** A decision taken at the start of the tick at `now`, and what reconciling it did. */
  decision(now: number, from: number, to: number, reason: string, notes: Readonly<Record<string, number>> | undefined, outcome: ReconcileOutcome): void {
    const s = this.scaling;
    s.decisions++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (to !== from) {
      s.actions++;
      if (to > from) s.scaleUps++;
      else s.scaleDowns++;
    }
    s.containersStarted += outcome.started;
    s.unplaced += outcome.unplaced;
    this.pendingDecision = { reason, notes };
    if (!this.perTick) {
      // A period row runs from one decision to the next.
      if (this.ticks > 0) this.rows.push(this.finishRow(this.row, this.rowTicks, this.lastCounts));
      this.row = newRow(now / 1000, to);
      this.rowTicks = 0;
    }
  }

  containersStopped(n: number): void {
    this.scaling.containersStopped += n;
  }

  /**
   * The end of the tick starting at `now`: `expected` requests offered by the trace, `arrived` generated,
   * `rejected` turned away, `completed` the latencies of the requests that finished in it (reordered here).
   */
  tick(now: number, expected: number, arrived: number, rejected: number, completed: Float64Array, counts: Counts, desired: number): void {
    const { tickS } = this;
    const served = completed.length;
    this.ticks++;
    this.histogram.addAll(completed);
    if (!this.perTick) this.rowLatencies.append(completed);
    const p99 = percentile(completed, 0.99);
    this.totals.arrived += arrived;
    this.totals.served += served;
    this.totals.rejected += rejected;
    this.period.arrived += arrived;
    this.period.served += served;
    this.period.rejected += rejected;

    const latencyBad = served > 0 && p99 > this.o.sloMs;
    if (latencyBad || rejected > 0) this.slo.violation += tickS;
    if (latencyBad) this.slo.byLatency += tickS;
    if (rejected > 0) this.slo.byRejection += tickS;

    const offeredRps = expected / tickS;
    const needed = Math.max(this.o.minReplicas, Math.ceil(offeredRps / this.o.neededPerContainerRps - 1e-9));
    this.seconds.container += counts.total * tickS;
    this.seconds.ready += counts.ready * tickS;
    this.seconds.over += Math.max(0, counts.total - needed) * tickS;
    this.seconds.under += Math.max(0, needed - counts.ready) * tickS;
    this.peakReplicas = Math.max(this.peakReplicas, counts.total);
    this.trackCapacity(now, offeredRps - counts.ready * this.o.containerCapacityRps);

    const row = this.perTick ? newRow(now / 1000, desired) : this.row;
    row.offeredRps += expected;
    row.arrived += arrived;
    row.served += served;
    row.rejected += rejected;
    if (this.perTick) {
      if (this.pendingDecision !== undefined) setDecision(row, this.pendingDecision);
      row.p99Ms = served > 0 ? round3(p99) : null;
      this.rows.push(this.finishRow(row, 1, counts));
    } else {
      if (this.pendingDecision !== undefined) setDecision(row, this.pendingDecision);
      this.rowTicks++;
    }
    this.pendingDecision = undefined;
    this.lastCounts = counts;
  }

  timeline(): TimelineRow[] {
    if (!this.perTick && this.ticks > 0 && this.rowTicks > 0) {
      this.rows.push(this.finishRow(this.row, this.rowTicks, this.lastCounts));
      this.rowTicks = 0;
    }
    return this.rows;
  }

  summary(policy: string, inFlightAtEnd: number, queuedInContainers: number, decider?: Readonly<Record<string, DeciderFact>>): SimSummary {
    const { totals, histogram, tickS } = this;
    const resolved = this.episodes.flatMap((e) => (e.durationS === null ? [] : [e.durationS]));
    const durationS = this.ticks * tickS;
    return {
      policy,
      durationS: round3(durationS),
      ticks: this.ticks,
      requests: {
        arrived: totals.arrived,
        served: totals.served,
        rejected: totals.rejected,
        inFlightAtEnd,
        conserved: totals.arrived === totals.served + totals.rejected + inFlightAtEnd && inFlightAtEnd === queuedInContainers,
      },
      latencyMs: {
        mean: histogram.count > 0 ? round3(histogram.sum / histogram.count) : null,
        p50: nullIfNaN(histogram.percentile(0.5)),
        p90: nullIfNaN(histogram.percentile(0.9)),
        p99: nullIfNaN(histogram.percentile(0.99)),
        max: histogram.count > 0 ? round3(histogram.max) : null,
        resolutionMs: round3(histogram.resolutionMs),
      },
      slo: { sloMs: this.o.sloMs, violationS: round3(this.slo.violation), byLatencyS: round3(this.slo.byLatency), byRejectionS: round3(this.slo.byRejection) },
      containerSeconds: round3(this.seconds.container),
      readyContainerSeconds: round3(this.seconds.ready),
      neededUtilisationPct: this.o.neededUtilisationPct,
      overProvisionedContainerSeconds: round3(this.seconds.over),
      underProvisionedContainerSeconds: round3(this.seconds.under),
      replicas: {
        initial: this.o.initialReplicas,
        peak: this.peakReplicas,
        meanTotal: durationS > 0 ? round3(this.seconds.container / durationS) : 0,
        final: this.lastCounts.total,
      },
      scaling: { ...this.scaling, reasons: Object.fromEntries([...this.reasons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) },
      timeToCapacity: {
        episodes: this.episodes.length,
        resolved: resolved.length,
        meanS: resolved.length > 0 ? round3(resolved.reduce((a, b) => a + b, 0) / resolved.length) : null,
        maxS: resolved.length > 0 ? round3(Math.max(...resolved)) : null,
        list: this.episodes.map((e) => ({ ...e, peakShortfallRps: round3(e.peakShortfallRps) })),
      },
      // Last and only when given, so every summary serialises in one key order.
      ...(decider !== undefined ? { decider: { ...decider } } : {}),
    };
  }

  private trackCapacity(now: number, shortfallRps: number): void {
    const open = this.openEpisode;
    if (shortfallRps > 1e-9) {
      if (open === undefined) {
        const episode = { atS: round3(now / 1000), durationS: null, peakShortfallRps: shortfallRps };
        this.episodes.push(episode);
        this.openEpisode = { episode, startMs: now };
      } else {
        open.episode.peakShortfallRps = Math.max(open.episode.peakShortfallRps, shortfallRps);
      }
    } else if (open !== undefined) {
      open.episode.durationS = round3((now - open.startMs) / 1000);
      this.openEpisode = undefined;
    }
  }

  /** Turns the accumulated row into its final form: mean offered rate, replicas as of its last tick, p99 over it. */
  private finishRow(r: TimelineRow, nTicks: number, counts: Counts): TimelineRow {
    if (!this.perTick) {
      const p = percentile(this.rowLatencies.view(), 0.99);
      r.p99Ms = this.rowLatencies.length > 0 ? round3(p) : null;
      this.rowLatencies.clear();
    }
    const { reason, notes, ...rest } = r;
    // Optional keys last and only when set, so every row serialises in one key order.
    return {
      ...rest,
      offeredRps: nTicks > 0 ? round3(r.offeredRps / (nTicks * this.tickS)) : 0,
      ready: counts.ready,
      total: counts.total,
      ...(reason !== undefined ? { reason } : {}),
      ...(notes !== undefined ? { notes } : {}),
    };
  }
}

function setDecision(row: TimelineRow, decision: { reason: string; notes: Readonly<Record<string, number>> | undefined }): void {
  row.reason = decision.reason;
  if (decision.notes !== undefined) row.notes = { ...decision.notes };
}

/** `offeredRps` holds the expected request count until the row is finished. */
function newRow(t: number, desired: number): TimelineRow {
  return { t: round3(t), offeredRps: 0, arrived: 0, served: 0, rejected: 0, p99Ms: null, ready: 0, total: 0, desired };
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function nullIfNaN(x: number): number | null {
  return Number.isNaN(x) ? null : round3(x);
}
