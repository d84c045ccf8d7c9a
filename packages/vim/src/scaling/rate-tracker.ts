/**
 * Requests a second per container, from the cumulative `requestsTotal` each report carries. A rate over
 * the interval between two reports, smoothed a little, because one report's delta at a 1 s interval jumps
 * with every burst and the recommender would chase the noise.
 */
export class RateTracker {
  private readonly seen = new Map<string, { total: number; at: number; rate: number | undefined }>();

  /** Feed the latest cumulative count; returns the smoothed rate, or undefined until two samples exist. */
  observe(containerId: string, total: number, at: number): number | undefined {
    const last = this.seen.get(containerId);
    if (!last) {
      this.seen.set(containerId, { total, at, rate: undefined });
      return undefined;
    }
    if (at <= last.at) return last.rate;
    if (total < last.total) {
      // The counter restarted (agent restarted): start over rather than report a negative rate.
      this.seen.set(containerId, { total, at, rate: undefined });
      return undefined;
    }
    const instant = ((total - last.total) * 1000) / (at - last.at);
    last.rate = last.rate === undefined ? instant : SMOOTHING * instant + (1 - SMOOTHING) * last.rate;
    last.total = total;
    last.at = at;
    return last.rate;
  }

  rate(containerId: string): number | undefined {
    return this.seen.get(containerId)?.rate;
  }

  /** Drops containers no longer reported, so the map does not grow with every container ever run. */
  retain(live: ReadonlySet<string>): void {
    for (const id of this.seen.keys()) if (!live.has(id)) this.seen.delete(id);
  }
}

/** Weight of the newest interval: with 1 s reports, about the last 3 s count. */
const SMOOTHING = 0.5;
