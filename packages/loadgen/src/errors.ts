/** The command line is wrong: a bad value, a missing or conflicting option, a refused target. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input file (a trace) cannot be read or is invalid. Exit 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
