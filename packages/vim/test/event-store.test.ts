import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EVENT_KINDS } from '@acs/api-types';
import type { Logger } from '@acs/daemon';
import { EventStore, EventStoreError, InvalidEventQueryError, PRUNE_BATCH_ROWS, parseEventQuery, type NewEvent, type PruneResult } from '../src/events';

const HOUR_MS = 60 * 60 * 1000;
const T0 = Date.parse('2024-05-01T10:00:00Z');

function fakeLog(): Logger & { warn: jest.Mock; error: jest.Mock; info: jest.Mock } {
  return { warn: jest.fn(), error: jest.fn(), info: jest.fn(), debug: jest.fn() } as unknown as Logger & { warn: jest.Mock; error: jest.Mock; info: jest.Mock };
}

function event(overrides: Partial<NewEvent> = {}): NewEvent {
  return { at: T0, kind: 'decision', service: 'web', message: 'scaled web from 2 to 3', data: {}, ...overrides };
}

let dir: string;
let path: string;
let log: ReturnType<typeof fakeLog>;
const open: EventStore[] = [];

function openStore(options: { busyTimeoutMs?: number } = {}): EventStore {
  const store = new EventStore(path, { log, ...options });
  open.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'acs-events-'));
  path = join(dir, 'events.sqlite');
  log = fakeLog();
});

