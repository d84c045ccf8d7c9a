import { readFileSync } from 'node:fs';
import type { EventListResponse } from '@acs/api-types';
import type { ContainerReport } from '@acs/protocol';
import { callApi, getJson, type VimProcess } from './lab';
import { RawAgent } from './raw-agent';

/**
 * Hand-driven agents (maxContainers 1) that keep reporting what a test says they run, over the real
 * protocol: a VM "full" of web containers without Docker. They report as agents that predate `dockerUp`
 * (so the VIM counts their engine as up). With `refuseStarts`, every startContainer is answered with that
 * error code; otherwise commands go unanswered. Call `closeAll()` in afterEach.
 */
export class ReportingAgents {
  private readonly raws: RawAgent[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  async open(vim: VimProcess, agentId: string, containers: ContainerReport[], options: { refuseStarts?: string } = {}): Promise<RawAgent> {
    const raw = await RawAgent.open(vim.agentPort);
    this.raws.push(raw);
    const answer = await raw.handshake(readFileSync(vim.secretFile, 'utf8').trim(), agentId);
    if (answer.type !== 'welcome') throw new Error(`${agentId} was not welcomed: ${JSON.stringify(answer)}`);
    let seq = 0;
    let answered = 0;
    const report = (): void => raw.send({ type: 'report', seq: ++seq, at: Date.now(), host: { cpuPct: 30, memUsedBytes: 1, memTotalBytes: 2, load1: 0 }, containers });
    const refuse = (code: string): void => {
      for (; answered < raw.received.length; answered++) {
        const m = raw.received[answered]!;
        if (m.type === 'startContainer') raw.send({ type: 'result', id: m.id, ok: false, error: { code, message: `refused by the test agent ${agentId}` } });
      }
    };
    const tick = (): void => {
      report();
      if (options.refuseStarts !== undefined) refuse(options.refuseStarts);
    };
    tick();
    this.timers.push(setInterval(tick, 250));
    return raw;
  }

  closeAll(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const raw of this.raws.splice(0)) raw.close();
  }
}

/** A ready web container as an agent reports it. */
export function webContainer(id: string): ContainerReport {
  return { id, name: `acs-web-${id}`, service: 'web', state: 'running', ready: true, draining: false, cpuPct: 10, memBytes: 1, inflight: 0, requestsTotal: 0, hostPort: 1 };
}

export async function eventsOfKind(vim: VimProcess, kind: string): Promise<EventListResponse['events']> {
  return (await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=${kind}`)).events;
}

/** Pins the web service at `replicas` (no admin token: the test VIMs have none). */
export async function scaleWebTo(vim: VimProcess, replicas: number): Promise<void> {
  const answer = await callApi(vim.api, 'POST', '/api/v1/services/web/scale', { replicas });
  if (answer.status !== 200) throw new Error(`scale to ${replicas}: ${answer.status} ${JSON.stringify(answer.body)}`);
}
