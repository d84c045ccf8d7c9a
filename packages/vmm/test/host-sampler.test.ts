import { HostSampler, parseProcStat } from '../src/host-sampler';

const PROC_STAT = [
  'cpu  4705 356 584 3699176 23060 0 277 0 0 0',
  'cpu0 1393 280 307 924389 5757 0 148 0 0 0',
  'cpu1 3312 76 277 2774787 17303 0 129 0 0 0',
  'intr 1462898 29 0 0 0',
  'ctxt 2409640',
  'btime 1700000000',
  'processes 9021',
].join('\n');

describe('parseProcStat', () => {
  test('reads busy and total jiffies from the aggregate cpu line', () => {
    // user nice system idle iowait irq softirq steal
    const total = 4705 + 356 + 584 + 3699176 + 23060 + 0 + 277 + 0;
    const idle = 3699176 + 23060;
    expect(parseProcStat(PROC_STAT)).toEqual({ busy: total - idle, total });
  });

  test('ignores guest columns (already counted in user/nice) beyond steal', () => {
    const withGuest = parseProcStat('cpu  10 0 10 70 10 0 0 0 500 500\n');
    expect(withGuest).toEqual({ busy: 20, total: 100 });
  });

  test('older kernels with fewer columns still parse', () => {
    expect(parseProcStat('cpu 1 2 3 4\n')).toEqual({ busy: 6, total: 10 });
  });

  test('the difference of two samples gives the busy share of the interval', () => {
    const before = parseProcStat('cpu  100 0 100 800 0 0 0 0 0 0\n');
    const after = parseProcStat('cpu  175 0 125 850 0 0 0 0 0 0\n');
    expect((100 * (after.busy - before.busy)) / (after.total - before.total)).toBe(66.66666666666667);
  });
});

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('HostSampler on this Linux machine', () => {
  test('sample() returns sane host usage, first and subsequent samples', async () => {
    const sampler = new HostSampler();
    for (let i = 0; i < 3; i++) {
      const usage = await sampler.sample();
      expect(Number.isFinite(usage.cpuPct)).toBe(true);
      expect(usage.cpuPct).toBeGreaterThanOrEqual(0);
      expect(usage.cpuPct).toBeLessThanOrEqual(100);
      expect(usage.memTotalBytes).toBeGreaterThan(0);
      expect(usage.memUsedBytes).toBeGreaterThanOrEqual(0);
      expect(usage.memUsedBytes).toBeLessThanOrEqual(usage.memTotalBytes);
      expect(Number.isFinite(usage.load1)).toBe(true);
      expect(usage.load1).toBeGreaterThanOrEqual(0);
    }
  });
});
