import type Database from 'better-sqlite3';

/**
 * The schema as an append-only list of steps: step i takes the file from version i to i + 1, and
 * PRAGMA user_version records how many have run. A later change adds a step here and never edits an
 * old one, so any file written by an older version upgrades in place on open.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     service TEXT,
     message TEXT NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX events_at ON events (at);
   CREATE INDEX events_kind_id ON events (kind, id);
   CREATE INDEX events_service_id ON events (service, id);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Outcome of opening a file: a newer file is not ours to touch, so it is reported rather than changed. */
export type MigrationResult = { ok: true; from: number; to: number } | { ok: false; fileVersion: number };

export function migrate(db: Database.Database): MigrationResult {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) return { ok: false, fileVersion: from };
  for (const [version, step] of MIGRATIONS.entries()) {
    if (version < from) continue;
    // Each step and its version bump commit together, so a crash mid-upgrade leaves the old version.
    db.transaction(() => {
      db.exec(step);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { ok: true, from, to: SCHEMA_VERSION };
}
