import { resolveProviderConfig, withVmName } from '../src/vm-scaling/provider-config';

describe('withVmName', () => {
  it.each<[string[], string[]]>([
    [['vagrant', 'up', '{vm}'], ['vagrant', 'up', 'vmm4']],
    // Only a whole argument is a placeholder: nothing is spliced into a longer string, nothing is a shell.
    [['sh', '-c', 'echo {vm}; rm -rf /'], ['sh', '-c', 'echo {vm}; rm -rf /']],
    [['tool', '--name={vm}', '{vm}', '{vm}'], ['tool', '--name={vm}', 'vmm4', 'vmm4']],
  ])('%j → %j', (argv, expected) => {
    expect(withVmName(argv, 'vmm4')).toEqual(expected);
  });
});

describe('resolveProviderConfig', () => {
  it('off needs no config', () => {
    expect(resolveProviderConfig('off', undefined)).toEqual({ ok: true, config: undefined });
  });

  it('fills a command config with its defaults', () => {
    expect(resolveProviderConfig('command', { vms: ['vmm4'], start: ['vagrant', 'up', '{vm}'], stop: ['vagrant', 'halt', '{vm}'] })).toEqual({
      ok: true,
      config: { kind: 'command', vms: ['vmm4'], start: ['vagrant', 'up', '{vm}'], stop: ['vagrant', 'halt', '{vm}'], cwd: undefined, timeoutMs: 600_000 },
    });
  });

  it('fills a process config with its defaults', () => {
    expect(resolveProviderConfig('process', { vms: ['vmm4'] })).toEqual({
      ok: true,
      config: { kind: 'process', vms: ['vmm4'], vmm: ['acs-vmm'], maxContainers: 4, frontListen: '127.0.0.1:0', logDir: undefined, secretFile: undefined, args: [] },
    });
  });

  it.each<[string, 'command' | 'process', Record<string, unknown>, RegExp]>([
    ['vms missing', 'command', { start: ['a', '{vm}'], stop: ['b', '{vm}'] }, /vms is required/],
    ['an empty start', 'command', { vms: ['a'], start: [], stop: ['b', '{vm}'] }, /start must start with the program/],
    ['a number in args', 'process', { vms: ['a'], args: ['--x', 1] }, /args must be an array of strings/],
    ['an empty logDir', 'process', { vms: ['a'], logDir: '' }, /logDir must be a non-empty string/],
  ])('%s is a problem', (_name, kind, raw, problem) => {
    const result = resolveProviderConfig(kind, raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });
});
