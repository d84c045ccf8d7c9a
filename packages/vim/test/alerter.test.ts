/**
 * The alerter and the SLO monitor with fakes for what they read and write: rules and rate limit applied
 * to events, each alert sent recorded as an event, a failing event log not swallowing the alert, and the
 * monitor turning tier-1 latency into one slo-breach per window.
 */
import { createLogger, Histogram } from '@acs/daemon';
import { Alerter, SloMonitor, type Alert, type AlertPayload } from '../src/alerts';
import type { NewEvent } from '../src/events';

const log = createLogger('test', 'silent');

function alerter(minIntervalMs: number, append: (e: NewEvent) => unknown = () => undefined): { alerter: Alerter; sent: AlertPayload[]; outcomes: string[] } {
  const sent: AlertPayload[] = [];
  const outcomes: string[] = [];
  return { alerter: new Alerter({ minIntervalMs, send: (p) => sent.push(p), events: { append }, onOutcome: (kind, outcome) => outcomes.push(`${kind}:${outcome}`), log }), sent, outcomes };
}

const vmDown = (vm: string, at: number): NewEvent => ({ at, kind: 'vm-down', service: null, message: `VM ${vm} is down`, data: { vm, reason: 'peer-closed', containers: 1 } });

test('events become alerts through the rules; one per subject per window; the next says how many were held back', () => {
  const recorded: NewEvent[] = [];
  const { alerter: a, sent, outcomes } = alerter(1000, (e) => recorded.push(e));
  a.observeEvent(vmDown('vm-1', 0));
  a.observeEvent(vmDown('vm-1', 10));
  a.observeEvent(vmDown('vm-2', 20));
  a.observeEvent({ at: 30, kind: 'decision', service: 'web', message: 'steady', data: {} });
  a.observeEvent(vmDown('vm-1', 1000));
  expect(sent.map((p) => [p.vm, p.details['suppressedSinceLast']])).toEqual([
    ['vm-1', undefined],
    ['vm-2', undefined],
    ['vm-1', 1],
  ]);
  expect(outcomes).toEqual(['vm-lost:sent', 'vm-lost:suppressed', 'vm-lost:sent', 'vm-lost:sent']);
  expect(recorded).toHaveLength(3);
  expect(recorded[0]).toEqual({ at: 0, kind: 'alert', service: null, message: 'critical alert vm-lost: VM vm-1 is down', data: { alert: 'vm-lost', severity: 'critical', vm: 'vm-1', details: { reason: 'peer-closed', containers: 1 } } });
});

test('an event log that throws does not stop the alert going out', () => {
  const { alerter: a, sent } = alerter(0, () => {
    throw new Error('disk full');
  });
  a.observeEvent(vmDown('vm-1', 0));
  expect(sent).toHaveLength(1);
});

/** An SLO monitor over one VM, sampled by hand: `second(ms)` records 20 requests of that latency (none for undefined), then samples. */
function sloMonitor(settings: { p99LimitMs: number; breachMs: number }, raise: (alert: Alert) => void): { monitor: SloMonitor; second: (latencyMs: number | undefined) => void } {
  const histogram = new Histogram();
  let now = 0;
  const monitor = new SloMonitor({
    cluster: { all: () => [{ id: 'vm-1' }] },
    traffic: { latencyCounts: () => histogram.rawCounts() },
    settings,
    sampleIntervalMs: 1000,
    raise,
    now: () => now,
  });
  const second = (latencyMs: number | undefined): void => {
    if (latencyMs !== undefined) for (let n = 0; n < 20; n++) histogram.record(latencyMs);
    now += 1000;
    monitor.sample();
  };
  return { monitor, second };
}

test('the SLO monitor raises slo-breach every sample while breached, and the alerter lets one through per window', () => {
  const raised: Alert[] = [];
  const { alerter: a, sent } = alerter(60_000);
  const { second } = sloMonitor({ p99LimitMs: 50, breachMs: 2000 }, (alert) => {
    raised.push(alert);
    a.raise(alert);
  });
  // Slow for 2 s is not yet a breach; from the third second on, every sample raises one.
  [180, 180].forEach(second);
  expect(raised).toHaveLength(0);
  [180, 180, 180].forEach(second);
  expect(raised).toHaveLength(3);
  expect(raised[0]).toMatchObject({ kind: 'slo-breach', severity: 'critical', details: { p99LimitMs: 50, breachSeconds: 2, requestsInSample: 20 } });
  expect((raised[0]!.details as { p99Ms: number }).p99Ms).toBeGreaterThan(100);
  expect(sent.filter((p) => p.kind === 'slo-breach')).toHaveLength(1);
  // Fast again, or idle: the breach is over, and a new one needs the full breach time again.
  [5, undefined, 180, 180].forEach(second);
  expect(raised).toHaveLength(3);
});

test('the SLO monitor says whether the latest sample was over the objective, before any breach is long enough to alert', () => {
  const { monitor, second } = sloMonitor({ p99LimitMs: 50, breachMs: 60_000 }, () => undefined);
  const overAfter = (latencyMs: number | undefined): boolean => {
    second(latencyMs);
    return monitor.overObjective;
  };
  expect(monitor.overObjective).toBe(false);
  // Over at once (the alert would wait 60 s); within, or nothing served, is not over.
  expect([180, 180, 5, 180, undefined].map(overAfter)).toEqual([true, true, false, true, false]);
});
