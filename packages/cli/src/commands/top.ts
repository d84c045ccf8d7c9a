import { setTimeout as sleep } from 'node:timers/promises';
import type { DashboardSnapshot } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { ApiError, VimUnreachableError } from '../errors';
import { ENTER_SCREEN, frame, LEAVE_SCREEN, type Terminal } from '../terminal';
import { renderTop, type TopView } from '../top-render';

export const SNAPSHOT_PATH = '/api/v1/dashboard/snapshot';
/** How often the live view asks for a snapshot: the VIM makes one a second. */
export const TOP_REFRESH_MS = 1000;
/** Width of the one-shot print when stdout is not a terminal. */
const PRINT_COLUMNS = 120;
const CTRL_C = '\x03';

export interface TopOptions {
  once?: boolean;
  ascii?: boolean;
}

/**
 * `acs top`: a live view when stdout is a terminal, one printed snapshot otherwise (or with --once, e.g.
 * for a script or a log).
 */
export async function topCommand(client: AdminClient, options: TopOptions, io: { out: (text: string) => void; terminal?: Terminal; columns?: number }): Promise<void> {
  if (options.once || io.terminal === undefined) {
    const snapshot = await client.get<DashboardSnapshot>(SNAPSHOT_PATH);
    const view: TopView = { api: client.baseUrl, snapshot, problem: null, now: Date.now() };
    io.out(renderTop(view, { columns: io.columns ?? PRINT_COLUMNS, rows: Infinity }, options).join('\n'));
    return;
  }
  await liveTop(client, io.terminal, options);
}

/**
 *   fetch ──ok──▶ draw ──▶ sleep 1 s ──▶ fetch
 *     └─unreachable or 5xx─▶ draw "unreachable, retrying" (last snapshot kept) ─┘
 *
 * q, Ctrl-C, SIGINT, SIGTERM and SIGHUP end it; the terminal is given back (main screen, cursor, cooked
 * mode) on every way out, a thrown error included. A 4xx (e.g. a VIM without this endpoint) will not fix
 * itself and ends the command with that error.
 */
async function liveTop(client: AdminClient, terminal: Terminal, options: TopOptions): Promise<void> {
  const stop = new AbortController();
  const view: TopView = { api: client.baseUrl, snapshot: null, problem: null, now: Date.now() };
  const draw = (): void => terminal.write(frame(renderTop({ ...view, now: Date.now() }, { columns: terminal.columns(), rows: terminal.rows() }, options)));
  const release = terminal.capture({
    key: (data) => {
      if (data === 'q' || data === 'Q' || data.includes(CTRL_C)) stop.abort();
    },
    resize: draw,
    stop: () => stop.abort(),
  });
  terminal.write(ENTER_SCREEN);
  try {
    draw();
    while (!stop.signal.aborted) {
      try {
        view.snapshot = await client.get<DashboardSnapshot>(SNAPSHOT_PATH, { signal: stop.signal });
        view.problem = null;
      } catch (error) {
        if (stop.signal.aborted) break;
        const transient = error instanceof VimUnreachableError || (error instanceof ApiError && error.status >= 500);
        if (!transient) throw error;
        view.problem = { message: `${(error as Error).message}; retrying every ${TOP_REFRESH_MS / 1000} s (q to quit)`, since: view.problem?.since ?? Date.now() };
      }
      draw();
      await sleep(TOP_REFRESH_MS, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    terminal.write(LEAVE_SCREEN);
    release();
  }
}
