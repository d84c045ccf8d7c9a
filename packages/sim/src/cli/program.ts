import { PLACEMENT_STRATEGY_NAMES } from '@acs/scaling';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ARRIVAL_MODES, TIMELINE_RESOLUTIONS, type ArrivalMode, type TimelineResolution } from '../config';
import { POLICY_CHOICES, type PolicyChoice } from '../control/registry';
import { DEFAULT_TRACE_PATHS, SCENARIO_NAMES } from '../report/scenarios';
import { SYNTHETIC_KINDS, type SyntheticKind } from '../trace/synthetic';

/** The command line after commander: every value already a number or a known name. */
export interface CliOptions {
  trace?: string;
  synthetic?: SyntheticKind;
  policy: PolicyChoice;
  policyFile?: string;
  forecastLevel?: number;
  seasonS?: number;
  placement?: string;
  minReplicas?: number;
  maxReplicas?: number;
  initialReplicas?: number;
  rateScale: number;
  timeCompress: number;
  duration?: number;
  seed?: number;
  vms?: number;
  vmCpus?: number;
  maxContainers?: number;
  cpus?: number;
  startupS?: number;
  startupJitterS?: number;
  workMs?: number;
  queueLimit?: number;
  sloMs?: number;
  tickMs?: number;
  arrivals?: ArrivalMode;
  timeline?: TimelineResolution;
  json?: boolean;
}

/** `acs-sim report` after commander. */
export interface ReportCliOptions {
  out: string;
  nasa: string;
  worldcup: string;
  /** Seeds to run, the first one's runs drawn and detailed; `--seed N` alone means just N. */
  seeds: number[];
  seed?: number;
  only?: string;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * The `acs-sim` flags. Only parsing and range checks live here; what the values mean is in the config and
 * the README. Parsing stops at the first bad flag (commander's way); the config then reports the rest.
 */
export function buildProgram(io: CliIo, onRun: (options: CliOptions) => void, onReport: (options: ReportCliOptions) => void = () => undefined): Command {
  const program = new Command('acs-sim')
    .description(
      'Simulate the cluster under a load trace, driving the same @acs/scaling decisions as the VIM, and print\n' +
        'SLO violations, container-seconds and scaling figures.',
    )
    .addOption(new Option('--trace <file>', 'a t_seconds,rps CSV trace (e.g. /work/shared/traces/...)').conflicts('synthetic'))
    .addOption(new Option('--synthetic <kind>', 'a built-in trace').choices(SYNTHETIC_KINDS))
    .addOption(new Option('--policy <name>', "decision policy; 'both' runs reactive and predictive on the same arrivals").choices(POLICY_CHOICES).default('reactive'))
    .option('--forecast-level <p>', 'predictive: prediction-interval level provisioned for (default 0.8)', fraction())
    .option('--season-s <s>', 'predictive: the load cycle in trace seconds, 0 for none (default 86400, a day)', decimal(0, { minExclusive: false }))
    .option('--policy-file <file>', 'scaling policy JSON (as the VIM takes it); defaults fill the rest')
    .addOption(new Option('--placement <strategy>', 'placement strategy').choices(PLACEMENT_STRATEGY_NAMES))
    .option('--min-replicas <n>', "override the policy's minReplicas", integer(0))
    .option('--max-replicas <n>', "override the policy's maxReplicas", integer(1))
    .option('--initial-replicas <n>', 'containers ready at t = 0 (default: what the first second of load needs)', integer(0))
    .option('--rate-scale <x>', 'multiply every trace rate by x', decimal(0, { minExclusive: false }), 1)
    .option('--time-compress <x>', 'trace seconds per simulated second (60: a trace minute per second)', decimal(0, { minExclusive: true }), 1)
    .option('--duration <s>', 'simulated seconds to run (default: the compressed trace length)', decimal(0, { minExclusive: true }))
    .option('--seed <n>', 'seed for arrivals, start-up jitter and random traces (default 1)', integer(0))
    .option('--vms <n>', 'VMs (default 3)', integer(1))
    .option('--vm-cpus <n>', 'cores per VM (default 2)', decimal(0, { minExclusive: true }))
    .option('--max-containers <n>', 'containers per VM (default 4)', integer(1))
    .option('--cpus <n>', 'CPU limit per container (default 0.5)', decimal(0, { minExclusive: true }))
    .option('--startup-s <s>', 'container start-to-ready delay (default 30)', decimal(0, { minExclusive: false }))
    .option('--startup-jitter-s <s>', 'add a uniform [0, s] to each start-up (default 0)', decimal(0, { minExclusive: false }))
    .option('--work-ms <ms>', 'CPU ms per request (default 20)', decimal(0, { minExclusive: true }))
    .option('--queue-limit <n>', 'requests a container may hold before rejects (default 100)', integer(1))
    .option('--slo-ms <ms>', 'p99 latency SLO (default 10 × work-ms)', decimal(0, { minExclusive: true }))
    .option('--tick-ms <ms>', 'simulation step (default 1000)', integer(1))
    .addOption(new Option('--arrivals <mode>', 'request arrivals (default poisson)').choices(ARRIVAL_MODES))
    .addOption(new Option('--timeline <resolution>', 'JSON timeline rows per control period or per tick (default period)').choices(TIMELINE_RESOLUTIONS))
    .option('--json', 'print the summary and timeline as JSON instead of the table')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    // The report's own --seed must not be taken by the run's: options belong to the command they follow.
    .enablePositionalOptions()
    .action((options: CliOptions) => onRun(options));
  program
    .command('report')
    .description(
      'Run every scenario of the elasticity goal (daily, ramp, random walk, step, spike, NASA, World Cup) with the\n' +
        'reactive and the predictive policy, start-up 30 s, and write report.md, report.json and a chart per trace.',
    )
    .option('--out <dir>', 'directory for report.md, report.json and the PNG charts', 'sim-report')
    .option('--nasa <file>', 'the NASA trace', DEFAULT_TRACE_PATHS.nasa)
    .option('--worldcup <file>', 'the World Cup trace', DEFAULT_TRACE_PATHS.worldcup)
    .option('--seeds <list>', 'seeds to judge the goal over, e.g. 1,2,3,4 (charts and details from the first)', seedList, [1, 2, 3, 4])
    .option('--seed <n>', 'one seed only (the same as --seeds n)', integer(0))
    .option('--only <names>', `comma-separated scenarios to run (${SCENARIO_NAMES.join(', ')})`)
    .action((options: ReportCliOptions) => onReport(options));
  return program;
}

/** `1,2,3,4` or `1-4` (or a mix): whole numbers ≥ 0, each once, in the order given. */
function seedList(raw: string): number[] {
  const seeds: number[] = [];
  for (const part of raw.split(',')) {
    const range = /^\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?$/.exec(part);
    if (range === null) throw new InvalidArgumentError(`expected seeds like 1,2,3 or 1-4, got ${JSON.stringify(raw)}`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from || to - from > 1000) throw new InvalidArgumentError(`expected an increasing range of at most 1000 seeds, got ${part.trim()}`);
    for (let n = from; n <= to; n++) if (!seeds.includes(n)) seeds.push(n);
  }
  return seeds;
}

function integer(min: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number, ${min} or more`);
    return n;
  };
}

function fraction(): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number between 0 and 1, exclusive');
    return n;
  };
}

function decimal(min: number, { minExclusive }: { minExclusive: boolean }): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || (minExclusive ? n <= min : n < min)) {
      throw new InvalidArgumentError(`expected a number ${minExclusive ? 'above' : 'of at least'} ${min}`);
    }
    return n;
  };
}
