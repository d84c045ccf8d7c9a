import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ScalingPolicyError, UnknownPlacementStrategyError } from '@acs/scaling';
import { CommanderError } from 'commander';
import { formatReport } from './cli/format';
import { buildProgram, type CliIo, type CliOptions, type ReportCliOptions } from './cli/program';
import type { SimConfigInput } from './config';
import type { PredictiveDeciderOptions } from './control/predictive';
import { createDecider, decidersFor, type DeciderContext } from './control/registry';
import { DeciderNotAvailableError, SimConfigError, TraceParseError } from './errors';
import { acrossSeeds, buildReport, formatAcrossSeeds, formatReportTable, realTraceScenarios, SCENARIO_NAMES, syntheticScenarios, writeReport, type ScenarioName } from './report';
import { runSimulation } from './run';
import { parseTraceCsv } from './trace/csv';
import { syntheticTrace } from './trace/synthetic';
import type { Trace } from './trace/trace';

/** Exit codes of `acs-sim`. */
export const SIM_EXIT = {
  ok: 0,
  /** An input file (trace, policy) cannot be read or is invalid. */
  inputError: 1,
  /** The command line is wrong: unknown flag, bad value, conflicting or missing options, an unavailable policy. */
  usage: 2,
} as const;

/** Raised for a command line commander accepts but that makes no sense (no trace given, say). */
class UsageError extends Error {}
/** Raised for unusable input files. */
class InputError extends Error {}

/** Entry point: returns the exit code instead of exiting, so tests run it in-process. */
export function run(argv: readonly string[], io: CliIo = { out: console.log, err: console.error }): number {
  let code: number = SIM_EXIT.ok;
  const program = buildProgram(
    io,
    (options) => {
      code = execute(options, io);
    },
    (options) => {
      code = executeReport(options, io);
    },
  );
  try {
    program.parse([...argv], { from: 'user' });
    return code;
  } catch (error) {
    // Help exits 0; any parse error (message already printed by commander) is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? SIM_EXIT.ok : SIM_EXIT.usage;
    throw error;
  }
}

function execute(options: CliOptions, io: CliIo): number {
  try {
    const trace = loadTrace(options);
    const deciders = decidersFor(options.policy).map((name) => createDecider(name, deciderContext(options)));
    const started = performance.now();
    const output = runSimulation({
      trace,
      rateScale: options.rateScale,
      timeCompress: options.timeCompress,
      config: configFrom(options),
      policy: policyFrom(options),
      placement: options.placement === undefined ? {} : { strategy: options.placement },
      deciders,
    });
    const wallS = (performance.now() - started) / 1000;
    // JSON carries no wall-clock time, so the same seed gives the same bytes.
    io.out(options.json ? JSON.stringify(output) : formatReport(output, wallS));
    return SIM_EXIT.ok;
  } catch (error) {
    return report(error, options, io);
  }
}

/** `acs-sim report`: reads the traces it needs first, so a missing file fails before minutes of running. */
function executeReport(options: ReportCliOptions, io: CliIo): number {
  try {
    const names = selectedScenarios(options.only);
    const traceFile = (name: 'nasa' | 'worldcup', flag: string, label: string): { trace: Trace; path: string } | undefined => {
      if (!names.includes(name)) return undefined;
      const path = name === 'nasa' ? options.nasa : options.worldcup;
      return { trace: parseTraceCsv(readText(path, `${label} trace (${flag})`), path), path };
    };
    const nasa = traceFile('nasa', '--nasa', 'NASA');
    const worldcup = traceFile('worldcup', '--worldcup', 'World Cup');
    const seeds = options.seed === undefined ? options.seeds : [options.seed];
    const started = performance.now();
    const results = seeds.map((seed) => {
      const scenarios = [...syntheticScenarios(seed), ...realTraceScenarios({ ...(nasa ? { nasa } : {}), ...(worldcup ? { worldcup } : {}) })].filter((s) => (names as readonly string[]).includes(s.name));
      return buildReport({
        scenarios,
        seed,
        onScenario: (s, i, n) => io.err(`acs-sim report: seed ${seed}: ${i + 1}/${n} ${s.name} done (${((performance.now() - started) / 1000).toFixed(1)} s)`),
      });
    });
    const across = acrossSeeds(results.map((r) => r.data));
    const written = writeReport(options.out, results[0]!, across);
    io.out(formatReportTable(results[0]!.data));
    io.out('\n' + formatAcrossSeeds(across, false));
    io.out(['', ...written.map((path) => `wrote ${path}`)].join('\n'));
    return SIM_EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError || error instanceof TraceParseError) {
      io.err(`acs-sim report: ${error.message}`);
      return error instanceof UsageError ? SIM_EXIT.usage : SIM_EXIT.inputError;
    }
    const e = error as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && typeof e.path === 'string') {
      io.err(`acs-sim report: cannot write ${e.path}: ${e.code}`);
      return SIM_EXIT.inputError;
    }
    io.err(`acs-sim report: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return SIM_EXIT.inputError;
  }
}

function selectedScenarios(only: string | undefined): ScenarioName[] {
  if (only === undefined) return [...SCENARIO_NAMES];
  const names = only.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.filter((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new UsageError(`--only takes scenario names from ${SCENARIO_NAMES.join(', ')}; got ${only}`);
  return SCENARIO_NAMES.filter((n) => names.includes(n));
}

function report(error: unknown, options: CliOptions, io: CliIo): number {
  const problems = (list: ReadonlyArray<{ path: string; message: string }>): void => {
    for (const p of list) io.err(`  ${p.path}: ${p.message}`);
  };
  if (error instanceof UsageError || error instanceof DeciderNotAvailableError || error instanceof UnknownPlacementStrategyError) {
    io.err(`acs-sim: ${error.message}`);
    return SIM_EXIT.usage;
  }
  if (error instanceof InputError || error instanceof TraceParseError) {
    io.err(`acs-sim: ${error.message}`);
    return SIM_EXIT.inputError;
  }
  if (error instanceof SimConfigError) {
    io.err('acs-sim: invalid simulation settings:');
    problems(error.problems);
    return SIM_EXIT.usage;
  }
  if (error instanceof ScalingPolicyError) {
    io.err(`acs-sim: invalid scaling policy${options.policyFile === undefined ? '' : ` (${options.policyFile} with the flags applied)`}:`);
    problems(error.problems);
    // A policy file is an input; without one, only the flags can have made the policy invalid.
    return options.policyFile === undefined ? SIM_EXIT.usage : SIM_EXIT.inputError;
  }
  io.err(`acs-sim: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return SIM_EXIT.inputError;
}

