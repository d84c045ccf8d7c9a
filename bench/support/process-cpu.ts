import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks a second, in which /proc counts CPU time. */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).stdout?.trim()) || 100;

/**
 * CPU time a process has used so far, in seconds, from /proc/<pid>/stat: user and kernel apart. A process
 * that is gone counts 0, so a run that lost one still prints the rest.
 */
export function cpuTimes(pid: number): { user: number; system: number } {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { user: 0, system: 0 };
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? { user: user / CLK_TCK, system: system / CLK_TCK } : { user: 0, system: 0 };
}

/** User plus kernel CPU seconds of these processes so far. */
export function cpuSeconds(...pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const { user, system } = cpuTimes(pid);
    total += user + system;
  }
  return total;
}
