/** Event log defaults in one place, with units in the names. */

/** The file inside the VIM's data dir. */
export const EVENT_LOG_FILE = 'events.sqlite';
/** A week answers "why did it scale on Monday?" without the file growing without bound. */
export const DEFAULT_EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Soon after start, but not in the middle of it. */
export const DEFAULT_FIRST_PRUNE_DELAY_MS = 10_000;
/**
 * Rows deleted per transaction; the event loop gets a turn between batches. 2,000 rows (three indexes
 * to update) took 4-8 ms on average on a loaded 2-core VM; the worst batch, 12-90 ms, is the one that
 * lands on a WAL checkpoint, which a smaller batch would not shorten.
 */
export const PRUNE_BATCH_ROWS = 2000;
export const DEFAULT_EVENT_QUERY_LIMIT = 100;
export const MAX_EVENT_QUERY_LIMIT = 1000;
/**
 * How long a write waits for another connection's lock. Only a second writer (an operator's sqlite3
 * shell, say) can hold one in WAL mode, and every millisecond waited is the event loop blocked.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 1000;
