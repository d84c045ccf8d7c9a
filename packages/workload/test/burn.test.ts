import { burnCpu } from '../src/burn';

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

describe('burnCpu', () => {
  test('burnCpu(30) consumes at least 30 ms of process CPU and reports it', () => {
    const start = process.cpuUsage();
    const reported = burnCpu(30);
    const measured = cpuMsSince(start);
    expect(reported).toBeGreaterThanOrEqual(30);
    expect(measured).toBeGreaterThanOrEqual(30);
    // What it reports is CPU it really spent, measured inside our own window.
    expect(reported).toBeLessThanOrEqual(measured);
  });

  test('a larger amount burns at least that much', () => {
    const start = process.cpuUsage();
    const reported = burnCpu(75);
    expect(reported).toBeGreaterThanOrEqual(75);
    expect(cpuMsSince(start)).toBeGreaterThanOrEqual(75);
  });

  test('burnCpu(0) returns 0', () => {
    expect(burnCpu(0)).toBe(0);
  });

  test('a negative amount burns nothing and returns 0', () => {
    expect(burnCpu(-5)).toBe(0);
  });
});
