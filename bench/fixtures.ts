import type { ContainerReport, ReportMessage } from '@acs/protocol';

/** A report as a busy VM sends it: eight containers, all fields populated. */
export function sampleReport(seq: number, containers = 8): ReportMessage {
  const list: ContainerReport[] = [];
  for (let i = 0; i < containers; i++) {
    list.push({
      id: `3f2a9c1b7e4d${String(i).padStart(52, '0')}`,
      name: `acs-web-vmm1-${i}`,
      service: 'web',
      state: 'running',
      ready: true,
      draining: false,
      cpuPct: 41.25 + i,
      memBytes: 48_123_456 + i,
      inflight: i % 3,
      requestsTotal: 123_456 + seq,
      hostPort: 32768 + i,
    });
  }
  return {
    type: 'report',
    seq,
    at: Date.now(),
    host: { cpuPct: 37.5, memUsedBytes: 8_123_456_789, memTotalBytes: 25_000_000_000, load1: 1.23 },
    containers: list,
  };
}