afterEach(() => {
  for (const store of open.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('EventStore append and query', () => {
  test('an appended event comes back from query exactly as append returned it', () => {
    const store = openStore();
    const appended = store.append(event({ data: { from: 2, to: 3 } }));
    expect(appended).toEqual({
      id: 1,
      at: '2024-05-01T10:00:00.000Z',
      kind: 'decision',
      service: 'web',
      message: 'scaled web from 2 to 3',
      data: { from: 2, to: 3 },
    });
    expect(store.query()).toEqual({ events: [appended], lastId: 1 });
  });

  test('ids increase and cluster-wide events have a null service', () => {
    const store = openStore();
    const a = store.append(event());
    const b = store.append(event({ kind: 'vm-up', service: null, message: 'vm-1 up' }));
    expect(b.id).toBeGreaterThan(a.id);
    expect(store.query().events.map((e) => e.service)).toEqual(['web', null]);
  });

  test('since an id returns only later events, oldest first', () => {
    const store = openStore();
    const ids = [1, 2, 3, 4].map((i) => store.append(event({ at: T0 + i })).id);
    expect(store.query({ since: ids[1] }).events.map((e) => e.id)).toEqual(ids.slice(2));
    expect(store.query({ since: ids[3] }).events).toEqual([]);
    expect(store.query({ since: 0 }).events).toHaveLength(4);
  });

  test('since a date returns events at or after it', () => {
    const store = openStore();
    for (const offset of [0, HOUR_MS, 2 * HOUR_MS]) store.append(event({ at: T0 + offset, message: `at +${offset}` }));
    const result = store.query({ since: new Date(T0 + HOUR_MS) });
    expect(result.events.map((e) => e.message)).toEqual([`at +${HOUR_MS}`, `at +${2 * HOUR_MS}`]);
    expect(store.query({ since: new Date(T0 + HOUR_MS + 1), kind: 'decision' }).events.map((e) => e.message)).toEqual([`at +${2 * HOUR_MS}`]);
    expect(store.query({ since: new Date(T0 + 3 * HOUR_MS) })).toEqual({ events: [], lastId: 3 });
  });

  test('kind and service filter, alone and together', () => {
    const store = openStore();
    store.append(event({ kind: 'decision', service: 'web' }));
    store.append(event({ kind: 'placement', service: 'web' }));
    store.append(event({ kind: 'decision', service: 'api' }));
    store.append(event({ kind: 'vm-down', service: null }));
    const pick = (q: Parameters<EventStore['query']>[0]): string[] => store.query(q).events.map((e) => `${e.kind}/${e.service}`);
    expect(pick({ kind: 'decision' })).toEqual(['decision/web', 'decision/api']);
    expect(pick({ service: 'web' })).toEqual(['decision/web', 'placement/web']);
    expect(pick({ kind: 'decision', service: 'api' })).toEqual(['decision/api']);
    expect(pick({ kind: 'error' })).toEqual([]);
  });

  test('a limit without since gives the newest N, still oldest first', () => {
    const store = openStore();
    for (let i = 1; i <= 10; i++) store.append(event({ message: `e${i}` }));
    expect(store.query({ limit: 3 }).events.map((e) => e.message)).toEqual(['e8', 'e9', 'e10']);
    expect(store.query({ limit: 3, newestFirst: true }).events.map((e) => e.message)).toEqual(['e10', 'e9', 'e8']);
  });

  test('a limit with since pages forward from it, so a follower misses nothing', () => {
    const store = openStore();
    for (let i = 1; i <= 10; i++) store.append(event({ message: `e${i}` }));
    const first = store.query({ since: 0, limit: 4 });
    expect(first.events.map((e) => e.message)).toEqual(['e1', 'e2', 'e3', 'e4']);
    const next = store.query({ since: first.events.at(-1)!.id, limit: 4 });
    expect(next.events.map((e) => e.message)).toEqual(['e5', 'e6', 'e7', 'e8']);
  });

  test('the default limit is 100 and a larger one is capped at 1000', () => {
    const store = openStore();
    for (let i = 0; i < 1005; i++) store.append(event());
    expect(store.query().events).toHaveLength(100);
    expect(store.query({ limit: 5000 }).events).toHaveLength(1000);
    expect(store.query({ limit: 0 }).events).toHaveLength(1);
  });

  test('lastId is the newest id in the whole log, whatever the filter, and 0 when empty', () => {
    const store = openStore();
    expect(store.query()).toEqual({ events: [], lastId: 0 });
    store.append(event({ kind: 'decision' }));
    const newest = store.append(event({ kind: 'error' }));
    expect(store.query({ kind: 'decision', limit: 1 }).lastId).toBe(newest.id);
    expect(store.query({ since: newest.id }).lastId).toBe(newest.id);
  });

  test('last() is the newest event matching the filter', () => {
    const store = openStore();
    expect(store.last({ kind: 'decision' })).toBeUndefined();
    store.append(event({ kind: 'decision', service: 'web', message: 'old' }));
    store.append(event({ kind: 'decision', service: 'api', message: 'api' }));
    store.append(event({ kind: 'decision', service: 'web', message: 'new' }));
    store.append(event({ kind: 'placement', service: 'web', message: 'placement' }));
    expect(store.last({ kind: 'decision', service: 'web' })?.message).toBe('new');
    expect(store.last({ service: 'web' })?.message).toBe('placement');
    expect(store.last()?.message).toBe('placement');
  });

  test('data survives as JSON: nesting, arrays, null, unicode; undefined dropped, dates as strings', () => {
    const store = openStore();
    const data = {
      inputs: { cpuPct: [41.5, 77.25], replicas: 2 },
      candidates: [{ vm: 'vm-1', score: 0.5 }, { vm: 'vm-2', score: null }],
      note: 'héllo ✓ "quoted"\n',
      skipped: undefined,
      when: new Date(T0),
    };
    store.append(event({ data }));
    expect(store.query().events[0]!.data).toEqual({
      inputs: { cpuPct: [41.5, 77.25], replicas: 2 },
      candidates: [{ vm: 'vm-1', score: 0.5 }, { vm: 'vm-2', score: null }],
      note: 'héllo ✓ "quoted"\n',
      when: '2024-05-01T10:00:00.000Z',
    });
  });

  test('unserialisable data does not throw: the good keys are kept, the bad ones named', () => {
    const store = openStore();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const appended = store.append(event({ data: { reason: 'cpu high', cyclic, big: 10n } }));
    expect(appended.data['reason']).toBe('cpu high');
    expect(appended.data['_unserialisable']).toEqual({ error: expect.stringMatching(/circular|BigInt/i) as unknown, droppedKeys: ['cyclic', 'big'] });
    expect(store.query().events[0]).toEqual(appended);
    expect(log.warn).toHaveBeenCalledTimes(1);
  });

  test('a throwing getter or toJSON is a placeholder too', () => {
    const store = openStore();
    const getter = { ok: 1, get bad(): never { throw new Error('nope'); } };
    expect(store.append(event({ data: getter })).data).toEqual({ ok: 1, _unserialisable: { error: 'Error: nope', droppedKeys: ['bad'] } });
    const toJson = { toJSON: (): never => { throw new Error('no json'); } };
    expect(store.append(event({ data: toJson })).data['_unserialisable']).toEqual({ error: 'Error: no json', droppedKeys: [] });
  });

  test('a non-finite time is refused before anything is written', () => {
    const store = openStore();
    expect(() => store.append(event({ at: Number.NaN }))).toThrow(RangeError);
    expect(store.query().lastId).toBe(0);
  });
});

describe('EventStore file', () => {
  test('events persist across close and reopen of the same file', () => {
    const first = openStore();
    first.append(event({ message: 'before restart', data: { n: 1 } }));
    first.close();
    const second = openStore();
    expect(second.query().events.map((e) => [e.id, e.message, e.data])).toEqual([[1, 'before restart', { n: 1 }]]);
    expect(second.append(event()).id).toBe(2);
  });

  test('the file is in WAL mode with the schema version recorded', () => {
    openStore().append(event());
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  test('a file that is not a database is an open-failed EventStoreError that says what to do', () => {
    writeFileSync(path, Buffer.from('this is not a database, just some garbage bytes '.repeat(20)));
    const error = catchError(() => openStore());
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toMatchObject({ code: 'open-failed', path });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/not a database/);
    expect((error as Error).message).toMatch(/move .* out of the way/);
    // SqliteError comes from the native module's realm under jest, so check its shape, not its prototype chain.
    expect((error as Error).cause).toHaveProperty('message');
  });

  test('a missing directory is an open-failed EventStoreError', () => {
    path = join(dir, 'missing', 'events.sqlite');
    expect(catchError(() => openStore())).toMatchObject({ code: 'open-failed', path });
  });

  test('a file from a newer schema is refused, not touched', () => {
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(catchError(() => openStore())).toMatchObject({ code: 'unsupported-schema', path });
  });

  test('use after close is a closed EventStoreError', async () => {
    const store = openStore();
    store.close();
    store.close();
    expect(catchError(() => store.append(event()))).toMatchObject({ code: 'closed' });
    expect(catchError(() => store.query())).toMatchObject({ code: 'closed' });
    expect(catchError(() => store.startPruning())).toMatchObject({ code: 'closed' });
    await expect(store.prune(T0)).rejects.toMatchObject({ code: 'closed' });
  });

  test(':memory: works for callers that want no file', () => {
    const store = new EventStore(':memory:', { log });
    open.push(store);
    store.append(event());
    expect(store.query().lastId).toBe(1);
  });
});

describe('EventStore retention', () => {
  const RETENTION_MS = 24 * HOUR_MS;

  test('prune deletes events older than the retention and keeps the rest', async () => {
    const store = openStore();
    const now = T0 + 10 * RETENTION_MS;
    store.append(event({ at: now - RETENTION_MS - 1, message: 'old' }));
    store.append(event({ at: now - RETENTION_MS, message: 'at the cutoff' }));
    store.append(event({ at: now - 1, message: 'new' }));
    const result = await store.prune(now, RETENTION_MS);
    expect(result).toEqual({ deleted: 1, batches: 1, cutoff: now - RETENTION_MS });
    expect(store.query().events.map((e) => e.message)).toEqual(['at the cutoff', 'new']);
  });

  test('a large backlog is pruned in batches with the event loop free between them', async () => {
    const store = openStore();
    const backlog = 25_000;
    const insert = new Database(path);
    const statement = insert.prepare("INSERT INTO events (at, kind, service, message, data) VALUES (?, 'decision', 'web', 'old', '{}')");
    insert.transaction(() => {
      for (let i = 0; i < backlog; i++) statement.run(T0 + i);
    })();
    insert.close();
    const kept = store.append(event({ at: T0 + 2 * RETENTION_MS, message: 'recent' }));

    let turns = 0;
    let pruning = true;
    const tick = (): void => {
      turns++;
      if (pruning) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await store.prune(T0 + 2 * RETENTION_MS, RETENTION_MS);
    pruning = false;

    expect(result.deleted).toBe(backlog);
    expect(result.batches).toBe(Math.ceil(backlog / PRUNE_BATCH_ROWS));
    expect(turns).toBeGreaterThanOrEqual(result.batches - 1);
    expect(store.query()).toEqual({ events: [kept], lastId: kept.id });
  });

  test('closing while a prune yields stops it after the current batch', async () => {
    const store = openStore();
    for (let i = 0; i < PRUNE_BATCH_ROWS * 2; i++) store.append(event({ at: T0 }));
    const pruning = store.prune(T0 + 2 * RETENTION_MS, RETENTION_MS);
    store.close();
    expect(await pruning).toMatchObject({ deleted: PRUNE_BATCH_ROWS, batches: 1 });
  });

  test('startPruning runs in the background with the injected clock', async () => {
    const store = openStore();
    store.append(event({ at: T0, message: 'old' }));
    store.append(event({ at: T0 + 2 * RETENTION_MS, message: 'new' }));
    const pruned = once(store, 'pruned') as Promise<[PruneResult]>;
    store.startPruning({ retentionMs: RETENTION_MS, firstDelayMs: 0, intervalMs: 60_000, now: () => T0 + 2 * RETENTION_MS });
    const [result] = await pruned;
    expect(result.deleted).toBe(1);
    expect(store.query().events.map((e) => e.message)).toEqual(['new']);
    expect(log.info).toHaveBeenCalledWith(expect.objectContaining({ deleted: 1 }), 'pruned old events');
  });

  test('a pruning failure is logged and emitted, never thrown', async () => {
    const store = openStore({ busyTimeoutMs: 0 });
    store.append(event({ at: T0 }));
    // A second connection holding the write lock makes the delete fail with SQLITE_BUSY.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const failed = once(store, 'pruneFailed') as Promise<[unknown]>;
      store.startPruning({ retentionMs: RETENTION_MS, firstDelayMs: 0, now: () => T0 + 2 * RETENTION_MS });
      const [error] = await failed;
      expect(error).toMatchObject({ code: 'write-failed' });
      expect((error as Error).message).toMatch(/write lock/);
      expect(log.error).toHaveBeenCalledTimes(1);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.query().events).toHaveLength(1);
  });
});

describe('parseEventQuery', () => {
  const parse = (query: string): ReturnType<typeof parseEventQuery> => parseEventQuery(new URLSearchParams(query));
  const problems = (query: string): { path: string; message: string }[] => {
    const error = catchError(() => parse(query));
    expect(error).toBeInstanceOf(InvalidEventQueryError);
    return [...(error as InvalidEventQueryError).problems];
  };

  test('reads every parameter', () => {
    expect(parse('')).toEqual({});
    expect(parse('since=42&kind=decision&service=web&limit=10')).toEqual({ since: 42, kind: 'decision', service: 'web', limit: 10 });
    expect(parse('since=2024-05-01T10:00:00Z')).toEqual({ since: new Date(T0) });
    expect(parse('since=2024-05-01T12:00:00.000%2B02:00')).toEqual({ since: new Date(T0) });
    expect(parse('since=2024-05-01')).toEqual({ since: new Date('2024-05-01T00:00:00Z') });
    expect(parse('since=0&limit=1000')).toEqual({ since: 0, limit: 1000 });
  });

  test('an unknown kind lists the valid ones', () => {
    const [problem] = problems('kind=explosion');
    expect(problem?.path).toBe('kind');
    for (const kind of EVENT_KINDS) expect(problem?.message).toContain(kind);
  });

  test.each(['-1', '1.5', 'yesterday', '2024-02-30', '2024-13-01', '2024-05-01T10:00', '2024-05-01 10:00:00Z', '', '99999999999999999999'])(
    'since=%p is neither an id nor an ISO time',
    (since) => {
      expect(problems(`since=${encodeURIComponent(since)}`)).toEqual([{ path: 'since', message: expect.stringContaining('must be an event id') as unknown }]);
    },
  );

  test('a time without a zone says it needs one', () => {
    expect(problems('since=2024-05-01T10:00')[0]?.message).toMatch(/needs a zone/);
  });

  test.each(['0', '1001', '1.5', 'ten', '-5', ''])('limit=%p is not an integer from 1 to 1000', (limit) => {
    expect(problems(`limit=${limit}`)).toEqual([{ path: 'limit', message: expect.stringContaining('from 1 to 1000') as unknown }]);
  });

  test('unknown and repeated parameters are refused', () => {
    expect(problems('order=desc')).toEqual([{ path: 'order', message: expect.stringContaining('since, kind, service, limit') as unknown }]);
    expect(problems('kind=decision&kind=error')).toEqual([{ path: 'kind', message: 'given more than once' }]);
    expect(problems('service=')).toEqual([{ path: 'service', message: 'must not be empty' }]);
  });

  test('every problem is listed at once', () => {
    const error = catchError(() => parse('kind=nope&since=soon&limit=0&foo=1')) as InvalidEventQueryError;
    expect(error.problems.map((p) => p.path).sort()).toEqual(['foo', 'kind', 'limit', 'since']);
    expect(error.code).toBe('invalid-event-query');
    expect(error.message).toContain('kind: unknown kind');
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
