/** The parts of a Docker stats sample we read (API 1.41 shape; cgroup v1 and v2). */
export interface DockerStatsSample {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

export interface ContainerUsage {
  /** CPU used as a percentage of the container's own limit (100 = using all it may). */
  cpuPct: number;
  /** Memory in use, page cache excluded (what `docker stats` shows). */
  memBytes: number;
}

/**
 * Turns one streamed stats sample into usage. Docker's own formula: the container's CPU time delta over
 * the host's, times the host's CPUs, gives CPUs used; divided by the limit, a share of what it may use.
 */
export function usageFromSample(sample: DockerStatsSample, limitCpus: number): ContainerUsage | null {
  const cpu = sample.cpu_stats;
  const pre = sample.precpu_stats;
  const total = cpu?.cpu_usage?.total_usage;
  const preTotal = pre?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  const preSystem = pre?.system_cpu_usage;
  if (total === undefined || preTotal === undefined || system === undefined || preSystem === undefined) return null;
  const systemDelta = system - preSystem;
  if (systemDelta <= 0 || preSystem === 0) return null; // first sample of a stream has no "before"
  const onlineCpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  const usedCpus = ((total - preTotal) / systemDelta) * onlineCpus;
  const cpuPct = Math.max(0, (100 * usedCpus) / (limitCpus > 0 ? limitCpus : onlineCpus));
  const mem = sample.memory_stats;
  const cache = mem?.stats?.['inactive_file'] ?? mem?.stats?.['total_inactive_file'] ?? 0;
  return { cpuPct, memBytes: Math.max(0, (mem?.usage ?? 0) - cache) };
}

/** The CFS period our containers' CPU limit is enforced over, in microseconds (Docker's default is 100 ms). */
export const CFS_PERIOD_US = 10_000;

/** A container's CPU limit in cores, whichever way it was set (NanoCpus, or a CFS quota and period); 0 = none. */
export function cpuLimitOf(host: { NanoCpus?: number; CpuQuota?: number; CpuPeriod?: number }): number {
  if (host.NanoCpus) return host.NanoCpus / 1e9;
  if (host.CpuQuota && host.CpuQuota > 0) return host.CpuQuota / (host.CpuPeriod || 100_000);
  return 0;
}
