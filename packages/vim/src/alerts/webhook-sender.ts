import type { Logger } from '@acs/daemon';
import type { AlertPayload } from './alert';
import { postJson } from './post-json';
import { delayBeforeAttempt, isRetryableStatus, type DeliveryPolicy } from './delivery-plan';

export interface WebhookSenderOptions extends DeliveryPolicy {
  urls: readonly string[];
  /** One attempt that has not answered within this long is aborted (and retried). */
  attemptTimeoutMs: number;
  /** Alerts waiting per webhook; when full, the oldest waiting is dropped for the newest. */
  queueSize: number;
  log: Logger;
  /** Told when an alert is dropped from a full queue. */
  onDropped?: (url: string, payload: AlertPayload) => void;
}

/**
 * Posts alerts to webhooks, fire-and-forget: `send` only queues and returns. Each webhook has its own
 * bounded queue and one delivery at a time, so a dead or hanging receiver delays only its own alerts,
 * and costs the VIM one timer and one socket, never the control loop's time.
 */
export class WebhookSender {
  private readonly queues: Map<string, AlertPayload[]>;
  private readonly busy = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {
    this.queues = new Map(options.urls.map((url) => [url, []]));
  }

  send(payload: AlertPayload): void {
    if (this.closing.signal.aborted) return;
    for (const [url, queue] of this.queues) {
      if (queue.length >= this.options.queueSize) {
        const dropped = queue.shift()!;
        this.options.log.warn({ url: redact(url), kind: dropped.kind, queueSize: this.options.queueSize }, 'alert queue full; oldest alert dropped');
        this.options.onDropped?.(url, dropped);
      }
      queue.push(payload);
      if (!this.busy.has(url)) void this.drain(url);
    }
  }

  /** Stops every retry timer and aborts deliveries in progress; alerts still queued are not sent. */
  close(): void {
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async drain(url: string): Promise<void> {
    this.busy.add(url);
    const queue = this.queues.get(url)!;
    try {
      while (queue.length > 0 && !this.closing.signal.aborted) await this.deliver(url, queue.shift()!);
    } finally {
      this.busy.delete(url);
    }
  }

  /** Tries one alert until it is delivered, refused for good, or its attempts are used up. Never throws. */
  private async deliver(url: string, payload: AlertPayload): Promise<void> {
    let lastProblem = '';
    for (let attempt = 1; ; attempt++) {
      const delayMs = delayBeforeAttempt(attempt, this.options);
      if (delayMs === undefined) break;
      if (delayMs > 0 && !(await this.wait(delayMs))) return;
      try {
        const status = await postJson(url, JSON.stringify(payload), this.options.attemptTimeoutMs, this.closing.signal);
        if (status >= 200 && status < 300) {
          this.options.log.debug({ url: redact(url), kind: payload.kind, attempt }, 'alert delivered');
          return;
        }
        lastProblem = `HTTP ${status}`;
        if (!isRetryableStatus(status)) break;
      } catch (error) {
        if (this.closing.signal.aborted) return;
        lastProblem = describe(error);
      }
    }
    this.options.log.warn({ url: redact(url), kind: payload.kind, attempts: this.options.maxAttempts, problem: lastProblem }, 'alert not delivered; giving up on it');
  }

  /** Resolves true after `ms`, or false at once if the sender is closed meanwhile. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(false);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.closing.signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      timer.unref();
      this.timers.add(timer);
      this.closing.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Webhook URLs often carry a token in their path or query; logs get the origin only. */
function redact(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
