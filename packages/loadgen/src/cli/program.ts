import { Command, InvalidArgumentError, Option } from 'commander';
import { ARRIVAL_MODES, type ArrivalMode } from '../arrivals';
import type { PatternParams } from '../patterns';
import { DEFAULT_TARGET } from '../target';

export const DEFAULT_DURATION_S = 30;
export const DEFAULT_MAX_INFLIGHT = 256;
export const DEFAULT_TIMEOUT_S = 10;
export const DEFAULT_RPS = 10;
export const DEFAULT_SEED = 1;

/** The command line after commander: every value already a number or a known name. The pattern's own
 * parameters are PatternParams' (the duration comes as `duration`). */
export interface CliOptions extends Omit<PatternParams, 'durationS'> {
  pattern: string;
  target: string;
  timeScale: number;
  duration: number;
  maxRequests?: number;
  maxInflight: number;
  timeout: number;
  workMs?: number;
  arrivals: ArrivalMode;
  seed: number;
  csv?: string;
  json?: boolean;
  allowRemote?: boolean;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The `acs-load` flags: parsing and range checks only. */
export function buildProgram(io: CliIo, onRun: (options: CliOptions) => void): Command {
  return new Command('acs-load')
    .description(
      'Open-loop HTTP load: requests leave on a schedule whatever the server does, latency counts from the\n' +
        'intended send time, and arrivals past --max-inflight are dropped and counted, never delayed.',
    )
    .option('--pattern <name>', 'constant | step | ramp | sine | spike | trace:FILE.csv (t_seconds,rps)', 'constant')
    .option('--target <url>', 'http URL to load (loopback only unless --allow-remote)', DEFAULT_TARGET)
    .option('--rps <n>', 'base rate: constant, before a step, ramp start, sine mean, outside a spike', decimal(0, false), DEFAULT_RPS)
    .option('--to-rps <n>', 'step: rate after; ramp: end rate; spike: rate during', decimal(0, false))
    .option('--at-s <s>', 'step/spike: when it starts (default half the duration)', decimal(0, false))
    .option('--spike-s <s>', 'spike: how long it lasts (default 5)', decimal(0, true))
    .option('--period-s <s>', 'sine: period (default 60)', decimal(0, true))
    .option('--amplitude <n>', 'sine: amplitude in req/s (default rps/2)', decimal(0, false))
    .option('--time-scale <n>', 'trace: trace seconds replayed per real second', decimal(0, true), 1)
    .option('--duration <s>', 'seconds to offer load', decimal(0, true), DEFAULT_DURATION_S)
    .option('--max-requests <n>', 'stop after offering this many requests', integer(1))
    .option('--max-inflight <n>', 'requests in flight at most; arrivals past it are dropped', integer(1), DEFAULT_MAX_INFLIGHT)
    .option('--timeout <s>', 'per-request timeout, and the wait for in-flight requests at the end', decimal(0, true), DEFAULT_TIMEOUT_S)
    .option('--work-ms <ms>', 'request /work?ms=N under the target path', integer(0))
    .addOption(new Option('--arrivals <mode>', 'arrival spacing').choices(ARRIVAL_MODES).default('poisson'))
    .option('--seed <n>', 'seed for Poisson arrivals', integer(0), DEFAULT_SEED)
    .option('--csv <file>', 'write per-second rows: t,offered,sent,ok,errors,dropped,p50,p99')
    .option('--json', 'print the final summary as JSON')
    .option('--allow-remote', 'allow a target that is not loopback')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .allowExcessArguments(false)
    .action((options: CliOptions) => onRun(options));
}

function integer(min: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number, ${min} or more`);
    return n;
  };
}

function decimal(min: number, exclusive: boolean): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || (exclusive ? n <= min : n < min)) throw new InvalidArgumentError(`expected a number ${exclusive ? 'above' : 'of at least'} ${min}`);
    return n;
  };
}
