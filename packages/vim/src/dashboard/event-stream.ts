import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DashboardHistory, DashboardSnapshot } from '@acs/api-types';
import { HttpError } from '../http-util';
import type { DashboardFeed } from './feed';

/** Streams open at once; each costs a snapshot serialisation a second. */
export const DEFAULT_MAX_STREAMS = 16;
/** How long EventSource waits before reconnecting after the stream drops. */
const RETRY_MS = 2000;

/**
 * `GET /api/v1/dashboard/stream`: Server-Sent Events, `history` once, then `snapshot` every second. A client
 * that reads too slowly misses snapshots instead of growing a buffer in the VIM; a closed connection
 * unsubscribes at once.
 */
export class DashboardStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly feed: DashboardFeed,
    private readonly maxStreams = DEFAULT_MAX_STREAMS,
  ) {}

  get count(): number {
    return this.open.size;
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    if (this.open.size >= this.maxStreams) {
      throw new HttpError(503, 'too-many-streams', `${this.maxStreams} live streams are open already; close a dashboard tab or acs top and retry`, { 'Retry-After': '5' });
    }
    this.open.add(res);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.socket?.setNoDelay(true);
    let blocked = false;
    const send = (event: string, body: unknown): void => {
      if (blocked) return;
      blocked = !res.write(`event: ${event}\ndata: ${JSON.stringify(body)}\n\n`);
    };
    res.on('drain', () => (blocked = false));
    res.write(`retry: ${RETRY_MS}\n\n`);
    send('history', { samples: this.feed.history() } satisfies DashboardHistory);
    send('snapshot', this.feed.snapshot() satisfies DashboardSnapshot);
    const unsubscribe = this.feed.subscribe((snapshot) => send('snapshot', snapshot));
    const done = (): void => {
      unsubscribe();
      this.open.delete(res);
    };
    res.once('close', done);
    req.once('error', done);
  }

  /** Ends every stream, so the server can close without waiting on them. */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
