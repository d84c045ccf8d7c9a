/** Samples the lab once a second while the load runs: containers per VM and the service's counts. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabClient } from './lab-client';

export interface VmSample {
  status: 'ready' | 'down';
  /** Web containers ready and not draining: those taking traffic. */
  ready: number;
  starting: number;
  draining: number;
}

export interface ClusterSample {
  /** Seconds since the load started. */
  t: number;
  desired: number | null;
  perVm: Record<string, VmSample>;
}

const SERVICE = 'web';

/** One sample: the three GETs at once, so they describe the same moment. */
export async function sampleOnce(client: LabClient, t: number): Promise<ClusterSample> {
  const [cluster, { vms }, { containers }] = await Promise.all([client.cluster(), client.vms(), client.containers()]);
  const perVm: Record<string, VmSample> = {};
  for (const vm of vms) perVm[vm.id] = { status: vm.status, ready: 0, starting: 0, draining: 0 };
  for (const c of containers) {
    if (c.service !== SERVICE) continue;
    const vm = (perVm[c.vm] ??= { status: 'ready', ready: 0, starting: 0, draining: 0 });
    if (c.draining) vm.draining++;
    else if (c.ready) vm.ready++;
    else vm.starting++;
  }
  return { t, desired: cluster.services.find((s) => s.name === SERVICE)?.desired ?? null, perVm };
}

/**
 * Samples every `intervalMs` until `signal` aborts; a failed sample is counted and skipped (the chart shows
 * a gap), so a VIM that stops answering for a moment does not end the demo.
 */
export async function sampleUntil(
  client: LabClient,
  startedAt: number,
  signal: AbortSignal,
  intervalMs = 1000,
): Promise<{ samples: ClusterSample[]; failures: number }> {
  const samples: ClusterSample[] = [];
  let failures = 0;
  for (let next = startedAt; !signal.aborted; ) {
    try {
      samples.push(await sampleOnce(client, (Date.now() - startedAt) / 1000));
    } catch {
      failures++;
    }
    next += intervalMs;
    const wait = Math.max(0, next - Date.now());
    // Aborting ends the wait at once; the rejection that brings is the normal way out.
    await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
  return { samples, failures };
}
