import { ActionLog, type ActionHandle, type BeginResult, type TimedOutAction } from '../src/events';

const TIMEOUT_MS = 30_000;

function started(result: BeginResult): ActionHandle {
  if (!result.ok) throw new Error(`expected the action to start, blocked by ${JSON.stringify(result.blockedBy)}`);
  return result.action;
}

function setup(): { log: ActionLog; timedOut: TimedOutAction[] } {
  const timedOut: TimedOutAction[] = [];
  return { log: new ActionLog({ onTimeout: (t) => timedOut.push(t) }), timedOut };
}

describe('ActionLog', () => {
  test('an action in progress blocks a second of the same kind and scope', () => {
    const { log } = setup();
    const first = started(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: 1000 }));
    expect(first).toMatchObject({ kind: 'start-container', scope: 'service:web', startedAt: 1000, timeoutMs: TIMEOUT_MS });
    expect(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: 1500 })).toEqual({
      ok: false,
      blockedBy: { id: first.id, kind: 'start-container', scope: 'service:web', startedAt: 1000, ageMs: 500, timeoutMs: TIMEOUT_MS },
    });
  });

  test('the same kind on another scope, or another kind on the same scope, is not blocked', () => {
    const { log } = setup();
    started(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: 0 }));
    expect(log.begin({ kind: 'start-container', scope: 'service:api', timeoutMs: TIMEOUT_MS, now: 1 }).ok).toBe(true);
    expect(log.begin({ kind: 'stop-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: 2 }).ok).toBe(true);
    expect(log.inProgress(3).map((a) => `${a.kind} ${a.scope}`)).toEqual([
      'start-container service:web',
      'start-container service:api',
      'stop-container service:web',
    ]);
  });

  test('end frees the slot, and a second end says it already ended', () => {
    const { log, timedOut } = setup();
    const action = started(log.begin({ kind: 'drain', scope: 'vm:vm-1', timeoutMs: TIMEOUT_MS, now: 0 }));
    expect(log.end(action, 400)).toEqual({ status: 'ended', durationMs: 400 });
    expect(log.inProgress(400)).toEqual([]);
    expect(log.begin({ kind: 'drain', scope: 'vm:vm-1', timeoutMs: TIMEOUT_MS, now: 500 }).ok).toBe(true);
    expect(log.end(action, 600)).toEqual({ status: 'already-ended', durationMs: 600 });
    expect(timedOut).toEqual([]);
  });

  test('a timed-out action no longer blocks and is reported exactly once', () => {
    const { log, timedOut } = setup();
    const stuck = started(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: 0 }));
    expect(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: TIMEOUT_MS - 1 }).ok).toBe(false);
    expect(timedOut).toEqual([]);

    const next = log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: TIMEOUT_MS });
    expect(next.ok).toBe(true);
    expect(timedOut).toEqual([{ action: stuck, noticedAt: TIMEOUT_MS, ageMs: TIMEOUT_MS }]);

    log.inProgress(TIMEOUT_MS + 1);
    expect(log.expire(TIMEOUT_MS + 2)).toEqual([]);
    expect(timedOut).toHaveLength(1);
  });

  test('expire() returns what timed out since the last call', () => {
    const { log, timedOut } = setup();
    const a = started(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: 100, now: 0 }));
    const b = started(log.begin({ kind: 'start-container', scope: 'service:api', timeoutMs: 200, now: 0 }));
    expect(log.expire(150).map((t) => t.action)).toEqual([a]);
    expect(log.expire(250).map((t) => t.action)).toEqual([b]);
    expect(timedOut.map((t) => t.action)).toEqual([a, b]);
  });

  test('a late end reports the timeout and does not free the action that replaced it', () => {
    const { log, timedOut } = setup();
    const stuck = started(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: 0 }));
    const replacement = started(log.begin({ kind: 'start-container', scope: 'service:web', timeoutMs: TIMEOUT_MS, now: TIMEOUT_MS + 5 }));
    expect(log.end(stuck, TIMEOUT_MS + 10)).toEqual({ status: 'timed-out', durationMs: TIMEOUT_MS + 10 });
    expect(log.inProgress(TIMEOUT_MS + 10).map((a) => a.id)).toEqual([replacement.id]);
    expect(timedOut).toHaveLength(1);
  });

  test('ending past the deadline counts as timed out even if nothing noticed before', () => {
    const { log, timedOut } = setup();
    const action = started(log.begin({ kind: 'stop-container', scope: 'service:web', timeoutMs: 100, now: 0 }));
    expect(log.end(action, 100)).toEqual({ status: 'timed-out', durationMs: 100 });
    expect(timedOut.map((t) => t.action)).toEqual([action]);
  });

  test('inProgress lists actions oldest first with their ages', () => {
    const { log } = setup();
    started(log.begin({ kind: 'b', scope: 's', timeoutMs: TIMEOUT_MS, now: 20 }));
    started(log.begin({ kind: 'a', scope: 's', timeoutMs: 50, now: 10 }));
    expect(log.inProgress(30)).toEqual([
      { id: 2, kind: 'a', scope: 's', startedAt: 10, ageMs: 20, timeoutMs: 50 },
      { id: 1, kind: 'b', scope: 's', startedAt: 20, ageMs: 10, timeoutMs: TIMEOUT_MS },
    ]);
    expect(log.inProgress(60).map((a) => a.kind)).toEqual(['b']);
  });

  test('a clock stepped back shows age 0, not a negative one', () => {
    const { log } = setup();
    started(log.begin({ kind: 'a', scope: 's', timeoutMs: TIMEOUT_MS, now: 1000 }));
    expect(log.inProgress(900)[0]?.ageMs).toBe(0);
  });

  test('works without an onTimeout callback', () => {
    const log = new ActionLog();
    const action = started(log.begin({ kind: 'a', scope: 's', timeoutMs: 10, now: 0 }));
    expect(log.expire(10).map((t) => t.action)).toEqual([action]);
  });

  test('refuses a timeout that is not a positive number, and a handle it never gave out', () => {
    const log = new ActionLog();
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => log.begin({ kind: 'a', scope: 's', timeoutMs, now: 0 })).toThrow(RangeError);
    }
    const foreign = started(new ActionLog().begin({ kind: 'a', scope: 's', timeoutMs: 10, now: 0 }));
    expect(() => log.end(foreign, 1)).toThrow(/not begun by this log/);
  });
});
