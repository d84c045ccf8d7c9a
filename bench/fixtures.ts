import type { ContainerReport, ReportMessage } from '@acs/protocol';

export interface SampleReportOptions {
  /** Makes the container ids and names this agent's own, as they are in a real cluster (ids are unique). */
  agent?: number;
  /** The containers' service: `web` is the service a VIM manages by default. */
  service?: string;
}

/** A report as a busy VM sends it: eight containers, every field populated, the optional ones too. */
export function sampleReport(seq: number, containers = 8, options: SampleReportOptions = {}): ReportMessage {
  const agent = options.agent ?? 0;
  const service = options.service ?? 'web';
  const list: ContainerReport[] = [];
  for (let i = 0; i < containers; i++) {
    list.push({
      id: `3f2a9c1b${String(agent).padStart(8, '0')}${String(i).padStart(48, '0')}`,
      name: `acs-${service}-vmm${agent}-${i}`,
      service,
      state: 'running',
      ready: true,
      draining: false,
      cpuPct: 41.25 + i,
      memBytes: 48_123_456 + i,
      inflight: i % 3,
      requestsTotal: 123_456 + seq,
      hostPort: 32768 + i,
      errorsTotal: i,
      latencyMs: { p50: 21.5, p99: 48.25, count: 40 + i },
      inflightLimit: 2,
    });
  }
  return {
    type: 'report',
    seq,
    at: Date.now(),
    host: { cpuPct: 37.5, memUsedBytes: 8_123_456_789, memTotalBytes: 25_000_000_000, load1: 1.23 },
    containers: list,
    dockerUp: true,
    queued: 0,
  };
}
