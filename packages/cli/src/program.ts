import { EVENT_KINDS, type EventKind } from '@acs/api-types';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { AdminClient, DEFAULT_API } from './api-client';
import { MIN_CHART_HEIGHT, MIN_CHART_WIDTH } from './chart';
import { balancerGetCommand, balancerSetCommand } from './commands/balancer';
import { containersCommand, containerStartCommand, containerStopCommand } from './commands/containers';
import { drainCommand } from './commands/drain';
import { DEFAULT_EVENT_LIMIT, eventsCommand, FOLLOW_POLL_INTERVAL_MS } from './commands/events';
import { forecastCommand } from './commands/forecast';
import { policyGetCommand, policySetCommand } from './commands/policy';
import { autoscaleCommand, scaleCommand } from './commands/scale';
import { statusCommand } from './commands/status';
import { topCommand } from './commands/top';
import type { Terminal } from './terminal';
import { vmsCommand } from './commands/vms';
import { whyCommand } from './commands/why';
import { CLI_EXIT } from './errors';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /**
   * Called when a command that runs until stopped (`events --follow`) starts; aborting the signal ends it with
   * exit 0. main() ties it to SIGINT only then. Without it such a command runs until the process is killed.
   */
  interrupted?: () => AbortSignal;
  /** Pause between `events --follow` polls, for tests; deliberately not a flag. @default FOLLOW_POLL_INTERVAL_MS */
  pollIntervalMs?: number;
  /**
   * Columns of the terminal when stdout is one, so charts fill it. Unset when output goes to a file or a
   * pipe, where there is nothing to fit and the same command should print the same width every time.
   */
  columns?: number;
  /** The terminal `acs top` draws its live view on; unset when stdout is not a terminal (it prints once then). */
  terminal?: Terminal;
}

const DEFAULT_SERVICE = 'web';
/** Chart size when stdout is not a terminal: fits the classic 80-column terminal and most log viewers. */
const DEFAULT_CHART_WIDTH = 72;
const DEFAULT_CHART_HEIGHT = 12;
const MAX_CHART_SIZE = 1000;

