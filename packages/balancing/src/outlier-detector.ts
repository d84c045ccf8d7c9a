/**
 * Passive outlier ejection, as in Envoy and NGINX's max_fails: a backend that fails several requests in a
 * row is taken out of rotation for a while, judged only by the traffic already flowing to it (no probes).
 * It reacts in a handful of requests, long before a periodic health check would notice, and a backend that
 * keeps failing is kept out longer each time. The clock is injected (every method takes `now` in ms) and
 * there are no timers: an ejection simply ends when `now` reaches its `until`.
 */

export interface OutlierSettings {
  /** Consecutive failures (connect error, timeout, or 5xx) that eject a backend. @default 5 */
  consecutiveFailures: number;
  /** First ejection length; each further ejection of the same backend doubles it, up to maxEjectionMs. @default 10_000 */
  baseEjectionMs: number;
  /** @default 300_000 */
  maxEjectionMs: number;
  /** At most this share of the known backends is ejected at once (0–100), always leaving at least one. @default 50 */
  maxEjectedPercent: number;
}

export const DEFAULT_OUTLIER_SETTINGS: Readonly<OutlierSettings> = Object.freeze({
  consecutiveFailures: 5,
  baseEjectionMs: 10_000,
  maxEjectionMs: 300_000,
  maxEjectedPercent: 50,
});

export type AttemptResult = 'success' | 'failure';

interface BackendState {
  /** Failures since the last success or ejection. */
  failures: number;
  /** Ejections so far, before decay is applied (see `currentEjections`). */
  ejections: number;
  /** When the latest ejection ends (or ended); -Infinity if never ejected. */
  until: number;
  /** Length of the latest ejection, which sets how long the backend must then stay healthy for the count to reset. */
  lastEjectionMs: number;
}

const SETTING_KEYS = Object.keys(DEFAULT_OUTLIER_SETTINGS) as ReadonlyArray<keyof OutlierSettings>;

export class OutlierDetector {
  private current: Readonly<OutlierSettings>;
  /**
   * Only backends with something to remember (failures, an ejection, a count not yet decayed) have an
   * entry, so a healthy fleet costs nothing and one that churns without `forget` stays bounded.
   */
  private readonly backends = new Map<string, BackendState>();

  constructor(settings: Partial<OutlierSettings> = {}) {
    this.current = resolveSettings(DEFAULT_OUTLIER_SETTINGS, settings);
  }

  get settings(): Readonly<OutlierSettings> {
    return this.current;
  }

  /**
   * Applies to later decisions: thresholds, budget and the length of later ejections. Ejections already
   * under way keep their `until`. All or nothing: an invalid value throws and leaves the settings as they were.
   */
  updateSettings(settings: Partial<OutlierSettings>): void {
    this.current = resolveSettings(this.current, settings);
  }

  /**
   * Records one attempt's result; may eject. Returns true when this call ejected the backend.
   * `knownBackends` is the size of the pool the ejection budget is a share of, this backend included.
   */
  record(id: string, result: AttemptResult, now: number, knownBackends: number): boolean {
    const state = this.backends.get(id);
    // Results that arrive while ejected are from requests dispatched before the ejection (or from a caller
    // that ignores it); they say nothing about whether the backend has recovered, so they neither extend
    // the ejection nor pre-load the count for when it comes back.
    if (state !== undefined && now < state.until) return false;

    if (result === 'success') {
      if (state === undefined) return false;
      state.failures = 0;
      state.ejections = currentEjections(state, now);
      if (state.ejections === 0) this.backends.delete(id);
      return false;
    }

    const entry = state ?? { failures: 0, ejections: 0, until: -Infinity, lastEjectionMs: 0 };
    if (state === undefined) this.backends.set(id, entry);
    entry.failures++;
    entry.ejections = currentEjections(entry, now);
    // At or past the threshold but over budget, the count is kept: the next failure tries again, so the
    // backend goes out as soon as another one comes back instead of needing a fresh run of failures.
    if (entry.failures < this.current.consecutiveFailures) return false;
    if (this.ejectedCount(now) >= ejectionBudget(knownBackends, this.current.maxEjectedPercent)) return false;

