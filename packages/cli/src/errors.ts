/** Exit codes of `acs`: scripts can tell "the VIM said no" from "no VIM there". */
export const CLI_EXIT = {
  ok: 0,
  /** The VIM answered with an error, or the command line was wrong. */
  failure: 1,
  /** The VIM could not be reached or did not answer in time. */
  unreachable: 2,
} as const;

export class VimUnreachableError extends Error {
  readonly exitCode = CLI_EXIT.unreachable;
  constructor(
    readonly api: string,
    detail: string,
  ) {
    super(`cannot reach the VIM admin API at ${api}: ${detail} (is acs-vim running? set --api or ACS_API)`);
    this.name = 'VimUnreachableError';
  }
}

/** The command line itself is wrong in a way commander cannot see (e.g. a malformed key=value). */
export class UsageError extends Error {
  readonly exitCode = CLI_EXIT.failure;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One field the VIM rejected (a 422's `problems`). */
export interface ApiProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly exitCode = CLI_EXIT.failure;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Every rejected field, printed one a line after the message: fixing one at a time would take as many runs. */
    readonly problems: readonly ApiProblem[] = [],
  ) {
    super(`${message} (HTTP ${status}, ${code})`);
    this.name = 'ApiError';
  }
}
