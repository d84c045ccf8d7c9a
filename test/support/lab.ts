import { join } from 'node:path';
import type { VimOptions } from '@acs/vim';
import { BIN, type Daemon, type LogLine, type ProcessGroup } from './processes';

export interface VimProcess {
  daemon: Daemon;
  agentPort: number;
  adminPort: number;
  /** The tier-1 traffic front. */
  httpPort: number;
  api: string;
  dataDir: string;
  secretFile: string;
}

function portOf(address: unknown): number {
  const match = /:(\d+)$/.exec(String(address));
  if (!match) throw new Error(`no port in ${String(address)}`);
  return Number(match[1]);
}

/** Starts `acs-vim` on loopback (free ports unless given) and waits until it listens. */
export async function startVimProcess(
  group: ProcessGroup,
  options: {
    dataDir?: string;
    agentPort?: number;
    adminPort?: number;
    httpPort?: number;
    args?: string[];
    env?: NodeJS.ProcessEnv;
    /** Run the autoscaler's control loop; off by default so tests that start containers by hand own them. */
    reconcile?: boolean;
  } = {},
): Promise<VimProcess> {
  const dataDir = options.dataDir ?? group.tempDir('acs-vim-');
  const daemon = group.start('acs-vim', BIN.vim, [
    '--data-dir', dataDir,
    '--agent-listen', `127.0.0.1:${options.agentPort ?? 0}`,
    '--admin-listen', `127.0.0.1:${options.adminPort ?? 0}`,
    '--http-listen', `127.0.0.1:${options.httpPort ?? 0}`,
    '--reconcile', options.reconcile ? 'on' : 'off',
    ...(options.args ?? []),
  ], options.env);
  const listening: LogLine = await daemon.waitForLog((l) => l.msg === 'acs-vim listening');
  const adminPort = portOf(listening['adminListen']);
  return {
    daemon,
    agentPort: portOf(listening['agentListen']),
    httpPort: portOf(listening['httpListen']),
    adminPort,
    api: `http://127.0.0.1:${adminPort}`,
    dataDir,
    secretFile: join(dataDir, 'agent-secret'),
  };
}

export function startVmmProcess(group: ProcessGroup, vim: VimProcess, agentId: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Daemon {
  return group.start(
    agentId,
    BIN.vmm,
    ['--vim', `127.0.0.1:${vim.agentPort}`, '--agent-id', agentId, '--secret-file', vim.secretFile, '--front-listen', '127.0.0.1:0', ...args],
    env,
  );
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** One admin API call with an optional JSON body; the answer's status and JSON body, whatever the status. */
export async function callApi(api: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${api}${path}`, {
    method,
    signal: AbortSignal.timeout(30_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** GET a JSON document from the admin API. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return (await response.json()) as T;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Options for an in-process VIM on loopback with OS-assigned ports and no control loop; override what a test needs. */
export function inProcessVimOptions(secret: Buffer, overrides: Partial<VimOptions> = {}): VimOptions {
  return {
    agentListen: { host: '127.0.0.1', port: 0 },
    adminListen: { host: '127.0.0.1', port: 0 },
    httpListen: { host: '127.0.0.1', port: 0 },
    balancerPolicy: 'p2c',
    upstreamTimeoutMs: 5000,
    secret,
    reportIntervalMs: 200,
    heartbeatTimeoutMs: 3000,
    pingIntervalMs: 500,
    handshakeTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    reconcile: false,
    ...overrides,
  };
}
