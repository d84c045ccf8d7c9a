import { Agent, request, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ArrivalSchedule, type ArrivalMode } from './arrivals';
import { LatencyHistogram, type LatencySummary } from './histogram';
import type { RateFn } from './patterns';

export interface LoadOptions {
  /** Full request URL (http only). */
  url: URL;
  durationS: number;
  /** Stop offering after this many arrivals. */
  maxRequests?: number;
  /** Requests allowed in flight; an arrival beyond it is dropped, never queued. Also the agent's maxSockets. */
  maxInflight: number;
  timeoutMs: number;
  rate: RateFn;
  arrivals: ArrivalMode;
  seed: number;
}

export interface LoadHooks {
  /** Called once per finished second, in order. */
  onSecond?: (row: SecondRow) => void;
  /** Aborting stops the run at once: no more arrivals, in-flight requests aborted and counted. */
  signal?: AbortSignal;
}

/** One per-second row: offered/sent/dropped by intended send second, ok/errors/latency by completion second. */
export interface SecondRow {
  t: number;
  offered: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  p50: number;
  p99: number;
}

export interface LoadResult {
  /** Seconds during which arrivals were offered (the duration, or less after --max-requests or SIGINT). */
  windowS: number;
  /** Seconds from start to the last request settled. */
  elapsedS: number;
  offered: number;
  sent: number;
  /** 2xx responses. */
  ok: number;
  /** Responses other than 2xx, by status code. */
  nonOk: Record<string, number>;
  /** Requests without a response, by kind (timeout, aborted, ECONNREFUSED, ...). */
  errors: Record<string, number>;
  /** Arrivals not sent because --max-inflight requests were already in flight. */
  dropped: number;
  offeredRps: number;
  sentRps: number;
  /** Responses (any status) per second of the offer window. */
  achievedRps: number;
  /** From the intended send time to the end of the response, over every response (any status). */
  latencyMs: LatencySummary;
  interrupted: boolean;
  seconds: SecondRow[];
}

interface OpenRow {
  offered: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  hist: LatencyHistogram;
}

/**
 * Runs an open-loop load: arrivals come from {@link ArrivalSchedule} against a start time; each is sent when its
 * time comes (several at once if the event loop fell behind), so a slow server never slows the offer, and the
 * latency counts from the intended time, so event-loop lag is not hidden either (no coordinated omission).
 */