/** Builds the `acs` command tree. Each command is a thin call to the admin API and a renderer. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('acs')
    .description('Inspect and steer an Auto Cloud Scaler cluster through the VIM admin API.')
    .addOption(new Option('--api <url>', 'VIM admin API base URL').env('ACS_API').default(DEFAULT_API).argParser(apiUrl))
    .addOption(new Option('--token <token>', 'admin bearer token for changes, when the VIM requires one').env('ACS_ADMIN_TOKEN'))
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  const client = (): AdminClient => {
    const { api, token } = program.opts<{ api: string; token?: string }>();
    return new AdminClient(api, token);
  };

  program
    .command('vms')
    .description('list the VMs (agents) the VIM knows, with status and host usage')
    .option('--json', 'print the exact API response as JSON')
    .action((options: { json?: boolean }) => vmsCommand(client(), options, io.out));

  program
    .command('containers')
    .description('list containers with their VM, state, readiness, CPU, memory and traffic')
    .option('--vm <id>', 'only the containers of this VM')
    .option('--json', 'print the exact API response as JSON')
    .action((options: { vm?: string; json?: boolean }) => containersCommand(client(), options, io.out));

  const balancer = program.command('balancer').description('show or change the tier-1 balancer settings');
  balancer
    .command('get', { isDefault: true })
    .description('show the settings (policy)')
    .option('--json', 'print the API response as JSON')
    .action((options: { json?: boolean }) => balancerGetCommand(client(), options, io.out));
  balancer
    .command('set')
    .description('change settings, e.g. acs balancer set policy=least-connections')
    .argument('<key=value...>', 'settings to change')
    .action((pairs: string[]) => balancerSetCommand(client(), pairs, io.out));

  const container = program.command('container').description('start or stop one container');
  container
    .command('start')
    .description('start a web-server container on a VM (it takes traffic once /healthz answers)')
    .requiredOption('--vm <id>', 'the VM to start it on')
    .option('--work-ms <ms>', 'CPU milliseconds each request burns (default: the service template)', wholeNumber(0, 60_000))
    .option('--cpus <n>', 'CPU limit (default 0.5)', decimal(0.05, 64))
    .option('--json', 'print the API response as JSON')
    .action((options: { vm: string; workMs?: number; cpus?: number; json?: boolean }) => containerStartCommand(client(), options, io.out));
  container
    .command('stop')
    .description('drain a container (no new requests, wait for those in flight), then stop and remove it')
    .argument('<id>', 'container id, unique id prefix, or name')
    .option('--drain-timeout-ms <ms>', 'longest wait for requests in flight', wholeNumber(0, 3_600_000), 30_000)
    .option('--json', 'print the API response as JSON')
    .action((id: string, options: { drainTimeoutMs: number; json?: boolean }) => containerStopCommand(client(), id, options, io.out));

  program
    .command('status')
    .description('services (desired, ready, autoscale, last decision) and the VMs they run on')
    .option('--json', 'print the exact API response as JSON')
    .action((options: { json?: boolean }) => statusCommand(client(), options, io.out));

  program
    .command('scale')
    .description('pin a service at N containers; this switches its autoscaler off until `acs autoscale on`')
    .argument('<N>', 'number of containers (a whole number, 0 or more)', wholeNumber(0))
    .option('--service <name>', 'the service', DEFAULT_SERVICE)
    .option('--json', 'print the API response as JSON')
    .action((replicas: number, options: { service: string; json?: boolean }) => scaleCommand(client(), replicas, options, io.out));

  program
    .command('autoscale')
    .description('switch the autoscaler of a service on (it sets the count) or off (the count stays)')
    .addArgument(new Argument('<on|off>', 'on or off').choices(['on', 'off']))
    .option('--service <name>', 'the service', DEFAULT_SERVICE)
    .option('--json', 'print the API response as JSON')
    .action((state: 'on' | 'off', options: { service: string; json?: boolean }) => autoscaleCommand(client(), state, options, io.out));

  const policy = program.command('policy').description("show or change a service's scaling and placement policy");
  policy
    .command('get', { isDefault: true })
    .description('show the policy, one key=value a line as `policy set` takes them')
    .option('--service <name>', 'the service', DEFAULT_SERVICE)
    .option('--json', 'print the API response as JSON')
    .action((options: { service: string; json?: boolean }) => policyGetCommand(client(), options, io.out));
  policy
    .command('set')
    .description('change policy fields; the VIM merges them into the current policy and checks the result')
    .argument('<key=value...>', 'dotted paths into the policy; placement.* into placement, the rest into scaling')
    .option('--service <name>', 'the service', DEFAULT_SERVICE)
    .option('--json', 'print the API response as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Values: numbers become numbers, true/false booleans, [..] or {..} JSON, anything else text.',
        'metrics takes the compact form metric:target,... for [{metric, target}, ...].',
        '',
        'Examples:',
        '  acs policy set minReplicas=2 maxReplicas=8',
        '  acs policy set strategy=threshold placement.strategy=binpack',
        '  acs policy set metrics=cpu:60,rps:40 behavior.scaleDown.stabilizationWindowS=30',
      ].join('\n'),
    )
    .action((pairs: string[], options: { service: string; json?: boolean }) => policySetCommand(client(), pairs, options, io.out));

  program
    .command('drain')
    .description('stop placing containers on a VM and move its containers away (--undo takes it back)')
    .argument('<vm>', 'VM id')
    .option('--undo', 'end the drain: the VM takes new containers again')
    .option('--json', 'print the API response as JSON')
    .action((vm: string, options: { undo?: boolean; json?: boolean }) => drainCommand(client(), vm, options, io.out));

  program
    .command('events')
    .description('the event log: decisions, placements, commands, operator changes, VMs up and down (oldest first)')
    .addOption(new Option('--kind <kind>', 'only events of this kind').choices(EVENT_KINDS))
    .option('--service <name>', 'only events of this service')
    .option('--limit <n>', 'how many of the newest events to show', wholeNumber(1, 1000), DEFAULT_EVENT_LIMIT)
    .option('-f, --follow', 'keep printing new events as they happen, until Ctrl-C')
    .option('--json', 'print the API response as JSON; with --follow one event object a line (NDJSON)')
    .action((options: { kind?: EventKind; service?: string; limit: number; follow?: boolean; json?: boolean }) =>
      eventsCommand(
        client(),
        options,
        io.out,
        options.follow
          ? {
              stop: io.interrupted?.() ?? new AbortController().signal,
              pollIntervalMs: io.pollIntervalMs ?? FOLLOW_POLL_INTERVAL_MS,
              err: io.err,
            }
          : undefined,
      ),
    );

  program
    .command('why')
    .description("explain in plain English the autoscaler's last decision for a service and what followed it")
    .option('--service <name>', 'the service', DEFAULT_SERVICE)
    .action((options: { service: string }) => whyCommand(client(), options, io.out));

  program
    .command('forecast')
    .description('request-rate history and forecast of a service as a chart, with the model, its accuracy and what it recommends')
    .option('--service <name>', 'the service', DEFAULT_SERVICE)
    .option('--width <n>', `chart width in columns (default: the terminal's, or ${DEFAULT_CHART_WIDTH})`, wholeNumber(MIN_CHART_WIDTH, MAX_CHART_SIZE))
    .option('--height <n>', 'rows of the plot', wholeNumber(MIN_CHART_HEIGHT, MAX_CHART_SIZE), DEFAULT_CHART_HEIGHT)
    .option('--ascii', 'draw with ASCII only')
    .option('--json', 'print the exact API response as JSON')
    .action((options: { service: string; width?: number; height: number; ascii?: boolean; json?: boolean }) =>
      forecastCommand(
        client(),
        { ...options, width: options.width ?? Math.max(MIN_CHART_WIDTH, Math.min(MAX_CHART_SIZE, io.columns ?? DEFAULT_CHART_WIDTH)) },
        io.out,
      ),
    );

  program
    .command('top')
    .description('live view refreshed every second: VMs with CPU, their containers, req/s, replicas, last events (q to quit)')
    .option('--once', 'print one snapshot and exit (what happens anyway when stdout is not a terminal)')
    .option('--ascii', 'draw with ASCII only')
    .action((options: { once?: boolean; ascii?: boolean }) => topCommand(client(), options, { out: io.out, terminal: io.terminal, columns: io.columns }));

  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

export { CLI_EXIT };

function wholeNumber(min: number, max = Infinity): (raw: string) => number {
  const expected = max === Infinity ? `a whole number, ${min} or more` : `a whole number from ${min} to ${max}`;
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${expected}`);
    return n;
  };
}

function decimal(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return n;
  };
}

/** The admin API's base URL: http or https, said plainly rather than as a stack trace from `new URL`. */
function apiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError('expected a URL like http://127.0.0.1:9090');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`expected an http:// or https:// URL, not ${url.protocol}`);
  return raw;
}
