/** `npm run demo` without a lab, and with targets it must refuse: clear errors, nothing sent. */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventView } from '@acs/api-types';
import { REPO_ROOT } from './support/processes';
import { demoChart, demoMarkdown, explainEvents } from '../scripts/demo/report';
import { BASE_TOTAL_S, demoPhases, scenarioLengthS, scenarioRate } from '../scripts/demo/scenario';

const DEMO = join(REPO_ROOT, 'scripts/demo/main.ts');

function demo(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', DEMO, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ACS_ADMIN_TOKEN: undefined },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A loopback port nobody listens on: bound by the OS, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('with no lab running it says to start one, exits 1 and writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-demo-'));
  try {
    const port = await freePort();
    const out = join(dir, 'report.md');
    const result = demo(['--api', `http://127.0.0.1:${port}`, '--scale', '0.05', '--out', out]);
    expect(result.stderr).toContain(`no lab is answering at http://127.0.0.1:${port}`);
    expect(result.stderr).toContain('start one with npm start');
    expect(result.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a target or API beyond loopback is refused before anything is sent (exit 2)', () => {
  // RFC 6761 .invalid: never resolves, so nothing could be sent even if the check were missing.
  const target = demo(['--target', 'http://load-target.invalid:8080/']);
  expect(target.code).toBe(2);
  expect(target.stderr).toContain('refusing --target load-target.invalid:8080: the demo runs against a local lab only');
  const api = demo(['--api', 'http://admin.invalid:9090']);
  expect(api.code).toBe(2);
  expect(api.stderr).toContain('refusing --api admin.invalid:9090');
});

test('bad flags get the usage (exit 2)', () => {
  const both = demo(['--minutes', '1', '--scale', '0.5']);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('give --minutes or --scale, not both');
  expect(both.stderr).toContain('Usage: npm run demo');
  const rates = demo(['--rps', '50', '--peak-rps', '10']);
  expect(rates.code).toBe(2);
  expect(rates.stderr).toContain('the rates must rise from low to base to peak');
  const unknown = demo(['--colour', 'blue']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("Unknown option '--colour'");
});

describe('the scenario and the report (pure)', () => {
  test('the phases scale together and the rate follows them', () => {
    const phases = demoPhases({ lowRps: 2, baseRps: 10, peakRps: 30 }, 0.5);
    expect(scenarioLengthS(phases)).toBe(BASE_TOTAL_S / 2);
    const rate = scenarioRate(phases);
    expect(rate(0)).toBe(2);
    expect(rate(15)).toBe(6); // half way up the 30 s ramp
    expect(rate(phases[2]!.fromS + 1)).toBe(30);
    expect(rate(scenarioLengthS(phases))).toBe(0);
    expect(() => demoPhases({ lowRps: 2, baseRps: 10, peakRps: 30 }, 0)).toThrow('the time scale must be a positive number, got 0');
  });

  test('events: changes of the desired count and actions are listed; a decision that kept the count is not', () => {
    const startedAt = Date.parse('2026-01-01T00:00:00.000Z');
    const ev = (id: number, s: number, kind: string, message: string, data: Record<string, unknown>) =>
      ({ id, at: new Date(startedAt + s * 1000).toISOString(), kind, service: 'web', message, data }) as EventView;
    const events = [
      ev(1, 1, 'decision', 'rps 9 of 6 → 2', { current: 1, desired: 2, reason: 'scale-up' }),
      ev(2, 1.2, 'placement', 'web: new container on vmm2 (spread)', {}),
      ev(3, 2, 'decision', 'rps 6 of 6 → 2', { current: 2, desired: 2, reason: 'within-tolerance' }),
      ev(4, 9, 'command', 'stopped abc on vmm2: scale-in to 1 | most', { command: 'stop', why: 'scale-in to 1 | most' }),
    ];
    const explained = explainEvents(events, startedAt);
    expect(explained.map((e) => [e.t, e.kind, e.what, e.why])).toEqual([
      [1, 'decision', 'desired 1 -> 2 containers', 'scale-up: rps 9 of 6 → 2'],
      [1.2, 'placement', 'web: new container on vmm2 (spread)', ''],
      [9, 'command', 'stopped abc on vmm2: scale-in to 1 | most', ''],
    ]);
    const load = { windowS: 10, elapsedS: 10, offered: 50, sent: 50, ok: 49, nonOk: { '503': 1 }, errors: {}, dropped: 0, offeredRps: 5, sentRps: 5, achievedRps: 5, latencyMs: { count: 50, p50: 20, p90: 30, p99: 40, p999: 41, max: 42 }, interrupted: false, seconds: [] };
    const samples = [{ t: 0.5, desired: 1, perVm: { vmm1: { status: 'ready' as const, ready: 1, starting: 0, draining: 0 }, vmm2: { status: 'ready' as const, ready: 0, starting: 0, draining: 0 } } }];
    const run = { api: 'http://127.0.0.1:9090', target: 'http://127.0.0.1:8080/', startedAt, phases: demoPhases({ lowRps: 1, baseRps: 5, peakRps: 9 }, 0.05), load, samples, sampleFailures: 0, events };
    const md = demoMarkdown(run, 'chart.png');
    // A pipe inside a cell is escaped, so the table keeps its columns.
    expect(md).toContain('| 9.0 | 00:00:09.000 | command | stopped abc on vmm2: scale-in to 1 \\| most |  |');
    expect(md).toContain('| non-2xx answers | 1 (503: 1) |');
    expect(md).toContain('| most containers taking traffic, per VM | vmm1: 1, vmm2: 0 |');
    expect(demoChart(run).subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
