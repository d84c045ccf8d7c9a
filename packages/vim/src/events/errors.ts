/**
 * Errors of the event log. They live beside it rather than in the package's errors.ts so the folder
 * stays one self-contained unit; each carries a stable `code` for the HTTP mapping.
 */

/** What went wrong with the event log file. */
export type EventStoreErrorCode =
  /** The file could not be opened or is not a usable SQLite database. */
  | 'open-failed'
  /** The file was written by a newer version with a schema this one does not know. */
  | 'unsupported-schema'
  | 'write-failed'
  | 'read-failed'
  /** Used after close(). */
  | 'closed';

/** The event log could not do what was asked; the message names the file and what the user can do. */
export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStoreError';
  }
}

/** One thing wrong with a query parameter: `path` is the parameter's name. */
export interface QueryProblem {
  path: string;
  message: string;
}

/** `GET /api/v1/events` parameters that do not make sense: every problem found, not just the first. */
export class InvalidEventQueryError extends Error {
  readonly code = 'invalid-event-query';
  constructor(readonly problems: readonly QueryProblem[]) {
    super(`invalid event query: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidEventQueryError';
  }
}
