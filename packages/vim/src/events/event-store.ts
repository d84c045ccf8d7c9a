import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { EventKind, EventListResponse, EventView } from '@acs/api-types';
import type { Logger } from '@acs/daemon';
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_EVENT_QUERY_LIMIT,
  DEFAULT_EVENT_RETENTION_MS,
  DEFAULT_FIRST_PRUNE_DELAY_MS,
  DEFAULT_PRUNE_INTERVAL_MS,
  MAX_EVENT_QUERY_LIMIT,
  PRUNE_BATCH_ROWS,
} from './defaults';
import { EventStoreError } from './errors';
import type { EventQuery } from './event-query';
import { encodeEventData } from './event-data';
import { SCHEMA_VERSION, migrate } from './schema';

/** An event to append; the store gives it its id. */
export interface NewEvent {
  /** Epoch milliseconds. */
  at: number;
  kind: EventKind;
  service: string | null;
  message: string;
  data: Record<string, unknown>;
}

export interface EventStoreOptions {
  log: Logger;
  /**
   * How long a write waits for another connection's lock before failing.
   * @default DEFAULT_BUSY_TIMEOUT_MS (1 s)
   */
  busyTimeoutMs?: number;
}

export interface PruningOptions {
  /** @default DEFAULT_EVENT_RETENTION_MS (7 days) */
  retentionMs?: number;
  /** @default DEFAULT_PRUNE_INTERVAL_MS (1 h) */
  intervalMs?: number;
  /** @default DEFAULT_FIRST_PRUNE_DELAY_MS (10 s) */
  firstDelayMs?: number;
  /** @default Date.now */
  now?: () => number;
}

export interface PruneResult {
  deleted: number;
  /** Transactions it took; the event loop ran between each. */
  batches: number;
  /** Events with `at` before this (epoch ms) were deleted. */
  cutoff: number;
}

/** What the background pruning reports, for metrics and for tests that wait on it. */
export interface EventStoreEvents {
  pruned: [result: PruneResult];
  pruneFailed: [error: unknown];
}

type EventRow = { id: number; at: number; kind: string; service: string | null; message: string; data: string };
type SqlValue = number | string;

/** Keeps a WAL from a big prune from staying on disk at full size after its checkpoint. */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;
const COLUMNS = 'id, at, kind, service, message, data';

/**
 * The persisted event and action log: one SQLite file (`events.sqlite` in the VIM's data dir) that the
 * admin API, `acs events` and `acs why` all read.
 *
 * Synchronous on purpose: an append is one insert, 25-75 µs measured (most of it SQLite's WAL write),
 * and a sync append cannot be lost between a decision and a crash that follows it. What
 * could take long (pruning a backlog) runs in bounded batches with the event loop free between them.
 */
export class EventStore extends EventEmitter<EventStoreEvents> {
  private readonly db: Database.Database;
  private readonly log: Logger;
  private readonly insertStmt: Database.Statement<[number, string, string | null, string, string]>;
  private readonly lastIdStmt: Database.Statement<[], number | null>;
  private readonly pruneStmt: Database.Statement<[number, number]>;
  /** One statement per shape of query (at most 24), prepared on first use. */
  private readonly selects = new Map<string, Database.Statement<SqlValue[], EventRow>>();
  private pruning: { timer: NodeJS.Timeout | undefined } | null = null;
  private closed = false;

