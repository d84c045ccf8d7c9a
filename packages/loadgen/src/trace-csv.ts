import { TraceParseError } from './errors';

export const TRACE_CSV_HEADER = 't_seconds,rps';

/** A plain decimal, optionally with an exponent: no hex, no `Infinity`, no empty field. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface RateTrace {
  /** Row times in trace seconds, strictly increasing. */
  times: number[];
  /** Rate (req/s) holding from each row's time until the next row's. */
  rates: number[];
  /** Trace seconds at which the last row ends: it lasts as long as the step before it. */
  endS: number;
}

/**
 * Parses a `t_seconds,rps` CSV (the format of /work/shared/traces and of acs-sim): the header, then rows with
 * strictly increasing times and rates ≥ 0. Blank lines are skipped; a BOM and CRLF are accepted. Every error
 * names the source and the 1-based line.
 */
export function parseTraceCsv(text: string, source: string): RateTrace {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let headerSeen = false;
  const times: number[] = [];
  const rates: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.replace(/\r$/, '').trim();
    if (line === '') continue;
    if (!headerSeen) {
      if (line.replace(/\s+/g, '') !== TRACE_CSV_HEADER) throw new TraceParseError(source, lineNo, `expected the header '${TRACE_CSV_HEADER}', got '${truncate(line)}'`);
      headerSeen = true;
      continue;
    }
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length !== 2) throw new TraceParseError(source, lineNo, `expected 2 fields (t_seconds,rps), got ${fields.length}: '${truncate(line)}'`);
    const t = parseNumber(fields[0]!, 't_seconds', source, lineNo);
    const rps = parseNumber(fields[1]!, 'rps', source, lineNo);
    const previous = times[times.length - 1];
    if (previous !== undefined && t <= previous) throw new TraceParseError(source, lineNo, `t_seconds must increase from row to row: ${t} after ${previous}`);
    if (t < 0) throw new TraceParseError(source, lineNo, `t_seconds must be ≥ 0, got ${t}`);
    if (rps < 0) throw new TraceParseError(source, lineNo, `rps must be ≥ 0, got ${rps}`);
    times.push(t);
    rates.push(rps);
  }
  if (!headerSeen) throw new TraceParseError(source, 0, `empty file: expected the header '${TRACE_CSV_HEADER}' and rows`);
  if (times.length < 2) throw new TraceParseError(source, 0, `a trace needs at least 2 rows (the last row lasts as long as the step before it), got ${times.length}`);
  const last = times[times.length - 1]!;
  return { times, rates, endS: last + (last - times[times.length - 2]!) };
}

/** Rate at trace time t: the row in force (step-hold), 0 before the first row and after the end. */
export function traceRateAt(trace: RateTrace, t: number): number {
  if (t < trace.times[0]! || t >= trace.endS) return 0;
  let lo = 0;
  let hi = trace.times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (trace.times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return trace.rates[lo]!;
}

function parseNumber(field: string, name: string, source: string, lineNo: number): number {
  const value = Number(field);
  if (!NUMBER.test(field) || !Number.isFinite(value)) throw new TraceParseError(source, lineNo, `${name} is not a number: '${truncate(field)}'`);
  return value;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
