/**
 * Every command-line tool with bad flags and values: a clear message naming what is wrong, a non-zero exit, and
 * nothing started: no request reaches the server the tool points at, no data directory is created, no daemon
 * says it is listening. Complements test/config-errors.e2e.test.ts (config files, environment, secrets).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BIN, ProcessGroup, REPO_ROOT, runCli } from '../support/processes';

const LOAD = join(REPO_ROOT, 'packages/loadgen/bin/acs-load.js');
const SIM = join(REPO_ROOT, 'packages/sim/bin/acs-sim.js');
const group = new ProcessGroup();
/** Stands where the tools point: acs's admin API, acs-load's target, acs-vmm's VIM. It must see nothing. */
let witness: Server;
let witnessPort = 0;
let hits = 0;

beforeAll(async () => {
  witness = createServer((req, res) => {
    hits++;
    res.end('{}');
  });
  witness.on('connection', () => hits++);
  await new Promise<void>((resolve) => witness.listen(0, '127.0.0.1', resolve));
  witnessPort = (witness.address() as AddressInfo).port;
});

afterAll(async () => {
  await group.cleanup();
  await new Promise((resolve) => witness.close(resolve));
});

interface Case {
  name: string;
  bin: string;
  args: () => string[];
  env?: NodeJS.ProcessEnv;
  code: number;
  message: RegExp;
}

const witnessUrl = (): string => `http://127.0.0.1:${witnessPort}`;
/** A data dir path that does not exist yet: a VIM that starts by mistake would create it. */
let unusedDataDir = '';
const vimBase = (): string[] => ['--agent-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--data-dir', unusedDataDir];
const vmmBase = (): string[] => ['--vim', `127.0.0.1:${witnessPort}`, '--agent-id', 'cli-bad-input', '--front-listen', '127.0.0.1:0'];
const SECRET_ENV = { ACS_SECRET: 'a-secret-of-enough-length-0123456789' };