  /** Opens or creates the log at `path` (or ':memory:'); throws EventStoreError when it cannot. */
  constructor(
    readonly path: string,
    options: EventStoreOptions,
  ) {
    super();
    this.log = options.log;
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
      // The first statement reads the header, so this is where a file that is not a database fails.
      const journalMode = db.pragma('journal_mode = WAL', { simple: true });
      if (journalMode !== 'wal' && !db.memory) {
        this.log.warn({ path, journalMode }, 'event log could not use WAL mode; reads will wait for writes');
      }
      // With WAL, NORMAL loses at most the last commits on power loss, never on a crash of the VIM, and
      // spares an fsync per event: worth it for a log that explains decisions.
      db.pragma('synchronous = NORMAL');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      const migration = migrate(db);
      if (!migration.ok) {
        db.close();
        throw new EventStoreError(
          'unsupported-schema',
          path,
          `the event log ${path} has schema version ${migration.fileVersion}, newer than this VIM knows (${SCHEMA_VERSION}); ` +
            `run a newer VIM, or stop this one and move ${path}* away to start a new log`,
        );
      }
      if (migration.from !== migration.to) {
        this.log.info({ path, schemaFrom: migration.from, schemaTo: migration.to }, migration.from === 0 ? 'event log created' : 'event log schema upgraded');
      }
      this.insertStmt = db.prepare('INSERT INTO events (at, kind, service, message, data) VALUES (?, ?, ?, ?, ?)');
      this.lastIdStmt = db.prepare<[], number | null>('SELECT max(id) FROM events').pluck();
      this.pruneStmt = db.prepare('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ? LIMIT ?)');
    } catch (error) {
      if (error instanceof EventStoreError) throw error;
      db?.close();
      throw new EventStoreError('open-failed', path, `cannot open the event log ${path}: ${describe(error)}. ${openRemedy(path)}`, { cause: error });
    }
    this.db = db;
  }

  /**
   * Appends one event and returns it as any later query will (data as JSON round-tripped). Data that
   * cannot be JSON (a cycle, a BigInt) is stored as a placeholder naming the error, never thrown: an
   * event that explains a decision must not be what breaks the loop making it.
   * @throws RangeError when `at` is not a finite number (a bug in the caller; nothing is written).
   * @throws EventStoreError 'write-failed' when SQLite cannot write (disk full, file gone), 'closed'.
   */
  append(event: NewEvent): EventView {
    if (!Number.isFinite(event.at)) throw new RangeError(`event at must be epoch milliseconds, got ${event.at}`);
    const at = Math.round(event.at);
    const encoded = encodeEventData(event.data);
    if (encoded.error !== undefined) {
      this.log.warn({ kind: event.kind, service: event.service, error: encoded.error }, 'event data is not serialisable; stored a placeholder');
    }
    const result = this.use('write', () => this.insertStmt.run(at, event.kind, event.service, event.message, encoded.json));
    return {
      id: Number(result.lastInsertRowid),
      at: new Date(at).toISOString(),
      kind: event.kind,
      service: event.service,
      message: event.message,
      data: decodeData(encoded.json),
    };
  }

  /**
   * Events matching the query, oldest first unless `newestFirst`. With `since`, the first `limit` after
   * it (so a follower pages forward); without, the newest `limit`. `limit` is clamped to 1..1000.
   */
  query(query: EventQuery = {}): EventListResponse {
    const events = this.select(query).map(toView);
    // Read after the events, so every id returned is at most lastId even with another writer.
    const lastId = this.use('read', () => this.lastIdStmt.get()) ?? 0;
    return { events, lastId };
  }

  /** The newest event matching the filter: what `acs why` explains. */
  last(filter: { kind?: EventKind; service?: string } = {}): EventView | undefined {
    const [row] = this.select({ ...filter, limit: 1, newestFirst: true });
    return row === undefined ? undefined : toView(row);
  }

  /**
   * Deletes events older than `now - retentionMs`, PRUNE_BATCH_ROWS per transaction, yielding to the
   * event loop between batches: a week's backlog after a long stop must not stall the VIM for seconds.
   * Stops early when the store is closed meanwhile.
   * @throws EventStoreError 'write-failed' or 'closed' (as the rejection); startPruning logs instead.
   */
  async prune(now: number, retentionMs: number = DEFAULT_EVENT_RETENTION_MS): Promise<PruneResult> {
    const cutoff = now - retentionMs;
    let deleted = 0;
    let batches = 0;
    for (;;) {
      const { changes } = this.use('write', () => this.pruneStmt.run(cutoff, PRUNE_BATCH_ROWS));
      deleted += changes;
      batches++;
      if (changes < PRUNE_BATCH_ROWS) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Closed while we yielded: what is left goes at the next start's first run.
      if (this.closed) break;
    }
    return { deleted, batches, cutoff };
  }

  /**
   * Prunes in the background: first after `firstDelayMs`, then `intervalMs` after each run ends (never
   * two at once). The timer is unref'd so it never keeps the process alive. Failures are logged and
   * emitted as 'pruneFailed', and the next run tries again. Calling it again replaces the schedule.
   */
  startPruning(options: PruningOptions = {}): void {
    if (this.closed) throw new EventStoreError('closed', this.path, `the event log ${this.path} is closed`);
    this.stopPruning();
    const retentionMs = options.retentionMs ?? DEFAULT_EVENT_RETENTION_MS;
    const intervalMs = options.intervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
    const now = options.now ?? Date.now;
    const pruning: { timer: NodeJS.Timeout | undefined } = { timer: undefined };
    this.pruning = pruning;
    const schedule = (delayMs: number): void => {
      pruning.timer = setTimeout(() => void run(), delayMs);
      pruning.timer.unref();
    };
    const run = async (): Promise<void> => {
      pruning.timer = undefined;
      const started = performance.now();
      let result: PruneResult | undefined;
      try {
        result = await this.prune(now(), retentionMs);
      } catch (error) {
        this.log.error({ err: error, path: this.path }, 'pruning the event log failed; trying again at the next interval');
        this.emit('pruneFailed', error);
      }
      if (result !== undefined) {
        if (result.deleted > 0) {
          const { deleted, batches } = result;
          this.log.info({ deleted, batches, ms: Math.round(performance.now() - started), retentionMs }, 'pruned old events');
        }
        this.emit('pruned', result);
      }
      if (this.pruning === pruning && !this.closed) schedule(intervalMs);
    };
    schedule(options.firstDelayMs ?? DEFAULT_FIRST_PRUNE_DELAY_MS);
  }

  stopPruning(): void {
    if (this.pruning === null) return;
    clearTimeout(this.pruning.timer);
    this.pruning = null;
  }

  /** Stops pruning and closes the file; later calls throw EventStoreError 'closed'. Idempotent. */
  close(): void {
    this.stopPruning();
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private select(query: EventQuery): EventRow[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const { since } = query;
    if (typeof since === 'number') {
      where.push('id > ?');
      params.push(Math.max(0, Math.floor(since)));
    } else if (since instanceof Date) {
      const at = since.getTime();
      if (Number.isNaN(at)) throw new RangeError('since is an invalid Date');
      // `at >= ? ORDER BY id` alone walks the table from its first row (4 ms at 100k rows, growing with
      // the log). Times rise with ids, so the walk starts at the first event at or after the time, found
      // through the at index (0.3 ms). The cost: after a clock stepped back, an event with a lower id
      // but a later time can be left out; `at >= ?` keeps out the ones from before the time.
      where.push('id >= (SELECT id FROM events WHERE at >= ? ORDER BY at LIMIT 1) AND at >= ?');
      params.push(at, at);
    }
    if (query.kind !== undefined) {
      where.push('kind = ?');
      params.push(query.kind);
    }
    if (query.service !== undefined) {
      where.push('service = ?');
      params.push(query.service);
    }
    params.push(clampLimit(query.limit));
    // Forward from `since` pages for a follower; otherwise the newest rows are the ones anyone wants.
    const forward = since !== undefined && query.newestFirst !== true;
    const sql = `SELECT ${COLUMNS} FROM events${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${forward ? 'ASC' : 'DESC'} LIMIT ?`;
    const rows = this.use('read', () => this.statement(sql).all(...params));
    if (!forward && query.newestFirst !== true) rows.reverse();
    return rows;
  }

  private statement(sql: string): Database.Statement<SqlValue[], EventRow> {
    let statement = this.selects.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<SqlValue[], EventRow>(sql);
      this.selects.set(sql, statement);
    }
    return statement;
  }

  /** Runs a SQLite call, turning its failure into an EventStoreError that says what to do. */
  private use<T>(op: 'read' | 'write', fn: () => T): T {
    if (this.closed) throw new EventStoreError('closed', this.path, `the event log ${this.path} is closed`);
    try {
      return fn();
    } catch (error) {
      throw new EventStoreError(`${op}-failed`, this.path, `cannot ${op} the event log ${this.path}: ${describe(error)}${remedy(error, this.path)}`, {
        cause: error,
      });
    }
  }
}

