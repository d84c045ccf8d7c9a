/** The pure decisions behind alerts: which event alerts, rate limit, SLO breach window, retry plan, webhook URLs. */
import type { NewEvent } from '../src/events';
import { alertFromEvent, alertPayload, alertSubject, delayBeforeAttempt, isRetryableStatus, rateLimit, sloStep, type RateLimitEntry, type SloState } from '../src/alerts';
import { webhookUrls } from '../src/alerts/webhook-urls';

const event = (kind: NewEvent['kind'], data: Record<string, unknown>, service: string | null = 'web'): NewEvent => ({ at: 1000, kind, service, message: `a ${kind}`, data });

describe('alertFromEvent', () => {
  test('a VM down is vm-lost, critical, naming the VM and why', () => {
    expect(alertFromEvent(event('vm-down', { vm: 'vm-2', reason: 'heartbeat-timeout: silent for 3100 ms', containers: 2 }, null))).toEqual({
      kind: 'vm-lost',
      severity: 'critical',
      service: null,
      vm: 'vm-2',
      message: 'a vm-down',
      at: 1000,
      details: { reason: 'heartbeat-timeout: silent for 3100 ms', containers: 2 },
    });
    expect(alertFromEvent(event('vm-down', { vm: 'vm-2', reason: 'peer-closed' }, null))?.kind).toBe('vm-lost');
  });

  test('a VM "down" because the VIM shuts down or the agent reconnected is not lost', () => {
    expect(alertFromEvent(event('vm-down', { vm: 'vm-2', reason: 'server-shutdown' }, null))).toBeUndefined();
    expect(alertFromEvent(event('vm-down', { vm: 'vm-2', reason: 'replaced: new session from 127.0.0.1:5000' }, null))).toBeUndefined();
  });

  test("a VM's Docker Engine down is docker-unavailable, a warning naming the VM; back up is nothing", () => {
    expect(alertFromEvent(event('docker-down', { vm: 'vm-3', containers: 2 }, null))).toEqual({
      kind: 'docker-unavailable',
      severity: 'warning',
      service: null,
      vm: 'vm-3',
      message: 'a docker-down',
      at: 1000,
      details: { containers: 2 },
    });
    expect(alertFromEvent(event('docker-up', { vm: 'vm-3', containers: 2 }, null))).toBeUndefined();
  });

  test('a failed command is scaling-action-failed (warning); a successful one is nothing', () => {
    const failed = alertFromEvent(event('command', { command: 'start', vm: 'vm-1', ok: false, code: 'docker-error', error: 'no such image', backoffMs: 2000 }));
    expect(failed).toMatchObject({ kind: 'scaling-action-failed', severity: 'warning', service: 'web', vm: 'vm-1', details: { command: 'start', code: 'docker-error', error: 'no such image', backoffMs: 2000 } });
    expect(alertFromEvent(event('command', { command: 'start', vm: 'vm-1', ok: true }))).toBeUndefined();
  });

  test('an error event (a batch that never finished, a period that threw) is scaling-action-failed, critical', () => {
    expect(alertFromEvent(event('error', { action: 'scale-out', scope: 'service:web', ageMs: 120000 }))).toMatchObject({ kind: 'scaling-action-failed', severity: 'critical', details: { action: 'scale-out', ageMs: 120000 } });
  });

  test('insufficient capacity is capacity-exhausted, critical, with how many could not be placed', () => {
    expect(alertFromEvent(event('insufficient-capacity', { unplaced: 3, candidates: [], avoided: [] }))).toMatchObject({ kind: 'capacity-exhausted', severity: 'critical', service: 'web', details: { unplaced: 3, avoided: [] } });
  });

  test('decisions, placements, operator changes and VMs coming up do not alert', () => {
    for (const kind of ['decision', 'placement', 'operator', 'vm-up', 'alert'] as const) expect(alertFromEvent(event(kind, { vm: 'vm-1' }))).toBeUndefined();
  });
});