    entry.ejections++;
    const { baseEjectionMs, maxEjectionMs } = this.current;
    // 2 ** n overflows to Infinity for a very long-failing backend, which Math.min turns into the cap.
    entry.lastEjectionMs = Math.min(maxEjectionMs, baseEjectionMs * 2 ** (entry.ejections - 1));
    entry.until = now + entry.lastEjectionMs;
    // It returns with a clean slate: it must fail a full run again to be ejected again.
    entry.failures = 0;
    return true;
  }

  /** True from the ejecting `record` until, but not including, its `until`. */
  isEjected(id: string, now: number): boolean {
    const state = this.backends.get(id);
    return state !== undefined && now < state.until;
  }

  /** Backends ejected right now, with when they return (for the admin API); soonest back first, then by id. */
  ejected(now: number): Array<{ id: string; until: number; ejections: number }> {
    const out: Array<{ id: string; until: number; ejections: number }> = [];
    for (const [id, state] of this.backends) {
      if (now < state.until) out.push({ id, until: state.until, ejections: state.ejections });
    }
    return out.sort((a, b) => a.until - b.until || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Drops all state of a backend that left the pool, so it no longer uses up the ejection budget. */
  forget(id: string): void {
    this.backends.delete(id);
  }

  private ejectedCount(now: number): number {
    let count = 0;
    for (const state of this.backends.values()) if (now < state.until) count++;
    return count;
  }
}

/**
 * The ejection count after decay: a backend that stayed healthy (no new ejection) for twice its last
 * ejection after coming back starts again from the base length, so one bad minute long ago does not
 * double every later ejection forever. Computed from the timestamps rather than by a timer.
 */
function currentEjections(state: BackendState, now: number): number {
  return now >= state.until + 2 * state.lastEjectionMs ? 0 : state.ejections;
}

/**
 * How many of `knownBackends` may be out at once. Never all of them: with every backend ejected the
 * balancer would have nothing to send to, and a struggling backend still beats a certain 503. Also the
 * guard against a shared failure (a bad deploy, a dead dependency) ejecting the whole pool.
 */
function ejectionBudget(knownBackends: number, maxEjectedPercent: number): number {
  // A nonsensical pool size (NaN, negative, a lone backend) fails safe: nothing is ejected.
  if (!Number.isFinite(knownBackends) || knownBackends < 2) return 0;
  const known = Math.floor(knownBackends);
  return Math.min(Math.floor((known * maxEjectedPercent) / 100), known - 1);
}

/** Merges and validates; throws before anything is applied. Undefined values in the patch leave a setting as it was. */
function resolveSettings(base: Readonly<OutlierSettings>, patch: Partial<OutlierSettings>): Readonly<OutlierSettings> {
  const next: OutlierSettings = { ...base };
  for (const key of SETTING_KEYS) {
    const value = patch[key];
    if (value !== undefined) next[key] = value;
  }
  for (const key of ['consecutiveFailures', 'baseEjectionMs', 'maxEjectionMs'] as const) {
    if (!Number.isSafeInteger(next[key]) || next[key] <= 0) {
      throw new RangeError(`outlier setting ${key} must be a positive integer, got ${show(next[key])}`);
    }
  }
  const { maxEjectedPercent } = next;
  if (typeof maxEjectedPercent !== 'number' || !(maxEjectedPercent >= 0 && maxEjectedPercent <= 100)) {
    throw new RangeError(`outlier setting maxEjectedPercent must be between 0 and 100, got ${show(maxEjectedPercent)}`);
  }
  if (next.maxEjectionMs < next.baseEjectionMs) {
    throw new RangeError(
      `outlier setting maxEjectionMs (${next.maxEjectionMs}) must be at least baseEjectionMs (${next.baseEjectionMs})`,
    );
  }
  return Object.freeze(next);
}

/** Settings often come from JSON config; JSON.stringify keeps a stray string from forging log lines. */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
}
