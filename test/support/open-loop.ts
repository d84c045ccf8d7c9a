import { Agent, request } from 'node:http';

/** One request that got no 2xx: when it was sent and settled (ms since the epoch), and why it failed. */
export interface FailedRequest {
  sentAt: number;
  endedAt: number;
  reason: string;
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: FailedRequest[];
  /** Latency percentiles over every request that got a response, in ms. */
  p50Ms: number;
  p99Ms: number;
}

export interface OpenLoopOptions {
  url: string;
  ratePerSecond: number;
  /** Hard bound: the load stops by itself after this long even if nobody calls stop(). */
  maxSeconds: number;
  timeoutMs?: number;
}

/**
 * A steady open-loop load: one GET every 1/rate seconds whatever the answers, so a fault shows up as
 * failed requests instead of a slower offer. Unlike the loadgen runner it keeps each failure's send and
 * settle time, which is what the chaos tests compare with the instant of the fault.
 */
export class OpenLoop {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly latencies: number[] = [];
  private readonly failed: FailedRequest[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private sent = 0;
  private ok = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly finished: Promise<void>;
  private endOffer: () => void = () => undefined;

  constructor(private readonly options: OpenLoopOptions) {
    const started = Date.now();
    const intervalMs = 1000 / options.ratePerSecond;
    const limit = Math.ceil(options.ratePerSecond * options.maxSeconds);
    this.finished = new Promise((resolve) => {
      this.endOffer = resolve;
      const tick = (): void => {
        // Send everything due by now, so a busy event loop does not lower the offered rate.
        while (!this.stopped && this.sent < limit && started + this.sent * intervalMs <= Date.now()) this.fire();
        if (this.stopped || this.sent >= limit) {
          resolve();
          return;
        }
        this.timer = setTimeout(tick, Math.max(0, started + this.sent * intervalMs - Date.now()));
      };
      tick();
    });
  }

  /** Requests sent so far that got no 2xx. */
  get failures(): readonly FailedRequest[] {
    return this.failed;
  }

  get sentSoFar(): number {
    return this.sent;
  }

  /** Stops offering, waits for what is in flight, and sums up. */
  async stop(): Promise<OpenLoopResult> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.endOffer();
    await this.finished;
    await Promise.all([...this.inFlight]);
    this.agent.destroy();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return { sent: this.sent, ok: this.ok, failed: [...this.failed], p50Ms: at(0.5), p99Ms: at(0.99) };
  }

  private fire(): void {
    this.sent++;
    const sentAt = Date.now();
    const done = new Promise<void>((resolve) => {
      let settled = false;
      const settle = (status: number | undefined, reason: string): void => {
        if (settled) return;
        settled = true;
        const endedAt = Date.now();
        if (status !== undefined) this.latencies.push(endedAt - sentAt);
        if (status !== undefined && status >= 200 && status < 300) this.ok++;
        else this.failed.push({ sentAt, endedAt, reason });
        resolve();
      };
      const req = request(this.options.url, { agent: this.agent, method: 'GET', timeout: this.options.timeoutMs ?? 15_000 }, (res) => {
        // The JSON error code of a failure (e.g. no-ready-backend) says which tier gave up and why.
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          if (body.length < 512) body += text;
        });
        res.on('end', () => settle(res.statusCode, `HTTP ${res.statusCode}${errorCodeOf(body)}`));
        res.on('error', (error) => settle(undefined, error.message));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error: NodeJS.ErrnoException) => settle(undefined, error.code ?? error.message));
      req.end();
    });
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }
}

/** One line for the reliability doc: what was sent, what failed and why. */
export function describeLoad(result: OpenLoopResult): string {
  const reasons = new Map<string, number>();
  for (const f of result.failed) reasons.set(f.reason, (reasons.get(f.reason) ?? 0) + 1);
  const why = [...reasons].map(([reason, n]) => `${reason}×${n}`).join(', ');
  return `sent=${result.sent} ok=${result.ok} failed=${result.failed.length}${why ? ` (${why})` : ''} p50=${result.p50Ms}ms p99=${result.p99Ms}ms`;
}

function errorCodeOf(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: unknown }).error;
    return typeof code === 'string' ? ` ${code}` : '';
  } catch {
    return '';
  }
}