export async function runLoad(o: LoadOptions, hooks: LoadHooks = {}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.maxInflight });
  const schedule = new ArrivalSchedule(o.rate, o.arrivals, o.durationS, o.seed);
  const total = new LatencyHistogram();
  const rows = new Map<number, OpenRow>();
  const finished: SecondRow[] = [];
  const nonOk: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const inflight = new Set<{ abort: (kind: string) => void }>();
  let offered = 0;
  let sent = 0;
  let ok = 0;
  let dropped = 0;
  let interrupted = false;
  let windowS = o.durationS;
  let nextFinalize = 0;
  const start = performance.now();
  const sinceStartS = (): number => (performance.now() - start) / 1000;

  const row = (s: number): OpenRow => {
    let r = rows.get(s);
    if (r === undefined) {
      r = { offered: 0, sent: 0, ok: 0, errors: 0, dropped: 0, hist: new LatencyHistogram() };
      rows.set(s, r);
    }
    return r;
  };
  const finalizeBefore = (s: number): void => {
    for (; nextFinalize < s; nextFinalize++) {
      const r = rows.get(nextFinalize);
      rows.delete(nextFinalize);
      const out: SecondRow = r
        ? { t: nextFinalize, offered: r.offered, sent: r.sent, ok: r.ok, errors: r.errors, dropped: r.dropped, p50: r.hist.quantile(0.5), p99: r.hist.quantile(0.99) }
        : { t: nextFinalize, offered: 0, sent: 0, ok: 0, errors: 0, dropped: 0, p50: 0, p99: 0 };
      finished.push(out);
      hooks.onSecond?.(out);
    }
  };

  let settle: () => void = () => undefined;
  const send = (intendedS: number): void => {
    const r = row(Math.floor(intendedS));
    offered++;
    r.offered++;
    if (inflight.size >= o.maxInflight) {
      dropped++;
      r.dropped++;
      return;
    }
    sent++;
    r.sent++;
    const intendedMs = start + intendedS * 1000;
    let done = false;
    const complete = (status: number | undefined, errorKind: string | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      inflight.delete(handle);
      const c = row(Math.floor(sinceStartS()));
      if (status !== undefined) {
        const latency = performance.now() - intendedMs;
        total.record(latency);
        c.hist.record(latency);
        if (status >= 200 && status < 300) {
          ok++;
          c.ok++;
        } else {
          nonOk[status] = (nonOk[status] ?? 0) + 1;
          c.errors++;
        }
      } else {
        const kind = errorKind ?? 'error';
        errors[kind] = (errors[kind] ?? 0) + 1;
        c.errors++;
      }
      settle();
    };
    const req = request(o.url, { agent, method: 'GET' }, (res: IncomingMessage) => {
      res.on('data', () => undefined);
      res.on('end', () => complete(res.statusCode ?? 0, undefined));
      res.on('error', () => complete(undefined, 'response'));
    });
    const handle = {
      abort: (kind: string): void => {
        complete(undefined, kind);
        req.destroy();
      },
    };
    inflight.add(handle);
    const timer = setTimeout(() => handle.abort('timeout'), o.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => complete(undefined, err.code ?? err.name));
    req.end();
  };

  // Offer phase: one timer to the next due arrival; everything due when it fires goes out at once.
  await new Promise<void>((resolve) => {
    let next = schedule.next();
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      clearInterval(ticker);
      hooks.signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      interrupted = true;
      windowS = Math.min(o.durationS, sinceStartS());
      stop();
    };
    const ticker = setInterval(() => finalizeBefore(Math.floor(sinceStartS()) - 1), 1000);
    const pump = (): void => {
      const now = sinceStartS();
      while (next !== undefined && next <= now) {
        if (o.maxRequests !== undefined && offered >= o.maxRequests) {
          windowS = next;
          next = undefined;
          break;
        }
        send(next);
        next = schedule.next();
      }
      if (next === undefined) {
        // The window ends at the duration, or when --max-requests cut it short.
        const endS = Math.min(windowS, o.durationS);
        const wait = Math.max(0, endS - sinceStartS()) * 1000;
        timer = setTimeout(stop, wait);
        return;
      }
      timer = setTimeout(pump, Math.max(0, (next - sinceStartS()) * 1000));
    };
    if (hooks.signal?.aborted) return onAbort();
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    pump();
  });

  // Drain: in-flight requests get up to --timeout to finish (each also has its own timer), then are aborted.
  if (interrupted) {
    for (const h of [...inflight]) h.abort('aborted');
  } else if (inflight.size > 0) {
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        for (const h of [...inflight]) h.abort('aborted');
        resolve();
      }, o.timeoutMs);
      const onInterrupt = (): void => {
        interrupted = true;
        for (const h of [...inflight]) h.abort('aborted');
      };
      hooks.signal?.addEventListener('abort', onInterrupt, { once: true });
      settle = (): void => {
        if (inflight.size > 0) return;
        clearTimeout(deadline);
        hooks.signal?.removeEventListener('abort', onInterrupt);
        resolve();
      };
    });
  }
  agent.destroy();
  const elapsedS = sinceStartS();
  // Rows cover the offer window, and later seconds only if responses landed in them (a slow drain).
  finalizeBefore(Math.max(Math.ceil(windowS - 1e-9), ...[...rows.keys()].map((k) => k + 1)));
  const responses = ok + Object.values(nonOk).reduce((a, b) => a + b, 0);
  const per = (n: number): number => (windowS > 0 ? n / windowS : 0);
  return {
    windowS,
    elapsedS,
    offered,
    sent,
    ok,
    nonOk,
    errors,
    dropped,
    offeredRps: per(offered),
    sentRps: per(sent),
    achievedRps: per(responses),
    latencyMs: total.summary(),
    interrupted,
    seconds: finished,
  };
}
