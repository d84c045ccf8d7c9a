import { runCommand, type RunningCommand } from './run-command';
import { withVmName, type CommandProviderConfig } from './provider-config';
import { VmProviderError, type VmProvider } from './vm-provider';

/**
 * Brings VMs up and down by running configured commands, e.g. `vagrant up {vm}` / `vagrant halt {vm}`.
 * Each is an argument array run without a shell, `{vm}` replaced as a whole argument, killed after
 * `timeoutMs`; a non-zero exit or a timeout is a {@link VmProviderError} carrying the end of its stderr.
 */
export class CommandVmProvider implements VmProvider {
  readonly kind = 'command';
  readonly vms: readonly string[];
  private readonly running = new Set<RunningCommand>();

  constructor(private readonly config: CommandProviderConfig) {
    this.vms = config.vms;
  }

  manages(vm: string): boolean {
    return this.vms.includes(vm);
  }

  start(vm: string): Promise<void> {
    return this.run('start', vm, withVmName(this.config.start, vm));
  }

  stop(vm: string): Promise<void> {
    return this.run('stop', vm, withVmName(this.config.stop, vm));
  }

  pids(): ReadonlyMap<string, number> {
    return new Map();
  }

  async close(): Promise<void> {
    const all = [...this.running];
    for (const command of all) command.kill();
    await Promise.all(all.map((c) => c.done));
  }

  private async run(what: 'start' | 'stop', vm: string, argv: string[]): Promise<void> {
    const command = runCommand(argv, { timeoutMs: this.config.timeoutMs, ...(this.config.cwd === undefined ? {} : { cwd: this.config.cwd }) });
    this.running.add(command);
    const outcome = await command.done;
    this.running.delete(command);
    const shown = argv.join(' ');
    switch (outcome.status) {
      case 'ok':
        return;
      case 'spawn-failed':
        throw new VmProviderError('spawn-failed', vm, `could not run ${shown} to ${what} ${vm}: ${outcome.error}`, { argv });
      case 'timed-out':
        throw new VmProviderError('command-timeout', vm, `${shown} did not finish within ${this.config.timeoutMs / 1000} s and was killed${tail(outcome.stderr)}`, { argv, stderr: outcome.stderr });
      case 'failed':
        throw new VmProviderError(
          'command-failed',
          vm,
          `${shown} failed (${outcome.signal ?? `exit code ${outcome.exitCode}`})${tail(outcome.stderr)}`,
          { argv, exitCode: outcome.exitCode, signal: outcome.signal, stderr: outcome.stderr },
        );
    }
  }
}

function tail(stderr: string): string {
  if (stderr === '') return '';
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  return `: ${lines.slice(-3).join(' | ')}`;
}
