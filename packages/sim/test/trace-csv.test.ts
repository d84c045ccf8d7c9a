import { existsSync, readFileSync } from 'node:fs';
import { parseTraceCsv, traceStats, TraceParseError } from '../src';

function parseError(text: string): TraceParseError {
  try {
    parseTraceCsv(text, 'load.csv');
  } catch (error) {
    if (error instanceof TraceParseError) return error;
    throw error;
  }
  throw new Error('expected a TraceParseError');
}

describe('parseTraceCsv', () => {
  it('reads rows as steps, the last lasting as long as the one before', () => {
    const trace = parseTraceCsv('t_seconds,rps\n0,10\n60,20.5\n120,0\n', 'ok.csv');
    expect([...trace.times]).toEqual([0, 60, 120]);
    expect([...trace.rates]).toEqual([10, 20.5, 0]);
    expect(trace.endS).toBe(180);
    expect(trace.name).toBe('ok.csv');
  });

  it('accepts a BOM, CRLF, spaces around fields and blank lines', () => {
    const trace = parseTraceCsv('\uFEFFt_seconds, rps\r\n\r\n0, 1e1\r\n30 ,2\r\n\r\n', 'win.csv');
    expect([...trace.rates]).toEqual([10, 2]);
    expect(trace.endS).toBe(60);
  });

  it.each([
    ['a wrong header', 'time,rate\n0,1\n1,2\n', 1, "expected the header 't_seconds,rps', got 'time,rate'"],
    ['a missing header', '0,1\n1,2\n', 1, "expected the header 't_seconds,rps', got '0,1'"],
    ['a non-numeric rate', 't_seconds,rps\n0,1\n60,abc\n', 3, "rps is not a number: 'abc'"],
    ['an empty field', 't_seconds,rps\n0,\n60,1\n', 2, "rps is not a number: ''"],
    ['Infinity', 't_seconds,rps\n0,Infinity\n60,1\n', 2, "rps is not a number: 'Infinity'"],
    ['a time going back', 't_seconds,rps\n0,1\n60,1\n30,1\n', 4, 't_seconds must increase from row to row: 30 after 60'],
    ['a repeated time', 't_seconds,rps\n0,1\n0,2\n', 3, 't_seconds must increase from row to row: 0 after 0'],
    ['a negative rate', 't_seconds,rps\n0,1\n60,-0.5\n', 3, 'rps must be ≥ 0, got -0.5'],
    ['a negative time', 't_seconds,rps\n-60,1\n0,1\n', 2, 't_seconds must be ≥ 0, got -60'],
    ['three fields', 't_seconds,rps\n0,1,2\n', 2, "expected 2 fields (t_seconds,rps), got 3: '0,1,2'"],
    ['a blank line counted in the line number', 't_seconds,rps\n0,1\n\n60,x\n', 4, "rps is not a number: 'x'"],
  ])('rejects %s, naming the line', (_name, text, line, detail) => {
    const error = parseError(text);
    expect(error.line).toBe(line);
    expect(error.message).toBe(`load.csv:${line}: ${detail}`);
  });

  it.each([
    ['an empty file', '', "load.csv: empty file: expected the header 't_seconds,rps' and rows"],
    ['a header alone', 't_seconds,rps\n', 'load.csv: a trace needs at least 2 rows (the last row lasts as long as the step before it), got 0'],
    ['a single row', 't_seconds,rps\n0,5\n', 'load.csv: a trace needs at least 2 rows (the last row lasts as long as the step before it), got 1'],
  ])('rejects %s', (_name, text, message) => {
    expect(parseError(text).message).toBe(message);
  });

  const nasa = '/work/shared/traces/nasa_kennedy_jul1995_14d_1min.csv';
  (existsSync(nasa) ? it : it.skip)('reads the NASA trace with the figures its README gives', () => {
    const stats = traceStats(parseTraceCsv(readFileSync(nasa, 'utf8'), nasa));
    expect(stats.lengthS).toBe(20_160 * 60);
    expect(stats.meanRps).toBeCloseTo(0.914, 3);
    expect(stats.maxRps).toBeCloseTo(6.75, 2);
  });
});
