/**
 * Actions in progress, at most one per (kind, scope): a second `start-container` for `service:web`
 * waits until the first ends or times out, so a slow VMM cannot make the loop pile up duplicate
 * commands. Pure and in memory: every call takes `now`, nothing reads a clock or sets a timer, and
 * expiry is noticed by whichever call comes first after the deadline.
 *
 *   begin ──► in progress ──end(now < deadline)──► ended
 *                  │
 *                  └── now ≥ startedAt + timeoutMs ──► timed out: no longer blocks, reported once
 *                                                      (onTimeout and expire()); a late end says so
 */

/** One action in progress, as begin() hands it out; pass it back to end(). */
export interface ActionHandle {
  readonly id: number;
  /** What is being done, e.g. 'start-container'. */
  readonly kind: string;
  /** What it is done to, e.g. 'service:web' or 'vm:vm-1'. */
  readonly scope: string;
  readonly startedAt: number;
  readonly timeoutMs: number;
}

export interface ActionInProgress {
  id: number;
  kind: string;
  scope: string;
  startedAt: number;
  ageMs: number;
  timeoutMs: number;
}

export type BeginResult = { ok: true; action: ActionHandle } | { ok: false; blockedBy: ActionInProgress };

export interface TimedOutAction {
  action: ActionHandle;
  /** The `now` of the call that noticed it. */
  noticedAt: number;
  ageMs: number;
}

export type EndResult =
  | { status: 'ended'; durationMs: number }
  /** It had already timed out (and been reported): it finished, but too late to have held its slot. */
  | { status: 'timed-out'; durationMs: number }
  | { status: 'already-ended'; durationMs: number };

export interface ActionLogOptions {
  /**
   * Called once for each action that timed out, when a call first notices it: the place to append an
   * 'error' event. It should not throw; if it does, actions not yet reported are reported by a later call.
   */
  onTimeout?: (timedOut: TimedOutAction) => void;
}

export class ActionLog {
  /** Keyed by kind and scope. Few entries (a handful per service), so expiry scans them all. */
  private readonly active = new Map<string, ActionHandle>();
  /** How finished handles finished, so a late or repeated end() is told apart; weak, so it never grows. */
  private readonly finished = new WeakMap<ActionHandle, 'ended' | 'timed-out'>();
  private nextId = 1;

  constructor(private readonly options: ActionLogOptions = {}) {}

  /** Starts an action unless one of the same kind and scope is still in progress (and not timed out). */
  begin(request: { kind: string; scope: string; timeoutMs: number; now: number }): BeginResult {
    const { kind, scope, timeoutMs, now } = request;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`action timeoutMs must be a positive number, got ${timeoutMs}`);
    this.expire(now);
    const key = keyOf(kind, scope);
    const current = this.active.get(key);
    if (current !== undefined) return { ok: false, blockedBy: describe(current, now) };
    const action: ActionHandle = Object.freeze({ id: this.nextId++, kind, scope, startedAt: now, timeoutMs });
    this.active.set(key, action);
    return { ok: true, action };
  }

  /**
   * Ends an action. At or after its deadline it counts as timed out even if nothing noticed before:
   * the outcome depends on the times alone, not on which call happened to come first.
   * @throws Error for a handle this log never gave out.
   */
  end(handle: ActionHandle, now: number): EndResult {
    this.expire(now);
    const durationMs = Math.max(0, now - handle.startedAt);
    const outcome = this.finished.get(handle);
    if (outcome === 'timed-out') return { status: 'timed-out', durationMs };
    if (outcome === 'ended') return { status: 'already-ended', durationMs };
    const key = keyOf(handle.kind, handle.scope);
    if (this.active.get(key) !== handle) throw new Error(`action ${handle.kind} ${handle.scope} #${handle.id} was not begun by this log`);
    this.active.delete(key);
    this.finished.set(handle, 'ended');
    return { status: 'ended', durationMs };
  }

  /** Releases every action at or past its deadline, reports each through onTimeout, and returns them. */
  expire(now: number): TimedOutAction[] {
    const timedOut: TimedOutAction[] = [];
    for (const [key, action] of this.active) {
      const ageMs = now - action.startedAt;
      if (ageMs < action.timeoutMs) continue;
      this.active.delete(key);
      this.finished.set(action, 'timed-out');
      const report = { action, noticedAt: now, ageMs };
      timedOut.push(report);
      this.options.onTimeout?.(report);
    }
    return timedOut;
  }

  /** Actions still in progress at `now`, oldest first (expiring any past their deadline first). */
  inProgress(now: number): ActionInProgress[] {
    this.expire(now);
    return [...this.active.values()].map((action) => describe(action, now)).sort((a, b) => a.startedAt - b.startedAt || a.id - b.id);
  }
}

function keyOf(kind: string, scope: string): string {
  // NUL cannot appear in a kind or scope we make, so the pair maps to one key.
  return `${kind}\u0000${scope}`;
}

function describe(action: ActionHandle, now: number): ActionInProgress {
  const { id, kind, scope, startedAt, timeoutMs } = action;
  // A clock stepped back must not show a negative age.
  return { id, kind, scope, startedAt, ageMs: Math.max(0, now - startedAt), timeoutMs };
}
