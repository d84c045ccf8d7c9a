import { spawn } from 'node:child_process';

/** How much of a command's stderr is kept for the error event: its end, where the reason usually is. */
const STDERR_TAIL_BYTES = 4096;
/** After SIGTERM on timeout, this long before SIGKILL. */
const KILL_GRACE_MS = 5000;

export type CommandOutcome =
  | { status: 'ok'; stderr: string }
  | { status: 'failed'; exitCode: number | null; signal: string | null; stderr: string }
  | { status: 'timed-out'; stderr: string }
  | { status: 'spawn-failed'; error: string };

export interface RunningCommand {
  readonly done: Promise<CommandOutcome>;
  /** Ends it early (VIM shutdown): its whole process group. */
  kill(): void;
}

/**
 * Runs an argument array with no shell, in its own process group, so a timeout ends whatever it started
 * too (vagrant runs ruby, ssh…). Never rejects: every way it can end is a {@link CommandOutcome}.
 */
export function runCommand(argv: readonly string[], options: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }): RunningCommand {
  const [file, ...args] = argv;
  const child = spawn(file!, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true, shell: false });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
  });
  let timedOut = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const kill = (): void => {
    signalGroup('SIGTERM');
    forceTimer ??= setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    forceTimer.unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  const done = new Promise<CommandOutcome>((resolve) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 'spawn-failed', error: error.message });
    });
    // 'exit', not 'close': a grandchild left holding stderr must not keep us waiting.
    child.once('exit', (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(forceTimer);
      // Whatever else it started in its group goes with it.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // nothing left
        }
      }
      if (timedOut) resolve({ status: 'timed-out', stderr: stderr.trim() });
      else if (exitCode === 0) resolve({ status: 'ok', stderr: stderr.trim() });
      else resolve({ status: 'failed', exitCode, signal, stderr: stderr.trim() });
    });
  });
  return { done, kill };
}
