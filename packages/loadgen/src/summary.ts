import type { LoadResult, SecondRow } from './runner';

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The final table printed after a run. */
export function formatSummary(r: LoadResult): string {
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${label.padEnd(24)} ${value}`);
  };
  if (r.interrupted) lines.push('(interrupted: summary so far)');
  row('window', `${r.windowS.toFixed(1)} s (elapsed ${r.elapsedS.toFixed(1)} s)`);
  row('offered', `${r.offered} (${r.offeredRps.toFixed(1)} req/s)`);
  row('sent', `${r.sent} (${r.sentRps.toFixed(1)} req/s)`);
  row('ok (2xx)', String(r.ok));
  const nonOk = Object.entries(r.nonOk).sort();
  row('non-2xx', nonOk.length === 0 ? '0' : nonOk.map(([status, n]) => `${status}: ${n}`).join(', '));
  const errors = Object.entries(r.errors).sort();
  row('errors', errors.length === 0 ? '0' : errors.map(([kind, n]) => `${kind}: ${n}`).join(', '));
  row('dropped (max in-flight)', String(r.dropped));
  row('achieved', `${r.achievedRps.toFixed(1)} req/s (responses)`);
  const l = r.latencyMs;
  row('latency ms', `p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  p99.9 ${ms(l.p999)}  max ${ms(l.max)}`);
  return lines.join('\n');
}

/** A summary for --json: everything but the per-second rows, which go to --csv. */
export function summaryJson(r: LoadResult): string {
  const { seconds: _seconds, ...rest } = r;
  return JSON.stringify(rest);
}

export const CSV_HEADER = 't,offered,sent,ok,errors,dropped,p50,p99';

export function csvLine(s: SecondRow): string {
  return [s.t, s.offered, s.sent, s.ok, s.errors, s.dropped, s.p50.toFixed(3), s.p99.toFixed(3)].join(',');
}

/** The one-line live progress for a TTY. */
export function progressLine(s: SecondRow): string {
  return `t=${s.t}s offered ${s.offered} req/s, achieved ${s.ok + s.errors} req/s, errors ${s.errors}, dropped ${s.dropped}, p50 ${ms(s.p50)} ms, p99 ${ms(s.p99)} ms`;
}
