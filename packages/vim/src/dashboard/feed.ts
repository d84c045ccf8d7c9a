import type { DashboardSample, DashboardSnapshot } from '@acs/api-types';
import type { Logger } from '@acs/daemon';
import { SampleBuilder } from './sample-builder';
import { buildSnapshot, type SnapshotLimits } from './snapshot-builder';
import type { DashboardSources } from './sources';

export interface DashboardFeedOptions extends SnapshotLimits {
  /** @default 1000 */
  intervalMs: number;
  /** Chart points kept for a newly opened dashboard. @default 300 (five minutes) */
  historySamples: number;
  maxChartVms: number;
}

export const DEFAULT_DASHBOARD_FEED_OPTIONS: DashboardFeedOptions = {
  intervalMs: 1000,
  historySamples: 300,
  maxChartVms: 12,
  maxTreeVms: 64,
  maxEvents: 15,
  forecastHistoryMs: 300_000,
};

type Listener = (snapshot: DashboardSnapshot) => void;

/**
 * The live view's heartbeat: one chart point a second, kept for a few minutes; the full snapshot (tree,
 * events, forecasts) is built only in seconds when someone is watching, once for all of them.
 */
export class DashboardFeed {
  private readonly builder: SampleBuilder;
  private readonly samples: DashboardSample[] = [];
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sources: DashboardSources,
    private readonly log: Logger,
    private readonly options: DashboardFeedOptions = DEFAULT_DASHBOARD_FEED_OPTIONS,
  ) {
    this.builder = new SampleBuilder(sources, options.maxChartVms);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  /** Oldest first. */
  history(): DashboardSample[] {
    return [...this.samples];
  }

  /** The view as of the latest point (taking one first if the feed has not ticked yet). */
  snapshot(): DashboardSnapshot {
    if (this.samples.length === 0) this.tick();
    return buildSnapshot(this.samples[this.samples.length - 1]!, this.sources, this.options);
  }

  /** Calls `listener` with each new snapshot until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Takes one point now and hands the snapshot to the subscribers; the timer calls it every `intervalMs`. */
  tick(): void {
    try {
      this.samples.push(this.builder.build());
      if (this.samples.length > this.options.historySamples) this.samples.shift();
      if (this.listeners.size === 0) return;
      const snapshot = buildSnapshot(this.samples[this.samples.length - 1]!, this.sources, this.options);
      for (const listener of this.listeners) listener(snapshot);
    } catch (error) {
      // A bad second must not stop the feed: log it and try again on the next tick.
      this.log.error({ err: error }, 'dashboard sample failed');
    }
  }
}
