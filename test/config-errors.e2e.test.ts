/**
 * The real `acs-vim` and `acs-vmm` binaries refusing bad configuration: exit code 2 and a message that
 * names every problem, before anything starts. And one case that must NOT exit: an unreachable VIM.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIM_SETTINGS } from '@acs/vim';
import { VMM_SETTINGS } from '@acs/vmm';
import { BIN, ProcessGroup, runCli } from './support/processes';

const CONFIG_EXIT = 2;
const group = new ProcessGroup();

afterEach(() => group.cleanup());

/** Settings that keep a VIM off the default ports and out of the working directory, should it start by mistake. */
function safeVimArgs(): string[] {
  return ['--agent-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--data-dir', group.tempDir('acs-vim-data-')];
}

function secretFile(content = 'an-agent-secret-of-enough-length-0123'): string {
  const path = join(group.tempDir('acs-secret-'), 'agent-secret');
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
  return path;
}

/** Help text with commander's line wrapping undone. */
const unwrapped = (text: string): string => text.replace(/\s+/g, ' ');

describe('acs-vim', () => {
  test('a bad scaling policy, placement strategy and reconcile value are all named, before anything starts', async () => {
    const { code, stderr } = await runCli(BIN.vim, [
      ...safeVimArgs(),
      '--scaling-policy',
      '{"minReplicas":5,"maxReplicas":2,"metrics":[{"metric":"latency","target":1}]}',
      '--placement-strategy',
      'random',
      '--reconcile',
      'maybe',
    ]);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('--scaling-policy');
    expect(stderr).toMatch(/minReplicas|maxReplicas/);
    expect(stderr).toContain('latency');
    expect(stderr).toContain('--placement-strategy: got "random"');
    expect(stderr).toContain('--reconcile: got "maybe", expected on or off');
  });

  test('a scaling policy that is not JSON says so', async () => {
    const { code, stderr } = await runCli(BIN.vim, [...safeVimArgs(), '--scaling-policy', '{minReplicas: 2}']);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('--scaling-policy: got "{minReplicas: 2}", expected a JSON object');
  });

  test('a corrupt services.json stops the VIM with what to do, not a stack trace', async () => {
    const dataDir = group.tempDir('acs-vim-data-');
    writeFileSync(join(dataDir, 'services.json'), '{"version": 1, "services": 3');
    const { code, stdout, stderr } = await runCli(BIN.vim, ['--agent-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--data-dir', dataDir]);
    expect(code).not.toBe(0);
    expect(`${stdout}${stderr}`).toContain('services.json');
    expect(`${stdout}${stderr}`).toContain('move the file away');
  });

  test('two bad flags: exit 2 and both problems named in one go', async () => {
    const { code, stdout, stderr } = await runCli(BIN.vim, ['--agent-listen', 'nope', '--report-interval-ms', 'abc']);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('invalid configuration');
    expect(stderr).toContain('--agent-listen: got "nope", expected host:port');
    expect(stderr).toContain('--report-interval-ms: got "abc", expected a whole number from 50 to 60000');
    expect(stderr).toContain('acs-vim --help');
    expect(stdout).not.toContain('acs-vim listening');
  });

  test('a bad value from the environment names the variable', async () => {
    const { code, stderr } = await runCli(BIN.vim, safeVimArgs(), { ACS_REPORT_INTERVAL_MS: '10' });
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('environment variable ACS_REPORT_INTERVAL_MS: got "10"');
  });

  test('an unknown key in the config file: exit 2 naming it', async () => {
    const config = join(group.tempDir('acs-config-'), 'vim.json');
    writeFileSync(config, JSON.stringify({ bogus: 1 }));
    const { code, stderr } = await runCli(BIN.vim, ['--config', config, ...safeVimArgs()]);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('unknown setting "bogus"');
    expect(stderr).toContain(config);
    expect(stderr).toContain('agentListen');
  });

  test('a config file that does not exist: exit 2', async () => {
    const missing = join(group.tempDir('acs-config-'), 'missing.json');
    const { code, stderr } = await runCli(BIN.vim, ['--config', missing, ...safeVimArgs()]);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain(`config file ${missing}`);
  });

  test('an unknown flag: exit 2', async () => {
    const { code, stderr } = await runCli(BIN.vim, ['--bogus', ...safeVimArgs()]);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain("unknown option '--bogus'");
  });

  test('alert settings: a webhook that is not http(s), a negative SLO limit and a negative interval are all named', async () => {
    const { code, stdout, stderr } = await runCli(BIN.vim, [...safeVimArgs(), '--alert-webhook', 'http://127.0.0.1:9/ok,ftp://example.com/hook', '--slo-p99-ms=-5', '--alert-min-interval-ms=-1']);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('--alert-webhook: got "http://127.0.0.1:9/ok,ftp://example.com/hook", expected http(s) URLs separated by commas; "ftp://example.com/hook" is ftp, not http or https');
    expect(stderr).toContain('--slo-p99-ms: got "-5", expected a whole number from 1 to 600000');
    expect(stderr).toContain('--alert-min-interval-ms: got "-1", expected a whole number from 0 to 86400000');
    expect(stdout).not.toContain('acs-vim listening');
  });

  test('a webhook that is not a URL at all, from the environment, names the variable and the entry', async () => {
    const { code, stderr } = await runCli(BIN.vim, safeVimArgs(), { ACS_ALERT_WEBHOOK: 'hooks.example.com/alerts', ACS_SLO_BREACH_SECONDS: '0' });
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('environment variable ACS_ALERT_WEBHOOK: got "hooks.example.com/alerts", expected http(s) URLs separated by commas; "hooks.example.com/alerts" is not a URL');
    expect(stderr).toContain('environment variable ACS_SLO_BREACH_SECONDS: got "0", expected a whole number from 1 to 86400');
  });

  test('--help exits 0 and lists every flag with its environment variable', async () => {
    const { code, stdout } = await runCli(BIN.vim, ['--help']);
    expect(code).toBe(0);
    const help = unwrapped(stdout);
    expect(help).toContain('--config <file>');
    for (const setting of Object.values(VIM_SETTINGS)) {
      expect(help).toContain(`--${setting.flag} <${setting.placeholder}>`);
      expect(help).toContain(`env ${setting.env};`);
    }
    expect(help).toContain('env ACS_AGENT_LISTEN; default 127.0.0.1:7070');
  });
});

