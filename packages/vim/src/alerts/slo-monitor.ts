import { DEFAULT_LATENCY_BOUNDS_MS, type HistogramCounts } from '@acs/daemon';
import { estimateQuantile, histogramDelta, sumHistograms } from '../metrics';
import type { Tier1Front } from '../traffic/tier1-front';
import type { Alert } from './alert';
import { sloStep, type SloSettings, type SloState } from './slo-breach';

export interface SloMonitorDeps {
  cluster: { all(): Iterable<{ id: string }> };
  traffic: Pick<Tier1Front, 'latencyCounts'>;
  settings: SloSettings;
  /** How often tier-1 latency is sampled; each sample's p99 covers the requests since the previous one. */
  sampleIntervalMs: number;
  raise: (alert: Alert) => void;
  now: () => number;
}

/**
 * Watches tier 1's p99 against the SLO: on a timer, sums every VM's latency histogram, takes what was
 * recorded since the last sample, and hands its p99 to the pure {@link sloStep}. While breached it raises
 * an `slo-breach` alert every sample; the alerter's rate limit decides how many go out.
 */
export class SloMonitor {
  private timer: NodeJS.Timeout | undefined;
  private previous: HistogramCounts | undefined;
  private state: SloState = { overSince: null };

  constructor(private readonly deps: SloMonitorDeps) {}

  start(): void {
    this.previous = this.total();
    this.timer = setInterval(() => this.sample(), this.deps.sampleIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Whether the latest sample's p99 was over the objective, breached for long enough or not: the autoscaler
   * holds scale-in on this (a removal while latency already suffers cannot wait out the alert's delay).
   */
  get overObjective(): boolean {
    return this.state.overSince !== null;
  }

  private total(): HistogramCounts {
    const { traffic } = this.deps;
    return sumHistograms(DEFAULT_LATENCY_BOUNDS_MS, [...this.deps.cluster.all()].map((vm) => traffic.latencyCounts(vm.id)));
  }

  /** One sample: what the timer runs; public so a test can step it without real time. */
  sample(): void {
    const total = this.total();
    const window = this.previous ? histogramDelta(total, this.previous) : total;
    this.previous = total;
    const at = this.deps.now();
    const p99Ms = estimateQuantile(window, 0.99);
    const step = sloStep(this.state, { at, p99Ms }, this.deps.settings);
    this.state = step.state;
    if (!step.breached || p99Ms === undefined) return;
    const { p99LimitMs, breachMs } = this.deps.settings;
    const requests = window.counts.reduce((a, b) => a + b, 0);
    this.deps.raise({
      kind: 'slo-breach',
      severity: 'critical',
      service: null,
      vm: null,
      message: `tier-1 p99 latency ${Math.round(p99Ms)} ms is over the ${p99LimitMs} ms objective, for ${Math.round((at - step.state.overSince!) / 1000)} s (limit ${breachMs / 1000} s)`,
      at,
      details: { p99Ms: Math.round(p99Ms * 10) / 10, p99LimitMs, breachSeconds: breachMs / 1000, overSince: new Date(step.state.overSince!).toISOString(), requestsInSample: requests },
    });
  }
}
