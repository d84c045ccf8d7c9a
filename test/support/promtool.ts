import { spawnSync } from 'node:child_process';

/**
 * Runs `promtool check metrics` on a scrape: whether it passed, and its findings. Fails with a
 * message naming the tool when it is missing rather than skipping: the check is part of the contract.
 */
export function promtoolCheckMetrics(scrape: string): { ok: boolean; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8', timeout: 30_000 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error("promtool is not installed: it comes with Debian's prometheus package (scripts/setup-test-tools.sh installs it)");
  }
  if (run.error) throw run.error;
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

/** The value of one series in a Prometheus text scrape, e.g. `acs_agent_up{vm="a"}`; undefined if absent. */
export function metricValue(scrape: string, series: string): number | undefined {
  for (const line of scrape.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** The sum of every series of a metric whose labels include all of `labels` (exact `name{...}` lines only). */
export function metricSum(scrape: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of scrape.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const text = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}
