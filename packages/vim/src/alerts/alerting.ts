import type { Logger } from '@acs/daemon';
import type { ClusterState } from '../cluster-state';
import type { NewEvent } from '../events';
import type { Tier1Front } from '../traffic/tier1-front';
import type { AlertKind } from './alert';
import { Alerter } from './alerter';
import {
  ALERT_ATTEMPT_TIMEOUT_MS,
  ALERT_FIRST_RETRY_MS,
  ALERT_MAX_ATTEMPTS,
  ALERT_MAX_RETRY_MS,
  ALERT_QUEUE_SIZE,
  DEFAULT_ALERT_MIN_INTERVAL_MS,
  DEFAULT_SLO_BREACH_SECONDS,
  SLO_SAMPLE_INTERVAL_MS,
} from './defaults';
import { SloMonitor } from './slo-monitor';
import { WebhookSender } from './webhook-sender';

export interface AlertingOptions {
  /** Webhooks every alert is POSTed to; none: alerts are only events in the log. */
  webhooks: readonly string[];
  /** @default DEFAULT_ALERT_MIN_INTERVAL_MS */
  minIntervalMs?: number;
  /** Tier-1 p99 objective; undefined: no SLO watch. */
  sloP99Ms?: number;
  /** @default DEFAULT_SLO_BREACH_SECONDS */
  sloBreachSeconds?: number;
  /** @default SLO_SAMPLE_INTERVAL_MS */
  sloSampleIntervalMs?: number;
}

export interface AlertingDeps {
  cluster: ClusterState;
  traffic: Tier1Front;
  events: { append(event: NewEvent): unknown };
  onAlert?: (kind: AlertKind, outcome: 'sent' | 'suppressed' | 'dropped') => void;
  now: () => number;
  log: Logger;
}

export interface RunningAlerting {
  /** Feed every event the control loop appends. */
  observeEvent(event: NewEvent): void;
  /** Tier-1 p99 over the SLO at the latest sample; false when no SLO is set. */
  latencyOverSlo(): boolean;
  close(): void;
}

/** Wires the alerter, its webhook sender and the SLO monitor, and starts the monitor. */
export function startAlerting(options: AlertingOptions, deps: AlertingDeps): RunningAlerting {
  const sender = new WebhookSender({
    urls: options.webhooks,
    attemptTimeoutMs: ALERT_ATTEMPT_TIMEOUT_MS,
    maxAttempts: ALERT_MAX_ATTEMPTS,
    firstDelayMs: ALERT_FIRST_RETRY_MS,
    maxDelayMs: ALERT_MAX_RETRY_MS,
    queueSize: ALERT_QUEUE_SIZE,
    log: deps.log,
    onDropped: (_url, payload) => deps.onAlert?.(payload.kind, 'dropped'),
  });
  const alerter = new Alerter({
    minIntervalMs: options.minIntervalMs ?? DEFAULT_ALERT_MIN_INTERVAL_MS,
    send: (payload) => sender.send(payload),
    events: deps.events,
    onOutcome: deps.onAlert,
    log: deps.log,
  });
  let monitor: SloMonitor | undefined;
  if (options.sloP99Ms !== undefined) {
    monitor = new SloMonitor({
      cluster: deps.cluster,
      traffic: deps.traffic,
      settings: { p99LimitMs: options.sloP99Ms, breachMs: (options.sloBreachSeconds ?? DEFAULT_SLO_BREACH_SECONDS) * 1000 },
      sampleIntervalMs: options.sloSampleIntervalMs ?? SLO_SAMPLE_INTERVAL_MS,
      raise: (alert) => alerter.raise(alert),
      now: deps.now,
    });
    monitor.start();
  }
  let closed = false;
  return {
    latencyOverSlo: () => monitor?.overObjective ?? false,
    observeEvent(event) {
      // After close (VIM shutting down), VMs going away are the shutdown, not news.
      if (!closed) alerter.observeEvent(event);
    },
    close() {
      closed = true;
      monitor?.stop();
      sender.close();
    },
  };
}
