/** A per-second rate from a counter that only grows: the increase since the last reading over the time between. */
export class RateCounter {
  private last: { value: number; at: number } | undefined;

  /** The rate since the previous call (0 on the first, and when the counter went backwards). */
  next(value: number, at: number): number {
    const last = this.last;
    this.last = { value, at };
    if (last === undefined || at <= last.at || value < last.value) return 0;
    return ((value - last.value) * 1000) / (at - last.at);
  }
}