describe('acs-vmm', () => {
  test('--help exits 0 and lists every flag with its environment variable', async () => {
    const { code, stdout } = await runCli(BIN.vmm, ['--help']);
    expect(code).toBe(0);
    const help = unwrapped(stdout);
    for (const setting of Object.values(VMM_SETTINGS)) {
      // A boolean switch has no placeholder: `--flag [bool]`.
      expect(help).toContain('placeholder' in setting ? `--${setting.flag} <${setting.placeholder}>` : `--${setting.flag} [bool]`);
      expect(help).toContain(`env ${setting.env};`);
    }
  });

  test('no secret at all: exit 2 and a message pointing at --secret-file', async () => {
    const { code, stderr } = await runCli(BIN.vmm, ['--vim', '127.0.0.1:1', '--agent-id', 'nosecret'], {
      ACS_SECRET: undefined,
      ACS_SECRET_FILE: undefined,
    });
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('no agent secret');
    expect(stderr).toContain('--secret-file');
    expect(stderr).toContain('ACS_SECRET');
  });

  test('a secret file that does not exist: exit 2 with a clear message', async () => {
    const { code, stderr } = await runCli(BIN.vmm, ['--vim', '127.0.0.1:1', '--agent-id', 'nofile', '--secret-file', '/nonexistent'], {
      ACS_SECRET: undefined,
    });
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toMatch(/^acs-vmm: cannot read secret file \/nonexistent: .*ENOENT/m);
  });

  test('a secret that is too short: exit 2', async () => {
    const { code, stderr } = await runCli(BIN.vmm, ['--vim', '127.0.0.1:1', '--agent-id', 'short', '--secret-file', secretFile('tooshort')], {
      ACS_SECRET: undefined,
    });
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('at least 16');
  });

  test('an agent id with a space: exit 2 naming --agent-id', async () => {
    const { code, stderr } = await runCli(BIN.vmm, ['--vim', '127.0.0.1:1', '--agent-id', 'bad id', '--secret-file', secretFile()], {
      ACS_SECRET: undefined,
    });
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('--agent-id: got "bad id"');
  });

  test("an in-flight cap that is neither 'auto' nor a whole number: exit 2 saying both", async () => {
    const { code, stderr } = await runCli(BIN.vmm, ['--vim', '127.0.0.1:1', '--agent-id', 'capped', '--secret-file', secretFile(), '--max-inflight-per-container', 'lots']);
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('--max-inflight-per-container: got "lots", expected auto or a whole number from 1 to 10000');
  });

  test('a backoff maximum below its initial delay: exit 2', async () => {
    const { code, stderr } = await runCli(
      BIN.vmm,
      ['--vim', '127.0.0.1:1', '--agent-id', 'backoff', '--secret-file', secretFile(), '--backoff-initial-ms', '500', '--backoff-max-ms', '100'],
      { ACS_SECRET: undefined },
    );
    expect(code).toBe(CONFIG_EXIT);
    expect(stderr).toContain('--backoff-max-ms must be at least --backoff-initial-ms');
  });

  test('an unreachable VIM is not a configuration error: the agent keeps retrying until stopped', async () => {
    const vmm = group.start(
      'lonely',
      BIN.vmm,
      ['--vim', '127.0.0.1:1', '--agent-id', 'lonely', '--secret-file', secretFile(), '--backoff-initial-ms', '20', '--backoff-max-ms', '100', '--log-level', 'debug'],
    );
    const lost = await vmm.waitForLog((l) => l.msg === 'lost connection to VIM');
    expect(lost).toMatchObject({ vim: '127.0.0.1:1', attempt: 1 });
    // Still trying, several attempts later.
    await vmm.waitForLog((l) => l.msg === 'VIM still unreachable' && Number(l['attempt']) >= 3);
    expect(vmm.running).toBe(true);
    expect(vmm.stderr).toBe('');
    // A polite stop is a clean exit.
    expect(await vmm.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