function openRemedy(path: string): string {
  return (
    `If the file is damaged or is not an event log, stop the VIM and move ${path} (with any ${path}-wal and ${path}-shm beside it) ` +
    'out of the way; a new, empty log is created at the next start. If the directory is missing or not writable, ' +
    'create it or fix its permissions, or choose another --data-dir.'
  );
}

function remedy(error: unknown, path: string): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return '';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return `. ${openRemedy(path)}`;
  if (code.startsWith('SQLITE_FULL')) return '. The disk is full: free some space.';
  if (code.startsWith('SQLITE_BUSY')) return '. Another process holds the write lock (an sqlite3 shell?): close it.';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return '. Check that the file and its directory still exist and are writable.';
  }
  return '';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || Number.isNaN(limit)) return DEFAULT_EVENT_QUERY_LIMIT;
  return Math.min(MAX_EVENT_QUERY_LIMIT, Math.max(1, Math.floor(limit)));
}

function toView(row: EventRow): EventView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    // Only this code writes the column, from an EventKind; the schema version guards against newer writers.
    kind: row.kind as EventKind,
    service: row.service,
    message: row.message,
    data: decodeData(row.data),
  };
}

/** Stored data is always a JSON object we wrote; anything else (a hand edit) is shown, not thrown. */
function decodeData(json: string): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(json);
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) return data as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { _unreadable: json };
}
