import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOAD_EXIT, run } from '../src/main';
import { isLoopbackHost } from '../src/target';
import { cli, startServer } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'acs-load-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('acs-load command line', () => {
  it('refuses a non-loopback target unless --allow-remote', async () => {
    const r = await cli(run, '--target', 'http://load-target.invalid:8080/', '--duration', '1');
    expect(r.code).toBe(LOAD_EXIT.usage);
    expect(r.err).toMatch(/refusing to load load-target\.invalid:8080: not a loopback address.*--allow-remote/);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('127.9.9.9')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('example.com')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it.each([
    [['--rps', 'abc']],
    [['--duration', '0']],
    [['--max-inflight', '-1']],
    [['--bogus']],
    [['--arrivals', 'bursty']],
    [['--pattern', 'zigzag']],
    [['--pattern', 'step', '--rps', '1']],
    [['--target', 'not a url']],
    [['--target', 'https://127.0.0.1/']],
  ])('exits 2 on bad flags %j', async (argv) => {
    const r = await cli(run, ...argv);
    expect(r.code).toBe(LOAD_EXIT.usage);
    expect(r.err).not.toBe('');
  });

  it('prints help and exits 0', async () => {
    const r = await cli(run, '--help');
    expect(r.code).toBe(LOAD_EXIT.ok);
    expect(r.out).toMatch(/--max-inflight/);
  });

  it.each([
    ['t_seconds,rps\n0,1\n1,x\n', /bad\.csv:3: rps is not a number: 'x'/],
    ['time,rate\n0,1\n', /bad\.csv:1: expected the header/],
    ['t_seconds,rps\n0,1\n\n5,2\n3,2\n', /bad\.csv:5: t_seconds must increase/],
    ['t_seconds,rps\n0,1\n1,-2\n', /bad\.csv:3: rps must be ≥ 0/],
    ['t_seconds,rps\n0,1,2\n', /bad\.csv:2: expected 2 fields/],
  ])('names the line of a trace CSV error', async (text, message) => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, text);
    const r = await cli(run, '--pattern', `trace:${file}`, '--duration', '1');
    expect(r.code).toBe(LOAD_EXIT.inputError);
    expect(r.err).toMatch(message);
  });

  it('replays a trace with --time-scale, writes --csv and prints --json', async () => {
    const server = await startServer();
    try {
      const trace = join(dir, 'trace.csv');
      // 10 trace seconds at 20 req/s then 10 at 60 req/s; at --time-scale 10 that is 1 s of 20, then 1 s of 60.
      writeFileSync(trace, 't_seconds,rps\n0,20\n10,60\n');
      const csv = join(dir, 'out.csv');
      const r = await cli(run, '--target', server.url, '--pattern', `trace:${trace}`, '--time-scale', '10', '--duration', '2', '--arrivals', 'constant', '--csv', csv, '--json');
      expect(r.code).toBe(LOAD_EXIT.ok);
      const summary = JSON.parse(r.out) as { offered: number; ok: number };
      expect(summary.offered).toBe(80);
      expect(summary.ok).toBe(80);
      const rows = readFileSync(csv, 'utf8').trim().split('\n');
      expect(rows[0]).toBe('t,offered,sent,ok,errors,dropped,p50,p99');
      expect(rows[1]!.split(',').slice(0, 3)).toEqual(['0', '20', '20']);
      expect(rows[2]!.split(',').slice(0, 3)).toEqual(['1', '60', '60']);
      expect(rows).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('requests /work?ms=N with --work-ms and prints the table', async () => {
    const server = await startServer();
    try {
      const r = await cli(run, '--target', server.url, '--work-ms', '5', '--rps', '50', '--duration', '0.2', '--arrivals', 'constant');
      expect(r.code).toBe(LOAD_EXIT.ok);
      expect(r.out).toMatch(/offered\s+10 /);
      expect(r.out).toMatch(/dropped \(max in-flight\)\s+0/);
      expect(r.out).toMatch(/latency ms\s+p50 .* p99\.9 .* max /);
    } finally {
      await server.close();
    }
  });
});
