/** The admin token: reads are open, changes need it; the VIM refuses an exposed admin API without one. */
import { startVimProcess, type VimProcess } from './support/lab';
import { BIN, ProcessGroup, runCli } from './support/processes';

const TOKEN = 'test-admin-token-0123456789abcdef';
const group = new ProcessGroup();
let vim: VimProcess;

beforeAll(async () => {
  vim = await startVimProcess(group, { env: { ACS_ADMIN_TOKEN: TOKEN } });
});
afterAll(() => group.cleanup());

async function put(token?: string): Promise<{ status: number; body: Record<string, string>; auth: string | null }> {
  const res = await fetch(`${vim.api}/api/v1/balancer`, {
    method: 'PUT',
    body: JSON.stringify({ policy: 'round-robin' }),
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, string>, auth: res.headers.get('www-authenticate') };
}

test('reads need no token', async () => {
  const res = await fetch(`${vim.api}/api/v1/balancer`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ policy: 'p2c', consecutiveFailures: 5, ejected: [] });
});

test('a change without the token, or with a wrong one, is refused with 401 and changes nothing', async () => {
  for (const token of [undefined, 'wrong-token']) {
    const reply = await put(token);
    expect(reply.status).toBe(401);
    expect(reply.body['error']).toBe('unauthorized');
    expect(reply.auth).toMatch(/^Bearer/);
  }
  expect(await (await fetch(`${vim.api}/api/v1/balancer`)).json()).toMatchObject({ policy: 'p2c' });
});

test('the CLI: set fails clearly without the token and works with ACS_ADMIN_TOKEN; get shows the result', async () => {
  const refused = await runCli(BIN.acs, ['balancer', 'set', 'policy=least-connections'], { ACS_API: vim.api });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/needs Authorization: Bearer/);
  const malformed = await runCli(BIN.acs, ['balancer', 'set', 'policy'], { ACS_API: vim.api, ACS_ADMIN_TOKEN: TOKEN });
  expect(malformed.code).toBe(1);
  expect(malformed.stderr).toMatch(/expected key=value/);
  const ok = await runCli(BIN.acs, ['balancer', 'set', 'policy=least-connections'], { ACS_API: vim.api, ACS_ADMIN_TOKEN: TOKEN });
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/^policy=least-connections$/m);
  const shown = await runCli(BIN.acs, ['balancer'], { ACS_API: vim.api });
  expect(shown.stdout).toMatch(/^policy=least-connections$/m);
  expect(shown.stdout).toMatch(/^consecutiveFailures=5$/m);
  expect(shown.stdout).toMatch(/^ejected: none$/m);
  const bad = await runCli(BIN.acs, ['balancer', 'set', 'consecutiveFailures=0', 'bogus=1'], { ACS_API: vim.api, ACS_ADMIN_TOKEN: TOKEN });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/consecutiveFailures: a whole number from 1 to 1000/);
  expect(bad.stderr).toMatch(/unknown field "bogus"/);
});

test('acs-vim refuses to expose the admin API beyond loopback without a token', async () => {
  const dataDir = group.tempDir();
  const { code, stderr } = await runCli(BIN.vim, ['--data-dir', dataDir, '--agent-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--admin-listen', '0.0.0.0:0']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/no admin token/);
});
