/** `npm run demo` without a lab, and with targets it must refuse: clear errors, nothing sent. */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/processes';

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
