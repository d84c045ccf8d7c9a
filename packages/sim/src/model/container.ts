import { COMPLETION_SLACK_MS } from './time';

/**
 * One simulated container: a single FIFO server running at its CPU limit, so each request takes
 * workMs / cpus of wall time (20 ms of CPU at 0.5 CPU: 40 ms). Its whole queue is summed up by `freeAt`,
 * the instant it will have finished everything accepted: a work-conserving FIFO server is busy without a
 * gap from now until then, so what is in flight, what has completed and how busy it was all follow from
 * `freeAt` and the count accepted, in O(1), with no per-request objects.
 *
 *   starting ──(startupS elapsed, at a tick start)──▶ ready ──(scale-in)──▶ draining ──(queue empty)──▶ stopped
 *       └───────────────────────(scale-in picks a starting one: stopped at once)───────────────────────────┘
 */
export type SimContainerState = 'starting' | 'ready' | 'draining';

export class SimContainer {
  state: SimContainerState = 'starting';
  /** When the server will have finished every accepted request (ms); ≤ now means idle. */
  freeAt: number;
  /** Requests accepted so far. */
  accepted = 0;
  /** When the first request was given to it, for the start-up check; null before. */
  firstDispatchAt: number | null = null;
  becameReadyAt: number | null = null;
  drainingSince: number | null = null;
  stoppedAt: number | null = null;
  /** Wall time per request at the CPU limit. */
  readonly serviceMs: number;

  // What the last report said, as the VMM would send it and the VIM would derive from it.
  /** Busy share of the last report interval, percent of the CPU limit. */
  cpuPct = 0;
  inflight = 0;
  /** Requests/s, smoothed as the VIM's RateTracker does; undefined until two reports were seen. */
  rps: number | undefined = undefined;
  private reportAt: number;
  private reportBusyMs = 0;
  private reportCompleted = 0;
  private reported = false;

  constructor(
    /** Creation order, for deterministic tie-breaks. */
    readonly seq: number,
    readonly id: string,
    readonly vmId: string,
    readonly cpus: number,
    workMs: number,
    readonly startedAt: number,
    /** Earliest instant it may become ready (it does at the first tick start at or after this). */
    readonly readyAt: number,
  ) {
    this.serviceMs = workMs / cpus;
    this.freeAt = startedAt;
    this.reportAt = startedAt;
  }

  /** Requests in service or waiting at `t` (all accepted ones arrived before `t`). */
  inflightAt(t: number): number {
    const remaining = this.freeAt - t - COMPLETION_SLACK_MS;
    return remaining > 0 ? Math.ceil(remaining / this.serviceMs) : 0;
  }

  /** Busy wall time from its start until `t`. */
  busyUpTo(t: number): number {
    return this.accepted * this.serviceMs - Math.max(0, this.freeAt - t);
  }

  completedBy(t: number): number {
    return this.accepted - this.inflightAt(t);
  }

  /**
   * Samples it as the VMM reports it: CPU over the interval since the last report (Docker's stats stream
   * gives one sample a second), in-flight now, and the VIM's requests/s from the change in the cumulative
   * count, smoothed with weight 0.5 on the newest interval (vim/src/scaling/rate-tracker.ts).
   */
  report(now: number): void {
    const interval = now - this.reportAt;
    const busy = this.busyUpTo(now);
    const completed = this.completedBy(now);
    if (interval > 0) {
      this.cpuPct = Math.min(100, Math.max(0, (100 * (busy - this.reportBusyMs)) / interval));
      if (this.reported) {
        const instant = ((completed - this.reportCompleted) * 1000) / interval;
        this.rps = this.rps === undefined ? instant : RATE_SMOOTHING * instant + (1 - RATE_SMOOTHING) * this.rps;
      }
    }
    this.inflight = this.inflightAt(now);
    this.reported = true;
    this.reportAt = now;
    this.reportBusyMs = busy;
    this.reportCompleted = completed;
  }
}

/** The VIM's RateTracker smoothing: with 1 s reports about the last 3 s count. */
export const RATE_SMOOTHING = 0.5;
