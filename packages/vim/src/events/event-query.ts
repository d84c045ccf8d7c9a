import { EVENT_KINDS, type EventKind } from '@acs/api-types';
import { MAX_EVENT_QUERY_LIMIT } from './defaults';
import { InvalidEventQueryError, type QueryProblem } from './errors';

/** What to read from the event log. */
export interface EventQuery {
  /**
   * An event id: only events after it (exclusive), what `--follow` polls with. A Date: events at or
   * after that time. Either way the result starts from there, oldest first.
   */
  since?: number | Date;
  kind?: EventKind;
  service?: string;
  /**
   * At most this many events; clamped to 1..1000.
   * @default 100
   */
  limit?: number;
  /**
   * Newest first. Without it and without `since`, the result is still the newest `limit` events, in
   * ascending order: what a person asking for "the events" means.
   * @default false
   */
  newestFirst?: boolean;
}

const PARAMS = ['since', 'kind', 'service', 'limit'] as const;
const KNOWN_KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);
const DIGITS = /^\d+$/;
// Date.parse alone would take "March 7" or "1" and guess; only ISO 8601 is unambiguous over the wire.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Reads `GET /api/v1/events` parameters. Throws InvalidEventQueryError listing every problem (unknown
 * parameter, repeated parameter, unknown kind, bad since, bad limit) so one 400 tells the client all of it.
 */
export function parseEventQuery(params: URLSearchParams): EventQuery {
  const problems: QueryProblem[] = [];
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (!(PARAMS as readonly string[]).includes(name)) {
      problems.push({ path: name, message: `unknown parameter; expected one of ${PARAMS.join(', ')}` });
    } else if (params.getAll(name).length > 1) {
      problems.push({ path: name, message: 'given more than once' });
    }
  }

  const query: EventQuery = {};
  const since = params.get('since');
  if (since !== null) {
    const parsed = parseSince(since);
    if (typeof parsed === 'string') problems.push({ path: 'since', message: parsed });
    else query.since = parsed;
  }
  const kind = params.get('kind');
  if (kind !== null) {
    if (KNOWN_KINDS.has(kind)) query.kind = kind as EventKind;
    else problems.push({ path: 'kind', message: `unknown kind ${JSON.stringify(kind)}; expected one of ${EVENT_KINDS.join(', ')}` });
  }
  const service = params.get('service');
  if (service !== null) {
    if (service === '') problems.push({ path: 'service', message: 'must not be empty' });
    else query.service = service;
  }
  const limit = params.get('limit');
  if (limit !== null) {
    const n = DIGITS.test(limit) ? Number(limit) : NaN;
    if (n >= 1 && n <= MAX_EVENT_QUERY_LIMIT) query.limit = n;
    else problems.push({ path: 'limit', message: `must be an integer from 1 to ${MAX_EVENT_QUERY_LIMIT}, got ${JSON.stringify(limit)}` });
  }

  if (problems.length > 0) throw new InvalidEventQueryError(problems);
  return query;
}

/** An event id, a Date, or why the text is neither. */
function parseSince(text: string): number | Date | string {
  const expected = `must be an event id (a non-negative integer) or an ISO time such as 2024-05-01T10:00:00Z, got ${JSON.stringify(text)}`;
  if (DIGITS.test(text)) {
    const id = Number(text);
    return Number.isSafeInteger(id) ? id : expected;
  }
  const match = ISO_DATE.exec(text);
  if (match === null) {
    // A time without a zone would be read in the VIM's zone, not the asker's: refuse rather than guess.
    return /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text) ? `${expected} (a time needs a zone: Z or an offset such as +02:00)` : expected;
  }
  const [, year, month, day] = match;
  const at = Date.parse(text);
  // Date.parse rolls 2024-02-30 over to March 1; a date that does not exist is a typo, not a request.
  if (Number.isNaN(at) || !isCalendarDate(Number(year), Number(month), Number(day))) return expected;
  return new Date(at);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