const CASES: Case[] = [
  // acs: the admin API client
  { name: 'acs: --api that is not a URL', bin: BIN.acs, args: () => ['--api', 'notaurl', 'vms'], code: 1, message: /--api <url>.*'notaurl' is invalid\. expected a URL/ },
  { name: 'acs: ACS_API with another scheme', bin: BIN.acs, args: () => ['vms'], env: { ACS_API: 'ftp://127.0.0.1:1' }, code: 1, message: /from env 'ACS_API' is invalid\. expected an http:\/\/ or https:\/\/ URL/ },
  { name: 'acs: unknown command', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'vmz'], code: 1, message: /unknown command 'vmz'/ },
  { name: 'acs: unknown option', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'vms', '--bogus'], code: 1, message: /unknown option '--bogus'/ },
  { name: 'acs: scale to a non-number', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'scale', 'abc'], code: 1, message: /'abc' is invalid for argument 'N'/ },
  { name: 'acs: autoscale maybe', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'autoscale', 'maybe'], code: 1, message: /Allowed choices are on, off/ },
  { name: 'acs: container start with --cpus lots', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'container', 'start', 'vm1', '--cpus', 'lots'], code: 1, message: /--cpus <n>.*'lots' is invalid/ },
  { name: 'acs: policy set without key=value', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'policy', 'set', 'nonsense'], code: 1, message: /expected key=value, got "nonsense"/ },
  { name: 'acs: events --limit 0', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'events', '--limit', '0'], code: 1, message: /--limit <n>.*'0' is invalid/ },
  { name: 'acs: drain without a VM', bin: BIN.acs, args: () => ['--api', witnessUrl(), 'drain'], code: 1, message: /missing required argument 'vm'/ },
  // acs-vim
  { name: 'acs-vim: port out of range, unknown policy, interval too short, unknown log level', bin: BIN.vim, args: () => [...vimBase(), '--agent-listen', '127.0.0.1:99999', '--balancer-policy', 'nope', '--report-interval-ms', '10', '--log-level', 'loud'], code: 2, message: /--agent-listen: got "127\.0\.0\.1:99999"[\s\S]*--balancer-policy: got "nope"[\s\S]*--report-interval-ms: got "10"[\s\S]*--log-level: got "loud"/ },
  { name: 'acs-vim: a secret that is too short', bin: BIN.vim, args: vimBase, env: { ACS_SECRET: 'short' }, code: 2, message: /at least 16 are required/ },
  { name: 'acs-vim: an admin token file that does not exist', bin: BIN.vim, args: () => [...vimBase(), '--admin-token-file', '/nonexistent/token'], env: SECRET_ENV, code: 2, message: /cannot read secret file \/nonexistent\/token/ },
  { name: 'acs-vim: a handshake timeout of zero', bin: BIN.vim, args: () => [...vimBase(), '--handshake-timeout-ms', '0'], code: 2, message: /--handshake-timeout-ms: got "0"/ },
  // acs-vmm
  { name: 'acs-vmm: VIM without a port, negative capacity, unknown policy, non-numeric queue', bin: BIN.vmm, args: () => [...vmmBase(), '--vim', 'nohost', '--max-containers', '-1', '--front-policy', 'x', '--queue-limit', 'abc'], env: SECRET_ENV, code: 2, message: /--vim: got "nohost"[\s\S]*--max-containers: got "-1"[\s\S]*--front-policy: got "x"[\s\S]*--queue-limit: got "abc"/ },
  { name: 'acs-vmm: a switch given a non-boolean', bin: BIN.vmm, args: () => [...vmmBase(), '--stop-containers-on-exit', 'maybe'], env: SECRET_ENV, code: 2, message: /--stop-containers-on-exit: got "maybe"/ },
  { name: 'acs-vmm: a front on a port out of range', bin: BIN.vmm, args: () => [...vmmBase(), '--front-listen', '127.0.0.1:70000'], env: SECRET_ENV, code: 2, message: /--front-listen: got "127\.0\.0\.1:70000"/ },
  // acs-load: nothing may reach the target
  { name: 'acs-load: negative rate', bin: LOAD, args: () => ['--target', witnessUrl(), '--rps', '-5'], code: 2, message: /--rps <n>.*'-5' is invalid/ },
  { name: 'acs-load: unknown pattern', bin: LOAD, args: () => ['--target', witnessUrl(), '--pattern', 'zigzag'], code: 2, message: /unknown pattern 'zigzag'/ },
  { name: 'acs-load: a target that is not http', bin: LOAD, args: () => ['--target', `ftp://127.0.0.1:${witnessPort}/`], code: 2, message: /--target must be an http:\/\/ URL/ },
  { name: 'acs-load: a non-loopback target', bin: LOAD, args: () => ['--target', 'http://load-target.invalid/'], code: 2, message: /not a loopback address/ },
  { name: 'acs-load: zero duration', bin: LOAD, args: () => ['--target', witnessUrl(), '--duration', '0'], code: 2, message: /--duration <s>.*'0' is invalid/ },
  { name: 'acs-load: unknown arrival mode', bin: LOAD, args: () => ['--target', witnessUrl(), '--arrivals', 'bursty'], code: 2, message: /Allowed choices are poisson, constant/ },
  { name: 'acs-load: a trace file that does not exist', bin: LOAD, args: () => ['--target', witnessUrl(), '--pattern', 'trace:/nonexistent.csv'], code: 1, message: /cannot read trace \/nonexistent\.csv/ },
  // acs-sim
  { name: 'acs-sim: unknown synthetic trace', bin: SIM, args: () => ['--synthetic', 'nope'], code: 2, message: /'nope' is invalid\. Allowed choices are step/ },
  { name: 'acs-sim: negative VM count', bin: SIM, args: () => ['--synthetic', 'step', '--vms', '-1'], code: 2, message: /--vms <n>.*'-1' is invalid/ },
  { name: 'acs-sim: non-numeric seed', bin: SIM, args: () => ['--synthetic', 'step', '--seed', 'x'], code: 2, message: /--seed <n>.*'x' is invalid/ },
  { name: 'acs-sim: unknown option', bin: SIM, args: () => ['--bogus'], code: 2, message: /unknown option '--bogus'/ },
  { name: 'acs-sim: a policy file that does not exist', bin: SIM, args: () => ['--synthetic', 'step', '--policy-file', '/nonexistent.json'], code: 1, message: /cannot read policy file \/nonexistent\.json/ },
];

test.each(CASES)('$name', async ({ bin, args, env, code, message }) => {
  unusedDataDir = join(group.tempDir('acs-cli-bad-'), 'never-created');
  const hitsBefore = hits;
  const result = await runCli(bin, args(), env ?? {});
  // The daemons report a bad secret as their fatal log line (stdout); everything else goes to stderr.
  const output = `${result.stdout}${result.stderr}`;
  expect(output).toMatch(message);
  expect(result.code).toBe(code);
  // No stack trace: the message is for a person.
  expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  // Nothing started.
  expect(result.stdout).not.toMatch(/listening|acs-vmm starting/);
  expect(existsSync(unusedDataDir)).toBe(false);
  expect(hits).toBe(hitsBefore);
});
