/**
 * Optional TLS on the agent port, with certificates made here by openssl: an agent trusting the CA connects and
 * its container serves traffic; a plaintext agent, an agent trusting another CA, and one expecting another
 * name are all refused with a clear reason on both sides; bad TLS settings stop the daemons at start.
 */
import type { ContainerListResponse, VmListResponse } from '@acs/api-types';
import { removeAgentContainers } from '../support/docker';
import { callApi, eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from '../support/lab';
import { BIN, ProcessGroup, runCli, type Daemon } from '../support/processes';
import { makeTestPki, type TestPki } from './certificates';

const RUN = `tls${process.pid}`;
const group = new ProcessGroup();
let pki: TestPki;
let vim: VimProcess;
const agentIds: string[] = [];

jest.setTimeout(90_000);

beforeAll(async () => {
  pki = makeTestPki(group.tempDir('acs-pki-'));
  vim = await startVimProcess(group, { args: ['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--report-interval-ms', '250', '--handshake-timeout-ms', '2000'] });
});

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers(agentIds);
});

function agent(name: string, args: string[]): Daemon {
  const id = `${RUN}-${name}`;
  agentIds.push(id);
  return startVmmProcess(group, vim, id, ['--backoff-initial-ms', '200', '--backoff-max-ms', '1000', ...args]);
}

async function vmStatus(id: string): Promise<string | undefined> {
  return (await getJson<VmListResponse>(`${vim.api}/api/v1/vms`)).vms.find((v) => v.id === id)?.status;
}

test('the VIM says its agent port is TLS', () => {
  expect(vim.daemon.logs.find((l) => l.msg === 'acs-vim listening')).toMatchObject({ agentTls: true });
});

test('an agent trusting the CA connects over TLS, and its container serves traffic through tier 1', async () => {
  const id = `${RUN}-good`;
  agent('good', ['--tls-ca', pki.caCert, '--max-containers', '1', '--stop-grace-seconds', '1']);
  await eventually(async () => (await vmStatus(id)) === 'ready', 15_000, 'the TLS agent ready');
  expect((await callApi(vim.api, 'POST', `/api/v1/vms/${id}/containers`, { workMs: 0 })).status).toBe(201);
  await eventually(async () => (await getJson<ContainerListResponse>(`${vim.api}/api/v1/containers?vm=${id}`)).containers.some((c) => c.ready), 30_000, 'a ready container');
  const res = await eventually(async () => {
    const r = await fetch(`http://127.0.0.1:${vim.httpPort}/work?ms=0`);
    return r.status === 200 && r;
  }, 15_000, 'traffic served');
  expect(res.headers.get('x-served-by')).toMatch(new RegExp(`^${id}/`));
});

test('the same agent naming the VIM "localhost" (in the certificate) also connects', async () => {
  const id = `${RUN}-named`;
  agent('named', ['--tls-ca', pki.caCert, '--tls-servername', 'localhost', '--max-containers', '0']);
  await eventually(async () => (await vmStatus(id)) === 'ready', 15_000, 'the named agent ready');
});

test('a plaintext agent is refused: the VIM logs a failed TLS handshake, the agent is told to use --tls-ca', async () => {
  const plain = agent('plain', ['--max-containers', '0', '--handshake-timeout-ms', '5000']);
  const lost = await plain.waitForLog((l) => l.msg === 'lost connection to VIM', 20_000);
  expect(String(lost['reason'])).toMatch(/--tls-ca/);
  const refused = await vim.daemon.waitForLog((l) => l.msg === 'agent connection closed: TLS handshake failed', 20_000);
  expect(String(refused['hint'])).toMatch(/plaintext/);
  expect(await vmStatus(`${RUN}-plain`)).toBeUndefined();
  const closes = (await getJson<{ closes: Record<string, number> }>(`${vim.api}/api/v1/agent-server`)).closes;
  expect(closes['tls-error']).toBeGreaterThan(0);
});

test.each([
  ['trusting another CA', ['--tls-ca', 'OTHER_CA']],
  ['expecting another name', ['--tls-ca', 'CA', '--tls-servername', 'vim.example.org']],
])('an agent %s refuses the VIM: its certificate does not verify', async (name, args) => {
  const resolved = args.map((a) => (a === 'OTHER_CA' ? pki.otherCaCert : a === 'CA' ? pki.caCert : a));
  const suspicious = agent(name.replace(/\s+/g, '-'), [...resolved, '--max-containers', '0']);
  const lost = await suspicious.waitForLog((l) => l.msg === 'lost connection to VIM', 20_000);
  expect(String(lost['reason'])).toMatch(/^TLS: the VIM's certificate does not verify against --tls-ca/);
  expect(await vmStatus(`${RUN}-${name.replace(/\s+/g, '-')}`)).toBeUndefined();
});

test('a TLS agent against a plaintext VIM says the VIM answered in plaintext', async () => {
  const plainVim = await startVimProcess(group);
  const id = `${RUN}-to-plain`;
  const daemon = group.start(id, BIN.vmm, ['--vim', `127.0.0.1:${plainVim.agentPort}`, '--agent-id', id, '--secret-file', plainVim.secretFile, '--front-listen', '127.0.0.1:0', '--max-containers', '0', '--tls-ca', pki.caCert]);
  const lost = await daemon.waitForLog((l) => l.msg === 'lost connection to VIM', 20_000);
  expect(String(lost['reason'])).toMatch(/^TLS: the VIM answered in plaintext/);
  expect((await getJson<VmListResponse>(`${plainVim.api}/api/v1/vms`)).vms).toEqual([]);
});

describe('bad TLS settings stop the daemons before anything starts (exit 2)', () => {
  const vimArgs = (): string[] => ['--agent-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--data-dir', group.tempDir('acs-vim-data-')];
  test.each([
    ['a certificate without its key', (): string[] => ['--tls-cert', pki.serverCert], /--tls-cert and --tls-key go together/],
    ['a key that is not the certificate\'s', (): string[] => ['--tls-cert', pki.serverCert, '--tls-key', pki.otherCaKey], /--tls-cert .* with --tls-key .*: .*key/i],
    ['a missing certificate file', (): string[] => ['--tls-cert', '/nonexistent/vim.pem', '--tls-key', pki.serverKey], /--tls-cert: cannot read \/nonexistent\/vim.pem/],
    ['a certificate that is not PEM', (): string[] => ['--tls-cert', pki.serverKey.replace(/vim\.key$/, 'vim.ext'), '--tls-key', pki.serverKey], /not a PEM file/],
  ])('acs-vim: %s', async (_name, args, message) => {
    const { code, stderr } = await runCli(BIN.vim, [...vimArgs(), ...args()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test.each([
    ['a missing CA file', (): string[] => ['--tls-ca', '/nonexistent/ca.pem'], /--tls-ca: cannot read/],
    ['a server name without a CA', (): string[] => ['--tls-servername', 'localhost'], /--tls-servername needs --tls-ca/],
  ])('acs-vmm: %s', async (_name, args, message) => {
    const { code, stderr } = await runCli(BIN.vmm, ['--vim', '127.0.0.1:9', '--agent-id', `${RUN}-bad`, '--front-listen', '127.0.0.1:0', ...args()], { ACS_SECRET: 'a-secret-of-enough-length-0123456789' });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
