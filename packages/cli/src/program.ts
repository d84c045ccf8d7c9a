import { Command, InvalidArgumentError, Option } from 'commander';
import { AdminClient, DEFAULT_API } from './api-client';
import { balancerGetCommand, balancerSetCommand } from './commands/balancer';
import { containersCommand, containerStartCommand, containerStopCommand } from './commands/containers';
import { vmsCommand } from './commands/vms';
import { CLI_EXIT } from './errors';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Builds the `acs` command tree. Each command is a thin call to the admin API and a renderer. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('acs')
    .description('Inspect and steer an Auto Cloud Scaler cluster through the VIM admin API.')
    .addOption(new Option('--api <url>', 'VIM admin API base URL').env('ACS_API').default(DEFAULT_API))
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

  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

export { CLI_EXIT };

function wholeNumber(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
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
