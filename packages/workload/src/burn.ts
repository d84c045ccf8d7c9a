/**
 * Burns `ms` milliseconds of this process's CPU time in a busy loop.
 *
 * CPU time, not wall time: in a container throttled to 0.5 CPU the loop takes about twice as long on
 * the clock but does the same work, so a container's capacity is its CPU limit ÷ the work per request,
 * which is what the autoscaler and the simulator assume. process.cpuUsage() is a syscall, so it is
 * read every few thousand iterations, not every one.
 */
export function burnCpu(ms: number): number {
  if (ms <= 0) return 0;
  const start = process.cpuUsage();
  const targetMicros = ms * 1000;
  let spent = 0;
  let sink = 0;
  while (spent < targetMicros) {
    for (let i = 0; i < 20_000; i++) sink = (sink + i * 7) % 1_000_003;
    const used = process.cpuUsage(start);
    spent = used.user + used.system;
  }
  // Keeps the loop from being optimised away.
  if (sink === -1) throw new Error('unreachable');
  return spent / 1000;
}
