/** Helpers the hostile-input tests share: memory of a process, counts from the VIM, raw slow connections. */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { ContainerListResponse, VmListResponse } from '@acs/api-types';
import { callApi, eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from '../support/lab';
import type { Daemon, ProcessGroup } from '../support/processes';

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

export interface ServingLab {
  vim: VimProcess;
  vmm: Daemon;
  vmmId: string;
  /** The agent secret, for hand-driven agents. */
  secret: Buffer;
  /** The VMM's tier-2 front. */
  tier2Port: number;
}

/**
 * A real acs-vim and one acs-vmm with one ready container, serving through tier 1: the cluster hostile tests
 * attack while checking it keeps serving. Remove `vmmId`'s containers after the test.
 */
export async function startServingLab(group: ProcessGroup, vmmId: string, handshakeTimeoutMs: number): Promise<ServingLab> {
  const vim = await startVimProcess(group, { args: ['--report-interval-ms', '250', '--handshake-timeout-ms', String(handshakeTimeoutMs)] });
  const secret = Buffer.from(readFileSync(vim.secretFile, 'utf8').trim());
  const vmm = startVmmProcess(group, vim, vmmId, ['--max-containers', '1', '--stop-grace-seconds', '1']);
  const vms = async (): Promise<VmListResponse['vms']> => (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms;
  const vm = await eventually(async () => (await vms()).find((v) => v.id === vmmId && v.status === 'ready' && v.front), 15_000, 'the VMM ready');
  const started = await callApi(vim.api, 'POST', `/api/v1/vms/${vmmId}/containers`, { workMs: 0 });
  if (started.status !== 201) throw new Error(`container start: ${started.status} ${JSON.stringify(started.body)}`);
  await eventually(async () => (await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers?vm=${vmmId}`)).containers.some((c) => c.ready), 30_000, 'a ready container');
  await eventually(async () => (await fetch(`http://127.0.0.1:${vim.httpPort}/work?ms=0`)).status === 200, 15_000, 'traffic through tier 1');
  return { vim, vmm, vmmId, secret, tier2Port: vm.front!.port };
}