function loadTrace(options: CliOptions): Trace {
  if (options.trace === undefined && options.synthetic === undefined) throw new UsageError('give a load: --trace FILE or --synthetic step|spike|ramp|daily|random-walk');
  if (options.trace !== undefined) return parseTraceCsv(readText(options.trace, 'trace'), options.trace);
  // A synthetic trace is generated as long as the run needs: --duration is in simulated seconds.
  const durationS = options.duration === undefined ? undefined : options.duration * options.timeCompress;
  return syntheticTrace(options.synthetic!, { ...(durationS === undefined ? {} : { durationS }), ...(options.seed === undefined ? {} : { seed: options.seed }) });
}

function deciderContext(options: CliOptions): DeciderContext {
  const predictive: Partial<PredictiveDeciderOptions> = {};
  if (options.forecastLevel !== undefined) predictive.level = options.forecastLevel;
  // Given in trace seconds, like every other time a user reads off the trace; the decider works in simulated ones.
  if (options.seasonS !== undefined) predictive.seasonPeriodS = options.seasonS / options.timeCompress;
  return { timeCompress: options.timeCompress, predictive };
}

function policyFrom(options: CliOptions): Record<string, unknown> {
  let policy: Record<string, unknown> = {};
  if (options.policyFile !== undefined) {
    const text = readText(options.policyFile, 'policy file');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InputError(`policy file ${options.policyFile} is not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(`policy file ${options.policyFile} must hold a JSON object`);
    policy = { ...(parsed as Record<string, unknown>) };
  }
  if (options.minReplicas !== undefined) policy.minReplicas = options.minReplicas;
  if (options.maxReplicas !== undefined) policy.maxReplicas = options.maxReplicas;
  return policy;
}

function configFrom(o: CliOptions): SimConfigInput {
  const config: SimConfigInput = {};
  if (o.duration !== undefined) config.durationS = o.duration;
  if (o.seed !== undefined) config.seed = o.seed;
  if (o.initialReplicas !== undefined) config.initialReplicas = o.initialReplicas;
  if (o.vms !== undefined) config.vms = o.vms;
  if (o.vmCpus !== undefined) config.vmCpus = o.vmCpus;
  if (o.maxContainers !== undefined) config.maxContainersPerVm = o.maxContainers;
  if (o.cpus !== undefined) config.containerCpus = o.cpus;
  if (o.startupS !== undefined) config.startupS = o.startupS;
  if (o.startupJitterS !== undefined) config.startupJitterS = o.startupJitterS;
  if (o.workMs !== undefined) config.workMs = o.workMs;
  if (o.queueLimit !== undefined) config.queueLimit = o.queueLimit;
  if (o.sloMs !== undefined) config.sloMs = o.sloMs;
  if (o.tickMs !== undefined) config.tickMs = o.tickMs;
  if (o.arrivals !== undefined) config.arrivals = o.arrivals;
  if (o.timeline !== undefined) config.timeline = o.timeline;
  return config;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new InputError(`cannot read ${what} ${path}: ${e.code ?? e.message}`);
  }
}

export function main(): void {
  process.exitCode = run(process.argv.slice(2));
}
