/**
 * The agent secret and the admin token never reach a log: acs-vim and acs-vmm at trace level, through a good
 * handshake, a wrong-secret rejection and an admin change, and all their output searched for the secrets in
 * every usual encoding.
 */
import { readFileSync } from 'node:fs';
import type { VmListResponse } from '@acs/api-types';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from '../support/lab';
import { BIN, ProcessGroup, runCli, type Daemon } from '../support/processes';

const RUN = `sec${process.pid}`;
const ADMIN_TOKEN = 'admin-token-never-logged-5f2c9a1e77';
const WRONG_SECRET = 'wrong-secret-never-logged-0c1d2e3f4a5b';
const group = new ProcessGroup();
let vim: VimProcess;

jest.setTimeout(60_000);

afterAll(() => group.cleanup());

/** The forms a secret could leak in: as is, hex, base64 (both alphabets), and a JSON-escaped string. */
function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [secret, bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), JSON.stringify(secret).slice(1, -1)];
}

function expectNoSecrets(output: string, secrets: string[]): void {
  for (const secret of secrets) {
    for (const form of encodings(secret)) expect(output.includes(form) ? `${form} found in output` : 'absent').toBe('absent');
  }
}

test('at trace level, neither daemon logs the agent secret, a wrong secret or the admin token', async () => {
  vim = await startVimProcess(group, { args: ['--log-level', 'trace', '--report-interval-ms', '250'], env: { ACS_ADMIN_TOKEN: ADMIN_TOKEN } });
  const secret = readFileSync(vim.secretFile, 'utf8').trim();
  const good = startVmmProcess(group, vim, `${RUN}-good`, ['--log-level', 'trace', '--max-containers', '0']);
  await eventually(async () => (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.some((v) => v.id === `${RUN}-good` && v.status === 'ready'), 15_000, 'the good agent');

  // The same secret given in the environment instead of a file.
  const viaEnv = group.start(`${RUN}-env`, BIN.vmm, ['--vim', `127.0.0.1:${vim.agentPort}`, '--agent-id', `${RUN}-env`, '--front-listen', '127.0.0.1:0', '--max-containers', '0', '--log-level', 'trace'], { ACS_SECRET: secret });
  await eventually(async () => (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.some((v) => v.id === `${RUN}-env` && v.status === 'ready'), 15_000, 'the env agent');

  const wrong = group.start(`${RUN}-wrong`, BIN.vmm, ['--vim', `127.0.0.1:${vim.agentPort}`, '--agent-id', `${RUN}-wrong`, '--front-listen', '127.0.0.1:0', '--max-containers', '0', '--log-level', 'trace'], { ACS_SECRET: WRONG_SECRET });
  expect((await wrong.exited).code).toBe(3);
  expect(wrong.stderr).toMatch(/secret does not match/);

  const change = await runCli(BIN.acs, ['balancer', 'set', 'policy=round-robin'], { ACS_API: vim.api, ACS_ADMIN_TOKEN: ADMIN_TOKEN });
  expect(change.code).toBe(0);
  // Let a few reports and pings go by at trace level.
  await new Promise((r) => setTimeout(r, 1000));
  await group.cleanup();

  const daemons: Daemon[] = [vim.daemon, good, viaEnv, wrong];
  const everything = daemons.map((d) => `${d.stdout}\n${d.stderr}`).join('\n') + change.stdout + change.stderr;
  expect(vim.daemon.logs.some((l) => l.msg === 'agent rejected' && l['code'] === 'bad-proof')).toBe(true);
  expectNoSecrets(everything, [secret, WRONG_SECRET, ADMIN_TOKEN]);
});

test('acs-vmm without a secret refuses to start and says how to give one', async () => {
  const { code, stderr } = await runCli(BIN.vmm, ['--vim', '127.0.0.1:9', '--agent-id', `${RUN}-none`, '--front-listen', '127.0.0.1:0']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/no agent secret: pass --secret-file/);
});
