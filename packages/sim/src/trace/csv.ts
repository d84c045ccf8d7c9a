import { TraceParseError } from '../errors';
import { makeTrace, type Trace } from './trace';

export const TRACE_CSV_HEADER = 't_seconds,rps';

/** A plain decimal, optionally with an exponent: no hex, no `Infinity`, no empty field. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a `t_seconds,rps` CSV (the format of /work/shared/traces): the header, then one row per step with
 * strictly increasing times and rates ≥ 0. Blank lines and a final newline are ignored; a UTF-8 BOM and
 * CRLF line ends are accepted. Every error names the source and the 1-based line, since these files run
 * to 20,000 rows.
 */
export function parseTraceCsv(text: string, source: string): Trace {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let headerSeen = false;
  const times: number[] = [];
  const rates: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.replace(/\r$/, '').trim();
    if (line === '') continue;
    if (!headerSeen) {
      if (line.replace(/\s+/g, '') !== TRACE_CSV_HEADER) {
        throw new TraceParseError(source, lineNo, `expected the header '${TRACE_CSV_HEADER}', got '${truncate(line)}'`);
      }
      headerSeen = true;
      continue;
    }
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length !== 2) throw new TraceParseError(source, lineNo, `expected 2 fields (t_seconds,rps), got ${fields.length}: '${truncate(line)}'`);
    const t = parseNumber(fields[0]!, 't_seconds', source, lineNo);
    const rps = parseNumber(fields[1]!, 'rps', source, lineNo);
    if (t < 0) throw new TraceParseError(source, lineNo, `t_seconds must be ≥ 0, got ${t}`);
    const previous = times[times.length - 1];
    if (previous !== undefined && t <= previous) throw new TraceParseError(source, lineNo, `t_seconds must increase from row to row: ${t} after ${previous}`);
    if (rps < 0) throw new TraceParseError(source, lineNo, `rps must be ≥ 0, got ${rps}`);
    times.push(t);
    rates.push(rps);
  }
  if (!headerSeen) throw new TraceParseError(source, 0, `empty file: expected the header '${TRACE_CSV_HEADER}' and rows`);
  if (times.length < 2) throw new TraceParseError(source, 0, `a trace needs at least 2 rows (the last row lasts as long as the step before it), got ${times.length}`);
  const last = times[times.length - 1]!;
  const step = last - times[times.length - 2]!;
  return makeTrace(source, times, rates, last + step);
}

function parseNumber(field: string, name: string, source: string, lineNo: number): number {
  const value = Number(field);
  if (!NUMBER.test(field) || !Number.isFinite(value)) throw new TraceParseError(source, lineNo, `${name} is not a number: '${truncate(field)}'`);
  return value;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
