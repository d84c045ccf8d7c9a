import { reactiveDecider, runSimulation, type RunOptions, type SimResult } from '../src';

/** One reactive run with a test's overrides; deciders default to the reactive one. */
export function runReactive(options: Omit<RunOptions, 'deciders'> & Partial<Pick<RunOptions, 'deciders'>>): SimResult {
  const output = runSimulation({ deciders: [reactiveDecider], ...options });
  return output.runs[0]!;
}

/** The desired count each time it changed, with when (simulated seconds), from a per-tick timeline. */
export function desiredChanges(result: SimResult): Array<{ t: number; desired: number; reason: string | undefined }> {
  const out: Array<{ t: number; desired: number; reason: string | undefined }> = [];
  let previous: number | undefined;
  for (const row of result.timeline) {
    if (row.desired !== previous) out.push({ t: row.t, desired: row.desired, reason: row.reason });
    previous = row.desired;
  }
  return out;
}