test('the payload has kind, severity, service, vm, message, ISO time and details; the subject is per kind and service/VM', () => {
  const alert = { kind: 'vm-lost' as const, severity: 'critical' as const, service: null, vm: 'vm-2', message: 'gone', at: Date.UTC(2026, 0, 2, 3, 4, 5), details: { reason: 'x' } };
  expect(alertPayload(alert)).toEqual({ kind: 'vm-lost', severity: 'critical', service: null, vm: 'vm-2', message: 'gone', time: '2026-01-02T03:04:05.000Z', details: { reason: 'x' } });
  expect(alertSubject(alert)).not.toBe(alertSubject({ ...alert, vm: 'vm-3' }));
  expect(alertSubject(alert)).not.toBe(alertSubject({ ...alert, kind: 'slo-breach' }));
});

describe('rateLimit', () => {
  test('the first alert of a subject goes; more within the interval are held back and counted', () => {
    let entry: RateLimitEntry | undefined;
    const outcomes: boolean[] = [];
    for (const at of [0, 100, 200, 999]) {
      const d = rateLimit(entry, at, 1000);
      outcomes.push(d.send);
      entry = d.next;
    }
    expect(outcomes).toEqual([true, false, false, false]);
    expect(entry).toEqual({ sentAt: 0, suppressed: 3 });
  });

  test('once the interval has passed the next goes, saying how many were held back, and the count restarts', () => {
    const d = rateLimit({ sentAt: 0, suppressed: 3 }, 1000, 1000);
    expect(d).toEqual({ send: true, suppressed: 3, next: { sentAt: 1000, suppressed: 0 } });
  });

  test('an interval of 0 lets every alert through; a clock stepped back does not silence a subject', () => {
    expect(rateLimit({ sentAt: 5, suppressed: 0 }, 5, 0).send).toBe(true);
    expect(rateLimit({ sentAt: 10_000, suppressed: 0 }, 1_000, 60_000).send).toBe(true);
  });
});

describe('sloStep', () => {
  const settings = { p99LimitMs: 50, breachMs: 3000 };
  const run = (samples: Array<[number, number | undefined]>): boolean[] => {
    let state: SloState = { overSince: null };
    return samples.map(([at, p99Ms]) => {
      const step = sloStep(state, { at, p99Ms }, settings);
      state = step.state;
      return step.breached;
    });
  };

  test('over the limit for the whole breach time is a breach, and stays one while it lasts', () => {
    expect(run([[0, 80], [1000, 90], [2000, 70], [3000, 60], [4000, 200]])).toEqual([false, false, false, true, true]);
  });

  test('one sample within the limit starts the count again', () => {
    expect(run([[0, 80], [1000, 90], [2000, 40], [3000, 60], [4000, 60], [5000, 60], [6000, 60]])).toEqual([false, false, false, false, false, false, true]);
  });

  test('exactly at the limit is within it; no completed request ends a breach', () => {
    expect(run([[0, 50], [1000, 50], [5000, 50]])).toEqual([false, false, false]);
    expect(run([[0, 80], [3000, 80], [4000, undefined], [5000, 80]])).toEqual([false, true, false, false]);
  });
});

test('delivery plan: at once, then 1 s, 2 s, 4 s… capped, and nothing after the last attempt', () => {
  const policy = { maxAttempts: 5, firstDelayMs: 1000, maxDelayMs: 3000 };
  expect([1, 2, 3, 4, 5, 6].map((n) => delayBeforeAttempt(n, policy))).toEqual([0, 1000, 2000, 3000, 3000, undefined]);
  expect([500, 503, 408, 429].every(isRetryableStatus)).toBe(true);
  expect([200, 400, 401, 404, 410].some(isRetryableStatus)).toBe(false);
});

describe('webhookUrls', () => {
  test('one or several http(s) URLs, comma-separated, spaces trimmed', () => {
    expect(webhookUrls('http://127.0.0.1:9000/hook')).toEqual(['http://127.0.0.1:9000/hook']);
    expect(webhookUrls('https://hooks.example.com/a?token=x, http://127.0.0.1:1/b')).toEqual(['https://hooks.example.com/a?token=x', 'http://127.0.0.1:1/b']);
  });

  test('anything else is refused, naming the bad entry', () => {
    expect(() => webhookUrls('not a url')).toThrow('"not a url" is not a URL');
    expect(() => webhookUrls('ftp://example.com/x')).toThrow('"ftp://example.com/x" is ftp, not http or https');
    expect(() => webhookUrls('http://a.example/x,,http://b.example/y')).toThrow('none empty');
    expect(() => webhookUrls('http://user:pw@example.com/x')).toThrow('without user:password@');
  });
});
