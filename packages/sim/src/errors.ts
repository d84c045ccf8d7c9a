/** One bad field of a simulation's configuration. */
export interface SimProblem {
  path: string;
  message: string;
}

/** The configuration is invalid; `problems` lists every bad field at once, not only the first. */
export class SimConfigError extends Error {
  readonly code = 'invalid-sim-config';
  constructor(readonly problems: readonly SimProblem[]) {
    super(`invalid simulation config: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    this.name = 'SimConfigError';
  }
}

/** A trace file that cannot be used; the message names the source and line. */
export class TraceParseError extends Error {
  readonly code = 'invalid-trace';
  constructor(
    readonly source: string,
    /** 1-based line of the file, or 0 when the problem is the file as a whole. */
    readonly line: number,
    detail: string,
  ) {
    super(line > 0 ? `${source}:${line}: ${detail}` : `${source}: ${detail}`);
    this.name = 'TraceParseError';
  }
}

/** A decision policy that the command line accepts but that is not wired into the simulator yet. */
export class DeciderNotAvailableError extends Error {
  readonly code = 'decider-not-available';
  constructor(
    readonly policy: string,
    readonly available: readonly string[],
  ) {
    super(`policy '${policy}' is not available yet (only ${available.join(', ')} is wired into the simulator)`);
    this.name = 'DeciderNotAvailableError';
  }
}
