import { cpuLimitOf, usageFromSample, type DockerStatsSample } from '../src/runtime/container-stats';

const MiB = 1024 * 1024;
const NS_PER_S = 1_000_000_000;

/**
 * A sample one second after the previous one on a 4-CPU host: the host's counter advanced 4 CPU-seconds,
 * the container's by `usedCpus` CPU-seconds.
 */
function sample(usedCpus: number, memory: DockerStatsSample['memory_stats'], cpus = 4): DockerStatsSample {
  const preTotal = 123_456_789_000;
  const preSystem = 987_654_321_000_000;
  return {
    cpu_stats: {
      cpu_usage: { total_usage: preTotal + usedCpus * NS_PER_S, percpu_usage: new Array<number>(cpus).fill(1) },
      system_cpu_usage: preSystem + cpus * NS_PER_S,
      online_cpus: cpus,
    },
    precpu_stats: { cpu_usage: { total_usage: preTotal }, system_cpu_usage: preSystem },
    memory_stats: memory,
  };
}

describe('usageFromSample', () => {
  test('CPU is a percentage of the container limit: 0.25 CPU of a 0.5 CPU limit is 50%', () => {
    const usage = usageFromSample(sample(0.25, { usage: 64 * MiB, stats: { inactive_file: 0 } }), 0.5);
    expect(usage).not.toBeNull();
    expect(usage!.cpuPct).toBeCloseTo(50, 6);
  });

  test('a container using its whole limit is at 100%, one idle at 0%', () => {
    expect(usageFromSample(sample(0.5, { usage: 1 }), 0.5)!.cpuPct).toBeCloseTo(100, 6);
    expect(usageFromSample(sample(0, { usage: 1 }), 0.5)!.cpuPct).toBe(0);
    expect(usageFromSample(sample(2, { usage: 1 }), 2)!.cpuPct).toBeCloseTo(100, 6);
    expect(usageFromSample(sample(1, { usage: 1 }), 2)!.cpuPct).toBeCloseTo(50, 6);
  });

  test('the share does not depend on how many CPUs the host has', () => {
    for (const cpus of [1, 2, 8, 64]) {
      expect(usageFromSample(sample(0.25, { usage: 1 }, cpus), 0.5)!.cpuPct).toBeCloseTo(50, 6);
    }
  });

  test('without a limit (0) the share is of all the host CPUs', () => {
    expect(usageFromSample(sample(1, { usage: 1 }, 4), 0)!.cpuPct).toBeCloseTo(25, 6);
  });

  test('the first sample of a stream (precpu all zeros) gives null', () => {
    const first: DockerStatsSample = {
      cpu_stats: { cpu_usage: { total_usage: 5_000_000_000, percpu_usage: [1, 1] }, system_cpu_usage: 900_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 },
      memory_stats: { usage: 10 * MiB, stats: { inactive_file: MiB } },
    };
    expect(usageFromSample(first, 0.5)).toBeNull();
  });

  test('a first sample whose precpu has no system_cpu_usage at all gives null', () => {
    const first: DockerStatsSample = {
      cpu_stats: { cpu_usage: { total_usage: 5_000_000_000 }, system_cpu_usage: 900_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 0 } },
      memory_stats: { usage: 10 * MiB },
    };
    expect(usageFromSample(first, 0.5)).toBeNull();
  });

  test('a sample where the host counter did not advance gives null', () => {
    const s = sample(0.25, { usage: 1 });
    s.cpu_stats!.system_cpu_usage = s.precpu_stats!.system_cpu_usage;
    expect(usageFromSample(s, 0.5)).toBeNull();
  });

  test('missing CPU fields give null', () => {
    expect(usageFromSample({}, 0.5)).toBeNull();
    const noCpu = sample(0.25, { usage: 1 });
    delete noCpu.cpu_stats;
    expect(usageFromSample(noCpu, 0.5)).toBeNull();
    const noPre = sample(0.25, { usage: 1 });
    delete noPre.precpu_stats;
    expect(usageFromSample(noPre, 0.5)).toBeNull();
    const noTotal = sample(0.25, { usage: 1 });
    delete noTotal.cpu_stats!.cpu_usage;
    expect(usageFromSample(noTotal, 0.5)).toBeNull();
    const noPreTotal = sample(0.25, { usage: 1 });
    delete noPreTotal.precpu_stats!.cpu_usage;
    expect(usageFromSample(noPreTotal, 0.5)).toBeNull();
    const noSystem = sample(0.25, { usage: 1 });
    delete noSystem.cpu_stats!.system_cpu_usage;
    expect(usageFromSample(noSystem, 0.5)).toBeNull();
  });

  test('cgroup v2: inactive_file is subtracted from usage', () => {
    const usage = usageFromSample(sample(0.1, { usage: 100 * MiB, stats: { inactive_file: 30 * MiB, active_file: 5 * MiB, anon: 60 * MiB } }), 0.5);
    expect(usage!.memBytes).toBe(70 * MiB);
  });

  test('cgroup v1: total_inactive_file is subtracted from usage', () => {
    const usage = usageFromSample(sample(0.1, { usage: 100 * MiB, stats: { total_inactive_file: 40 * MiB, cache: 45 * MiB, rss: 50 * MiB } }), 0.5);
    expect(usage!.memBytes).toBe(60 * MiB);
  });

  test('without page-cache stats the whole usage counts', () => {
    expect(usageFromSample(sample(0.1, { usage: 100 * MiB }), 0.5)!.memBytes).toBe(100 * MiB);
    expect(usageFromSample(sample(0.1, { usage: 100 * MiB, stats: {} }), 0.5)!.memBytes).toBe(100 * MiB);
  });

  test('memory never goes negative when the cache figure exceeds usage', () => {
    expect(usageFromSample(sample(0.1, { usage: 10 * MiB, stats: { inactive_file: 20 * MiB } }), 0.5)!.memBytes).toBe(0);
  });

  test('online_cpus missing: the length of percpu_usage is the host CPU count', () => {
    // 2 CPUs: the host counter advanced 2 CPU-seconds; the container used 0.5 CPU-seconds = 0.5 CPU = 100% of 0.5.
    const s: DockerStatsSample = {
      cpu_stats: { cpu_usage: { total_usage: 1_500_000_000, percpu_usage: [700_000_000, 800_000_000] }, system_cpu_usage: 12_000_000_000 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
      memory_stats: { usage: 50 * MiB, stats: { inactive_file: 10 * MiB } },
    };
    const usage = usageFromSample(s, 0.5);
    expect(usage!.cpuPct).toBeCloseTo(100, 6);
    expect(usage!.memBytes).toBe(40 * MiB);
    // online_cpus 0 (as some engines report) falls back the same way.
    s.cpu_stats!.online_cpus = 0;
    expect(usageFromSample(s, 0.5)!.cpuPct).toBeCloseTo(100, 6);
  });

  test('neither online_cpus nor percpu_usage: one CPU is assumed', () => {
    const s: DockerStatsSample = {
      cpu_stats: { cpu_usage: { total_usage: 1_250_000_000 }, system_cpu_usage: 11_000_000_000 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
      memory_stats: { usage: MiB },
    };
    expect(usageFromSample(s, 0.5)!.cpuPct).toBeCloseTo(50, 6);
  });

  test('a container counter that went backwards (restart) gives 0%, not a negative share', () => {
    const s = sample(0.25, { usage: 1 });
    s.cpu_stats!.cpu_usage!.total_usage = 1;
    expect(usageFromSample(s, 0.5)!.cpuPct).toBe(0);
  });
});

describe('cpuLimitOf', () => {
  it.each([
    [{ NanoCpus: 500_000_000 }, 0.5],
    [{ CpuQuota: 5_000, CpuPeriod: 10_000 }, 0.5],
    [{ CpuQuota: 150_000 }, 1.5], // Docker's default period is 100 ms
    [{ CpuQuota: -1, CpuPeriod: 10_000 }, 0],
    [{}, 0],
  ])('%j → %d CPUs', (host, cpus) => {
    expect(cpuLimitOf(host)).toBeCloseTo(cpus);
  });
});
