import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** What the benchmarks read from one wrk run. */
export interface WrkResult {
  requests: number;
  seconds: number;
  non2xx: number;
  socketErrors: number;
  /** Successful (2xx/3xx) responses a second; wrk's own Requests/sec also counts error answers. */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`cannot read wrk duration "${text}"`);
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'us' | 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * scale;
}

export function parseWrk(output: string): WrkResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const match = re.exec(output);
    if (!match) throw new Error(`wrk output has no ${what}:\n${output}`);
    return match;
  };
  const total = need(/(\d+) requests in ([\d.]+\w+)/, 'request count');
  const requests = Number(total[1]);
  const seconds = durationMs(total[2]!) / 1000;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1, 5).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  return {
    requests,
    seconds,
    non2xx,
    socketErrors,
    okPerSecond: (requests - non2xx) / seconds,
    p50Ms: durationMs(need(/^\s*50%\s+(\S+)/m, '50% latency')[1]!),
    p99Ms: durationMs(need(/^\s*99%\s+(\S+)/m, '99% latency')[1]!),
  };
}

/** wrk's version line, or undefined when wrk is not installed. */
export function wrkVersion(): string | undefined {
  const result = spawnSync('wrk', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error) return undefined;
  return /wrk\s+\S+/.exec(`${result.stdout}${result.stderr}`)?.[0] ?? 'wrk';
}

export interface WrkRun {
  connections: number;
  seconds: number;
  /** wrk's --timeout: a queued request that waits a second or two is a latency to measure, not an error. */
  timeout?: string;
}

/** The arguments of a run, for printing the exact command. */
export function wrkArgs(url: string, run: WrkRun): string[] {
  return ['-t1', `-c${run.connections}`, `-d${run.seconds}s`, '--latency', '--timeout', run.timeout ?? '10s', url];
}

/**
 * Runs wrk (bounded: killed 20 s past its duration) and parses its report. `running` holds the child
 * while it runs, so a benchmark's clean-up can kill it on Ctrl-C or a time limit.
 */
export function runWrk(url: string, run: WrkRun, running: ChildProcess[]): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', wrkArgs(url, run), { stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wrk against ${url} did not finish within ${run.seconds + 20} s`));
    }, (run.seconds + 20) * 1000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.splice(running.indexOf(child), 1);
      if (code !== 0) {
        reject(new Error(`wrk against ${url} exited with ${code ?? signal}: ${stderr}${stdout}`));
        return;
      }
      try {
        resolve(parseWrk(stdout));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
