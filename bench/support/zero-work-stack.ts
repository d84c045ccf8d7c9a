import type { ContainerListResponse, ContainerStartResponse, VmListResponse } from '@acs/api-types';
import { setTimeout as sleep } from 'node:timers/promises';
import { getJson, type VimProcess } from '../../test/support/lab';
import type { Daemon } from '../../test/support/processes';
import { apiCall } from './api';

/**
 * Waits for `agentId` to join `vim` with its front up, starts one zero-work container on it, and waits
 * until `url` (through tier 1) answers 200: the set-up the proxy benchmarks share. Bounded: the agent gets
 * `joinTimeoutMs`, the container 30 s more.
 */
export async function startZeroWorkContainer(vim: VimProcess, vmm: Daemon, agentId: string, url: string, joinTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + joinTimeoutMs;
  for (;;) {
    const { vms } = await getJson<VmListResponse>(`${vim.api}/api/v1/vms`).catch(() => ({ vms: [] as VmListResponse['vms'] }));
    if (vms.some((v) => v.id === agentId && v.status === 'ready' && v.front)) break;
    if (Date.now() > deadline) throw new Error(`acs-vmm ${agentId} did not join within ${joinTimeoutMs / 1000} s:\n${vmm.stderr.slice(-2000)}`);
    await sleep(100);
  }
  const started = await apiCall<ContainerStartResponse>(vim.api, 'POST', `/api/v1/vms/${agentId}/containers`, { workMs: 0 });
  for (;;) {
    const { containers } = await apiCall<ContainerListResponse>(vim.api, 'GET', `/api/v1/containers?vm=${agentId}`, undefined, 5000);
    const ready = containers.some((c) => c.id === started.containerId && c.ready);
    if (ready && (await fetch(url).then((r) => r.status === 200).catch(() => false))) return;
    if (Date.now() > deadline + 30_000) throw new Error(`container ${started.name} not serving through tier 1 within ${joinTimeoutMs / 1000 + 30} s`);
    await sleep(100);
  }
}
