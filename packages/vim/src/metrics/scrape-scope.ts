/**
 * Values computed at most once per scrape. Several metrics read the same state (every service gauge
 * reads the services' views, which walk every VM); within one scrape they share one read.
 */
export class ScrapeScope {
  private scrape = 0;

  /** Called at the start of each scrape: what was read for the previous one is stale. */
  begin(): void {
    this.scrape++;
  }

  /** `read`, computed on the first call in each scrape and reused by the rest. */
  once<T>(read: () => T): () => T {
    let cached: { scrape: number; value: T } | undefined;
    return () => {
      if (cached?.scrape !== this.scrape) cached = { scrape: this.scrape, value: read() };
      return cached.value;
    };
  }
}
