import { Histogram, type HistogramSnapshot } from '@acs/daemon';

/**
 * Counts ingested reports and how late they arrive (VIM receive time − agent sample time). Lag is only
 * meaningful when agent and VIM clocks agree (same host, or NTP).
 */
export interface ReportStatsSnapshot {
  reportsTotal: number;
  lagMs: HistogramSnapshot;
}

export class ReportStats {
  private total = 0;
  private readonly lag = new Histogram();

  record(lagMs: number): void {
    this.total++;
    this.lag.record(lagMs);
  }

  /** Clears the lag histogram (not the total), so a benchmark can measure one window. */
  resetLag(): void {
    this.lag.reset();
  }

  snapshot(): ReportStatsSnapshot {
    return { reportsTotal: this.total, lagMs: this.lag.snapshot() };
  }
}
