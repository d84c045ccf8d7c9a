import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_KINDS, type EventKind, type EventListResponse, type EventView } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { ApiError, VimUnreachableError } from '../errors';
import { clock } from '../format';

/** How often `events --follow` asks for new events. */
export const FOLLOW_POLL_INTERVAL_MS = 1000;
/** Backlog shown before following, or the whole answer without --follow. */
export const DEFAULT_EVENT_LIMIT = 20;

export interface EventQuery {
  since?: number | string;
  kind?: EventKind;
  service?: string;
  limit?: number;
}

export function eventsPath(query: EventQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return `/api/v1/events${text === '' ? '' : `?${text}`}`;
}

export interface FollowHooks {
  /** Ends the follow loop cleanly: Ctrl-C in the real CLI, the test's own controller in tests. */
  stop: AbortSignal;
  /** FOLLOW_POLL_INTERVAL_MS unless a test asks for less. */
  pollIntervalMs: number;
  err: (text: string) => void;
}

export interface EventsOptions {
  kind?: EventKind;
  service?: string;
  limit: number;
  json?: boolean;
}

export async function eventsCommand(
  client: AdminClient,
  options: EventsOptions,
  out: (text: string) => void,
  follow?: FollowHooks,
): Promise<void> {
  const filter = { kind: options.kind, service: options.service };
  let first: EventListResponse;
  try {
    first = await client.get<EventListResponse>(eventsPath({ ...filter, limit: options.limit }), { signal: follow?.stop });
  } catch (error) {
    if (follow?.stop.aborted) return;
    throw error;
  }
  if (follow === undefined) {
    if (options.json) out(JSON.stringify(first, null, 2));
    else if (first.events.length === 0) out(options.kind || options.service ? 'No matching events.' : 'No events yet.');
    else for (const e of first.events) out(eventLine(e));
    return;
  }
  // NDJSON while following: one object a line, so `acs events --follow --json | jq` sees each as it comes.
  const print = (e: EventView): void => out(options.json ? JSON.stringify(e) : eventLine(e));
  first.events.forEach(print);
  await followEvents(client, filter, nextSince(0, first), print, follow);
}

/**
 *   poll ──ok──▶ print new events, advance `since` ──▶ sleep ──▶ poll
 *     │                                                 ▲
 *     └─unreachable or 5xx─▶ note it once on err ───────┘
 *
 * Every turn sleeps the interval (never a busy loop, even while the VIM is away); the stop signal ends the
 * sleep or the request in flight at once. Other API errors (a 4xx) will not fix themselves and end the command.
 */
async function followEvents(
  client: AdminClient,
  filter: Pick<EventQuery, 'kind' | 'service'>,
  start: number,
  print: (e: EventView) => void,
  { stop, pollIntervalMs, err }: FollowHooks,
): Promise<void> {
  let since = start;
  let away = false;
  while (await pause(pollIntervalMs, stop)) {
    let page: EventListResponse;
    try {
      page = await client.get<EventListResponse>(eventsPath({ ...filter, since }), { signal: stop });
    } catch (error) {
      if (stop.aborted) return;
      const transient = error instanceof VimUnreachableError || (error instanceof ApiError && error.status >= 500);
      if (!transient) throw error;
      if (!away) err(`acs: ${error.message}; still following, retrying every ${seconds(pollIntervalMs)} (Ctrl-C to stop)`);
      away = true;
      continue;
    }
    if (away) err('acs: the VIM answers again; following');
    away = false;
    // A server that reads `since` inclusively must not make us print an event twice.
    page.events.filter((e) => e.id > since).forEach(print);
    since = nextSince(since, page);
  }
}

/**
 * After a page with events, continue from the last one printed rather than from `lastId`: if the VIM capped the
 * page, the events between would otherwise be skipped. An empty page may jump to `lastId`, past events the
 * filter leaves out.
 */
function nextSince(since: number, page: EventListResponse): number {
  return page.events.length === 0 ? Math.max(since, page.lastId) : Math.max(since, ...page.events.map((e) => e.id));
}

/** Resolves false once `stop` is aborted, true after the pause otherwise. */
async function pause(ms: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return false;
  try {
    await sleep(ms, undefined, { signal: stop });
    return true;
  } catch {
    return false;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const KIND_WIDTH = Math.max(...EVENT_KINDS.map((k) => k.length));

/** Time, kind, service, message: fixed widths up to the message, since a followed stream cannot be laid out as a table. */
export function eventLine(e: EventView, now: Date = new Date()): string {
  return `${clock(e.at, now)}  ${e.kind.padEnd(KIND_WIDTH)}  ${(e.service ?? '-').padEnd(8)}  ${e.message.replace(/\s*\n\s*/g, ' ')}`;
}
