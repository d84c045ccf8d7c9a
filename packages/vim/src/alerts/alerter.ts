import type { Logger } from '@acs/daemon';
import type { NewEvent } from '../events';
import { alertPayload, alertSubject, type Alert, type AlertPayload } from './alert';
import { alertFromEvent } from './alert-rules';
import { rateLimit, type RateLimitEntry } from './rate-limit';

export interface AlerterDeps {
  /** At most one alert per kind and subject this often. */
  minIntervalMs: number;
  /** Where alerts go out (the webhook sender); must not block. */
  send: (payload: AlertPayload) => void;
  /** The event log: every alert sent is also an `alert` event. */
  events: { append(event: NewEvent): unknown };
  /** Told of every alert raised and what became of it (metrics). */
  onOutcome?: (kind: Alert['kind'], outcome: 'sent' | 'suppressed') => void;
  log: Logger;
}

/** Rate-limit entries kept before old ones (older than the interval, so no longer limiting) are swept. */
const MAX_SUBJECTS = 1000;

/**
 * Turns what happens into alerts: events of the control loop through the pure rules, SLO breaches from
 * the SLO monitor. Rate-limits them per kind and subject, records each one sent in the event log, and
 * hands it to the sender. Synchronous and cheap: it runs inside the control loop's event appends.
 */
export class Alerter {
  private readonly limits = new Map<string, RateLimitEntry>();

  constructor(private readonly deps: AlerterDeps) {}

  observeEvent(event: NewEvent): void {
    const alert = alertFromEvent(event);
    if (alert) this.raise(alert);
  }

  raise(alert: Alert): void {
    const subject = alertSubject(alert);
    const decision = rateLimit(this.limits.get(subject), alert.at, this.deps.minIntervalMs);
    this.limits.set(subject, decision.next);
    if (!decision.send) {
      this.deps.onOutcome?.(alert.kind, 'suppressed');
      return;
    }
    if (this.limits.size > MAX_SUBJECTS) this.sweep(alert.at);
    const sent: Alert = decision.suppressed > 0 ? { ...alert, details: { ...alert.details, suppressedSinceLast: decision.suppressed } } : alert;
    try {
      this.deps.events.append({
        at: sent.at,
        kind: 'alert',
        service: sent.service,
        message: `${sent.severity} alert ${sent.kind}: ${sent.message}`,
        data: { alert: sent.kind, severity: sent.severity, vm: sent.vm, details: sent.details },
      });
    } catch (error) {
      // The webhook is the alert's other way out; an event log that fails must not swallow it.
      this.deps.log.error({ err: (error as Error).message, kind: sent.kind }, 'could not record an alert in the event log');
    }
    this.deps.log.warn({ kind: sent.kind, severity: sent.severity, service: sent.service, vm: sent.vm }, sent.message);
    this.deps.onOutcome?.(sent.kind, 'sent');
    this.deps.send(alertPayload(sent));
  }

  private sweep(now: number): void {
    for (const [subject, entry] of this.limits) if (now - entry.sentAt >= this.deps.minIntervalMs) this.limits.delete(subject);
  }
}
