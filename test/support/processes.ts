import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
/** Whether a process with this pid still exists (EPERM: it does, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const BIN = {
  vim: join(REPO_ROOT, 'packages/vim/bin/acs-vim.js'),
  vmm: join(REPO_ROOT, 'packages/vmm/bin/acs-vmm.js'),
  acs: join(REPO_ROOT, 'packages/cli/bin/acs.js'),
} as const;

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/**
 * A real child process (one of our daemons) whose JSON log lines are collected, so tests can wait
 * for what it says instead of sleeping.
 */
export class Daemon {
  readonly logs: LogLine[] = [];
  stderr = '';
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    let partial = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line
        }
      }
      this.notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
      this.notify();
    });
    this.exited = new Promise((resolveExit) => child.once('exit', (code, signal) => {
      resolveExit({ code, signal });
      this.notify();
    }));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first log line matching `predicate` (already seen or still to come). */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    return this.waitUntil(() => this.logs.find(predicate), timeoutMs, `log line from ${this.name}`);
  }

  waitUntil<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolveWait, reject) => {
      const attempt = (): boolean => {
        const value = check();
        if (value !== undefined && value !== false) {
          clearTimeout(timer);
          resolveWait(value);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nstdout:\n${this.stdout.slice(-3000)}\nstderr:\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      const listener = (): void => {
        if (attempt()) this.waiters = this.waiters.filter((w) => w !== listener);
      };
      if (!attempt()) this.waiters.push(listener);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * Starts daemons and makes sure every one of them is gone after the test, pass or fail:
 * call `cleanup()` in afterEach/afterAll.
 */
export class ProcessGroup {
  private readonly daemons: Daemon[] = [];
  private readonly dirs: string[] = [];

  start(name: string, bin: string, args: string[], env: NodeJS.ProcessEnv = {}): Daemon {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ACS_SECRET: undefined, ACS_API: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const daemon = new Daemon(name, child);
    this.daemons.push(daemon);
    return daemon;
  }

  tempDir(prefix = 'acs-test-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    await Promise.all(
      this.daemons.map(async (daemon) => {
        if (!daemon.running) return;
        daemon.child.kill('SIGTERM');
        const timer = setTimeout(() => daemon.child.kill('SIGKILL'), 3000);
        await daemon.exited;
        clearTimeout(timer);
      }),
    );
    this.daemons.length = 0;
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a CLI to completion and returns what it printed and its exit code. */
export function runCli(bin: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ACS_API: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}
