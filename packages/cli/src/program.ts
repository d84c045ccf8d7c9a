import { Command, Option } from 'commander';
import { AdminClient, DEFAULT_API } from './api-client';
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
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  const client = (): AdminClient => new AdminClient(program.opts<{ api: string }>().api);

  program
    .command('vms')
    .description('list the VMs (agents) the VIM knows, with status and host usage')
    .option('--json', 'print the exact API response as JSON')
    .action((options: { json?: boolean }) => vmsCommand(client(), options, io.out));

  program.commands.forEach((c) => c.exitOverride().configureOutput(program.configureOutput()));
  return program;
}

export { CLI_EXIT };
