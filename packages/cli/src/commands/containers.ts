import type { ContainerListResponse, ContainerStartRequest, ContainerStartResponse, ContainerStopResponse } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { bytes, pct, table } from '../format';

export async function containersCommand(client: AdminClient, options: { vm?: string; json?: boolean }, out: (text: string) => void): Promise<void> {
  const query = options.vm ? `?vm=${encodeURIComponent(options.vm)}` : '';
  const response = await client.get<ContainerListResponse>(`/api/v1/containers${query}`);
  if (options.json) {
    out(JSON.stringify(response, null, 2));
    return;
  }
  if (response.containers.length === 0) {
    out(options.vm ? `No containers on ${options.vm}.` : 'No containers. Start one: acs container start --vm <id>');
    return;
  }
  const rows = response.containers.map((c) => [
    c.id.slice(0, 12),
    c.vm,
    c.name,
    c.draining ? 'draining' : c.state,
    c.ready ? 'yes' : 'no',
    pct(c.cpuPct),
    bytes(c.memBytes),
    c.inflightLimit === undefined ? String(c.inflight) : `${c.inflight}/${c.inflightLimit}`,
    String(c.requestsTotal),
    c.errorsTotal === undefined ? '-' : String(c.errorsTotal),
    // Over the agent's last report interval; nothing served in it shows as '-' rather than a fake 0 ms.
    c.latencyMs === undefined || c.latencyMs.count === 0 ? '-' : `${formatMs(c.latencyMs.p50)}/${formatMs(c.latencyMs.p99)}`,
    c.hostPort === null ? '-' : `127.0.0.1:${c.hostPort}`,
  ]);
  out(table(['ID', 'VM', 'NAME', 'STATE', 'READY', 'CPU', 'MEMORY', 'INFLIGHT', 'REQUESTS', 'ERRORS', 'P50/P99', 'PORT'], rows));
}

export async function containerStartCommand(
  client: AdminClient,
  options: { vm: string; workMs?: number; cpus?: number; json?: boolean },
  out: (text: string) => void,
): Promise<void> {
  const body: ContainerStartRequest = {};
  if (options.workMs !== undefined) body.workMs = options.workMs;
  if (options.cpus !== undefined) body.cpus = options.cpus;
  const started = await client.post<ContainerStartResponse>(`/api/v1/vms/${encodeURIComponent(options.vm)}/containers`, body);
  out(options.json ? JSON.stringify(started, null, 2) : `started ${started.name} (${started.containerId.slice(0, 12)}) on ${started.vm}, published on 127.0.0.1:${started.hostPort}; it takes traffic once ready`);
}

/** Extra time the CLI waits beyond the drain timeout for the stop itself. */
const STOP_MARGIN_MS = 30_000;

export async function containerStopCommand(
  client: AdminClient,
  id: string,
  options: { drainTimeoutMs: number; json?: boolean },
  out: (text: string) => void,
): Promise<void> {
  const stopped = await client.delete<ContainerStopResponse>(
    `/api/v1/containers/${encodeURIComponent(id)}?drainTimeoutMs=${options.drainTimeoutMs}`,
    options.drainTimeoutMs + STOP_MARGIN_MS,
  );
  if (options.json) {
    out(JSON.stringify(stopped, null, 2));
    return;
  }
  const how = stopped.drained ? 'after draining' : `with ${stopped.inflightAtStop} request(s) still in flight (drain timeout)`;
  out(`stopped ${stopped.containerId.slice(0, 12)} on ${stopped.vm} ${how}`);
}

function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}
