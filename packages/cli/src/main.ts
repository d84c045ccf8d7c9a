import { CommanderError } from 'commander';
import { ApiError, CLI_EXIT, UsageError, VimUnreachableError } from './errors';
import { buildProgram, type CliIo } from './program';
import { processTerminal } from './terminal';

/** Entry point of `acs`: returns the exit code instead of exiting, so tests can run it in-process. */
export async function run(argv: string[], io: CliIo = { out: console.log, err: console.error }): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    // Bare `acs` is a request for orientation, not a mistake.
    io.out(program.helpInformation().trimEnd());
    return CLI_EXIT.ok;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return CLI_EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; a bad flag or missing argument is a usage error (message already printed).
      return error.exitCode === 0 ? CLI_EXIT.ok : CLI_EXIT.failure;
    }
    if (error instanceof VimUnreachableError || error instanceof ApiError || error instanceof UsageError) {
      io.err(`acs: ${error.message}`);
      if (error instanceof ApiError) {
        for (const p of error.problems) io.err(`  ${p.path === '' ? p.message : `${p.path}: ${p.message}`}`);
      }
      return error.exitCode;
    }
    io.err(`acs: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return CLI_EXIT.failure;
  }
}

/**
 * The SIGINT listener goes in only when a command asks (`events --follow`): while it is there Node no longer
 * exits on Ctrl-C, and every other command should still die at once.
 */
function untilSigint(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return controller.signal;
}

export function main(): void {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  run(process.argv.slice(2), { out: console.log, err: console.error, interrupted: untilSigint, columns, terminal: processTerminal() }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('acs: fatal:', error);
      process.exitCode = CLI_EXIT.failure;
    },
  );
}
