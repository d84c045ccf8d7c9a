/** Helpers the hostile-input tests share: memory of a process, counts from the VIM, raw slow connections. */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { getJson } from '../support/lab';

/** Resident memory of a process, from /proc. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

export interface AgentServerView {
  sessions: { handshaking: number; ready: number };
  closes: Record<string, number>;
}

export function agentServerView(api: string): Promise<AgentServerView> {
  return getJson<AgentServerView>(`${api}/api/v1/agent-server`);
}

export function totalCloses(view: AgentServerView): number {
  return Object.values(view.closes).reduce((sum, n) => sum + n, 0);
}

/** A raw TCP connection whose closing (by the server) we can await. */
export interface SlowConnection {
  socket: Socket;
  closed: Promise<void>;
  /** Whatever the server sent before closing. */
  received(): string;
}

export function openSlowConnection(port: number, firstBytes?: string): Promise<SlowConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      if (firstBytes !== undefined) socket.write(firstBytes);
      resolve({ socket, closed, received: () => text });
    });
  });
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = promise.then(() => true, () => true);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}
