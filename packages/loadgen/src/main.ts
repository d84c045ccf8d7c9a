import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram, type CliIo, type CliOptions } from './cli/program';
import { InputError, UsageError } from './errors';
import { patternRate, traceRate, type RateFn } from './patterns';
import { runLoad, type LoadOptions } from './runner';
import { CSV_HEADER, csvLine, formatSummary, progressLine, summaryJson } from './summary';
import { resolveTarget } from './target';
import { parseTraceCsv, TraceParseError } from '@acs/sim';

/** Exit codes of `acs-load`. */
export const LOAD_EXIT = {
  ok: 0,
  /** An input file (a trace) cannot be read or is invalid, or the CSV cannot be written. */
  inputError: 1,
  /** The command line is wrong, or the target is refused. */
  usage: 2,
  /** Stopped by SIGINT (the summary so far is printed). */
  interrupted: 130,
} as const;

export interface LoadIo extends CliIo {
  /** Live progress, one line a second; absent when stderr is not a TTY. */
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Parses the command line into run options, or throws UsageError / InputError. Exposed for tests. */
export function resolveOptions(o: CliOptions): LoadOptions {
  const url = resolveTarget(o.target, o.workMs, o.allowRemote === true);
  return {
    url,
    durationS: o.duration,
    ...(o.maxRequests === undefined ? {} : { maxRequests: o.maxRequests }),
    maxInflight: o.maxInflight,
    timeoutMs: o.timeout * 1000,
    rate: rateOf(o),
    arrivals: o.arrivals,
    seed: o.seed,
  };
}

function rateOf(o: CliOptions): RateFn {
  if (o.pattern.startsWith('trace:')) {
    const path = o.pattern.slice('trace:'.length);
    if (path === '') throw new UsageError('--pattern trace: needs a file, as in trace:load.csv');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new InputError(`cannot read trace ${path}: ${e.code ?? e.message}`);
    }
    try {
      return traceRate(parseTraceCsv(text, path), o.timeScale);
    } catch (error) {
      // The simulator's trace format and parser: its errors already name the file and line.
      if (error instanceof TraceParseError) throw new InputError(error.message);
      throw error;
    }
  }
  const p = { rps: o.rps, durationS: o.duration, toRps: o.toRps, atS: o.atS, spikeS: o.spikeS, periodS: o.periodS, amplitude: o.amplitude };
  return patternRate(o.pattern, p);
}

/** Entry point: returns the exit code instead of exiting, so tests run it in-process. */
export async function run(argv: readonly string[], io: LoadIo = { out: console.log, err: console.error }): Promise<number> {
  let options: CliOptions | undefined;
  try {
    buildProgram(io, (o) => (options = o)).parse([...argv], { from: 'user' });
  } catch (error) {
    // Help exits 0; any parse error (already printed by commander) is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? LOAD_EXIT.ok : LOAD_EXIT.usage;
    throw error;
  }
  if (options === undefined) return LOAD_EXIT.ok;
  let csvFd: number | undefined;
  try {
    const load = resolveOptions(options);
    if (options.csv !== undefined) {
      try {
        csvFd = openSync(options.csv, 'w');
        writeSync(csvFd, `${CSV_HEADER}\n`);
      } catch (error) {
        throw new InputError(`cannot write ${options.csv}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
    const fd = csvFd;
    const result = await runLoad(load, {
      ...(io.signal ? { signal: io.signal } : {}),
      onSecond: (row) => {
        if (fd !== undefined) writeSync(fd, `${csvLine(row)}\n`);
        io.progress?.(progressLine(row));
      },
    });
    io.out(options.json === true ? summaryJson(result) : formatSummary(result));
    return result.interrupted ? LOAD_EXIT.interrupted : LOAD_EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError) {
      io.err(`acs-load: ${error.message}`);
      return error instanceof UsageError ? LOAD_EXIT.usage : LOAD_EXIT.inputError;
    }
    io.err(`acs-load: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return LOAD_EXIT.inputError;
  } finally {
    if (csvFd !== undefined) closeSync(csvFd);
  }
}

export function main(): void {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const tty = process.stderr.isTTY;
  const io: LoadIo = {
    out: console.log,
    err: (text) => {
      if (tty) process.stderr.write('\r\x1b[K');
      console.error(text);
    },
    signal: controller.signal,
    ...(tty ? { progress: (line: string) => process.stderr.write(`\r\x1b[K${line}`) } : {}),
  };
  const out = io.out;
  io.out = (text) => {
    if (tty) process.stderr.write('\r\x1b[K');
    out(text);
  };
  void run(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
