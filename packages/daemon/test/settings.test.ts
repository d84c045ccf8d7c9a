import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../src/errors';
import { boolean, formatHostPort, hostPort, integer, oneOf, port, text } from '../src/parsers';
import { addSettingOptions, camelCase, resolveSettings, type Setting } from '../src/settings';

const SETTINGS = {
  listenPort: {
    flag: 'listen-port',
    placeholder: 'n',
    env: 'TEST_LISTEN_PORT',
    description: 'a port',
    defaultValue: 7070,
    parse: integer(1, 65535),
  } satisfies Setting<number>,
  mode: {
    flag: 'mode',
    placeholder: 'mode',
    env: 'TEST_MODE',
    description: 'a mode',
    defaultValue: 'fast',
    parse: oneOf(['fast', 'slow'] as const),
  } satisfies Setting<'fast' | 'slow'>,
  verbose: {
    flag: 'verbose',
    env: 'TEST_VERBOSE',
    description: 'talk more',
    defaultValue: false,
    parse: boolean,
  } satisfies Setting<boolean>,
};

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'acs-settings-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function configFile(content: string, name = 'config.json'): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs `fn`, expecting a ConfigError, and returns it. */
function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('resolveSettings precedence: default < config file < env < flag', () => {
  test('default when nothing else is given', () => {
    const resolved = resolveSettings(SETTINGS, {}, {});
    expect(resolved.values).toEqual({ listenPort: 7070, mode: 'fast', verbose: false });
    expect(resolved.sources).toEqual({ listenPort: 'default', mode: 'default', verbose: 'default' });
    expect(resolved.configFile).toBeUndefined();
  });

  test('each layer overrides the one below it, for the same setting', () => {
    const file = configFile(JSON.stringify({ listenPort: 1000 }));

    const fromFile = resolveSettings(SETTINGS, { config: file }, {});
    expect(fromFile.values.listenPort).toBe(1000);
    expect(fromFile.sources.listenPort).toBe('file');
    expect(fromFile.configFile).toBe(file);

    const fromEnv = resolveSettings(SETTINGS, { config: file }, { TEST_LISTEN_PORT: '2000' });
    expect(fromEnv.values.listenPort).toBe(2000);
    expect(fromEnv.sources.listenPort).toBe('env');

    const fromFlag = resolveSettings(SETTINGS, { config: file, listenPort: '3000' }, { TEST_LISTEN_PORT: '2000' });
    expect(fromFlag.values.listenPort).toBe(3000);
    expect(fromFlag.sources.listenPort).toBe('flag');
    // Other settings are untouched by the layers that do not mention them.
    expect(fromFlag.values.mode).toBe('fast');
    expect(fromFlag.sources.mode).toBe('default');
  });

  test('an empty environment variable counts as unset', () => {
    const file = configFile(JSON.stringify({ listenPort: 1000 }));
    const resolved = resolveSettings(SETTINGS, { config: file }, { TEST_LISTEN_PORT: '' });
    expect(resolved.values.listenPort).toBe(1000);
    expect(resolved.sources.listenPort).toBe('file');
  });

  test('the config file can come from ACS_CONFIG; --config wins over it', () => {
    const envFile = configFile(JSON.stringify({ mode: 'slow' }), 'env.json');
    const flagFile = configFile(JSON.stringify({ listenPort: 42 }), 'flag.json');

    const viaEnv = resolveSettings(SETTINGS, {}, { ACS_CONFIG: envFile });
    expect(viaEnv.configFile).toBe(envFile);
    expect(viaEnv.values.mode).toBe('slow');

    const viaFlag = resolveSettings(SETTINGS, { config: flagFile }, { ACS_CONFIG: envFile });
    expect(viaFlag.configFile).toBe(flagFile);
    expect(viaFlag.values).toEqual({ listenPort: 42, mode: 'fast', verbose: false });
  });

  test('config file values may be numbers or booleans as well as strings', () => {
    const file = configFile(JSON.stringify({ listenPort: 8080, mode: 'slow', verbose: true }));
    expect(resolveSettings(SETTINGS, { config: file }, {}).values).toEqual({ listenPort: 8080, mode: 'slow', verbose: true });
    const off = configFile(JSON.stringify({ verbose: false }), 'off.json');
    const resolved = resolveSettings(SETTINGS, { config: off }, { TEST_VERBOSE: '' });
    expect(resolved.values.verbose).toBe(false);
    expect(resolved.sources.verbose).toBe('file');
  });

  test('a bare boolean switch (commander gives `true`) parses as true', () => {
    const resolved = resolveSettings(SETTINGS, { verbose: true }, { TEST_VERBOSE: 'false' });
    expect(resolved.values.verbose).toBe(true);
    expect(resolved.sources.verbose).toBe('flag');
  });

  test('flags registered by addSettingOptions reach resolveSettings under their camelCase names', () => {
    const program = addSettingOptions(new Command('t').exitOverride(), SETTINGS);
    program.parse(['--listen-port', '9000', '--mode', 'slow', '--verbose'], { from: 'user' });
    const resolved = resolveSettings(SETTINGS, program.opts(), {});
    expect(resolved.values).toEqual({ listenPort: 9000, mode: 'slow', verbose: true });
    expect(resolved.sources).toEqual({ listenPort: 'flag', mode: 'flag', verbose: 'flag' });
  });

  test('help text names each setting with its env variable and default', () => {
    const program = addSettingOptions(new Command('t'), SETTINGS);
    const help = program.helpInformation();
    expect(help).toContain('--config <file>');
    expect(help).toMatch(/--listen-port <n>\s+a port \(env TEST_LISTEN_PORT; default 7070\)/);
    expect(help).toContain('env TEST_MODE; default fast');
    expect(help).toContain('--verbose [bool]');
  });

  test('camelCase turns flag names into config keys', () => {
    expect(camelCase('agent-listen')).toBe('agentListen');
    expect(camelCase('report-interval-ms')).toBe('reportIntervalMs');
    expect(camelCase('mode')).toBe('mode');
  });
});

describe('resolveSettings problems', () => {
  test('every bad value is listed at once, each naming where it came from', () => {
    const error = configErrorOf(() => resolveSettings(SETTINGS, { listenPort: 'abc' }, { TEST_MODE: 'medium' }));
    expect(error.problems).toHaveLength(2);
    expect(error.problems).toContain('--listen-port: got "abc", expected a whole number from 1 to 65535');
    expect(error.problems).toContain('environment variable TEST_MODE: got "medium", expected one of fast, slow');
    for (const problem of error.problems) expect(error.message).toContain(problem);
    expect(error.name).toBe('ConfigError');
  });

  test('a bad value in the config file names the key and the file', () => {
    const file = configFile(JSON.stringify({ listenPort: 'lots' }));
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: file }, {}));
    expect(error.problems).toEqual([`listenPort in ${file}: got "lots", expected a whole number from 1 to 65535`]);
  });

  test('an unknown key in the config file is named along with the known keys', () => {
    const file = configFile(JSON.stringify({ bogus: 1, listenPort: 1234 }));
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: file }, {}));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(file);
    expect(error.problems[0]).toContain('"bogus"');
    expect(error.problems[0]).toContain('known: listenPort, mode, verbose');
  });

  test('file problems and value problems are reported together', () => {
    const file = configFile(JSON.stringify({ bogus: 1, nested: { a: 1 } }));
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: file, mode: 'warp' }, {}));
    expect(error.problems).toHaveLength(3);
    expect(error.problems.some((p) => p.includes('"bogus"'))).toBe(true);
    expect(error.problems.some((p) => p.includes('"nested"'))).toBe(true);
    expect(error.problems.some((p) => p.startsWith('--mode: got "warp"'))).toBe(true);
  });

  test('an object or array value for a known key is refused', () => {
    const file = configFile(JSON.stringify({ listenPort: { port: 1 }, mode: ['fast'] }));
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: file }, {}));
    expect(error.problems).toEqual([
      `config file ${file}: listenPort must be a string, number or boolean`,
      `config file ${file}: mode must be a string, number or boolean`,
    ]);
  });

  test('an unreadable config file', () => {
    const missing = join(dir, 'does-not-exist.json');
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: missing }, {}));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(`config file ${missing}`);
    expect(error.problems[0]).toContain('ENOENT');
  });

  test('a config file that is not valid JSON', () => {
    const file = configFile('{ listenPort: 1, }');
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: file }, {}));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(`config file ${file}:`);
    expect(error.problems[0]).toMatch(/JSON/);
  });

  test.each([
    ['an array', '[1, 2]'],
    ['a number', '42'],
    ['a string', '"listenPort"'],
    ['null', 'null'],
  ])('a config file holding %s instead of an object', (_what, content) => {
    const file = configFile(content);
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: file }, {}));
    expect(error.problems).toEqual([`config file ${file}: expected a JSON object`]);
  });

  test('a broken config file does not hide bad flags', () => {
    const error = configErrorOf(() => resolveSettings(SETTINGS, { config: join(dir, 'nope.json'), listenPort: '0' }, {}));
    expect(error.problems).toHaveLength(2);
    expect(error.problems[1]).toBe('--listen-port: got "0", expected a whole number from 1 to 65535');
  });
});

describe('parsers', () => {
  test('integer accepts whole numbers within its bounds, inclusive', () => {
    const parse = integer(-5, 10);
    expect(parse('-5')).toBe(-5);
    expect(parse('0')).toBe(0);
    expect(parse('10')).toBe(10);
    expect(parse(' 7 ')).toBe(7);
  });

  test.each(['11', '-6', '1.5', 'abc', '', ' ', '1e1', '0x5', '5px', 'NaN', 'Infinity'])('integer(-5, 10) refuses %j', (raw) => {
    expect(() => integer(-5, 10)(raw)).toThrow('a whole number from -5 to 10');
  });

  test('integer refuses numbers beyond the safe range even with huge bounds', () => {
    expect(() => integer(0, Number.MAX_VALUE)('99999999999999999999')).toThrow('a whole number');
    expect(integer(0, Number.MAX_VALUE)(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('port is 0–65535', () => {
    expect(port('0')).toBe(0);
    expect(port('65535')).toBe(65535);
    expect(() => port('65536')).toThrow('a whole number from 0 to 65535');
  });

  test.each([
    ['127.0.0.1:7070', { host: '127.0.0.1', port: 7070 }],
    [':7070', { host: '127.0.0.1', port: 7070 }],
    ['[::1]:80', { host: '::1', port: 80 }],
    ['[fe80::1%eth0]:443', { host: 'fe80::1%eth0', port: 443 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['0.0.0.0:65535', { host: '0.0.0.0', port: 65535 }],
    ['vim.example.com:7070', { host: 'vim.example.com', port: 7070 }],
    [' 192.0.2.1:9090 ', { host: '192.0.2.1', port: 9090 }],
  ])('hostPort(%j)', (raw, expected) => {
    expect(hostPort(raw)).toEqual(expected);
  });

  test.each(['nope', '127.0.0.1', '127.0.0.1:', ':', '', '1.2.3.4:65536', '1.2.3.4:-1', '1.2.3.4:80x', '::1:80', '[::1]80', '[::1]:', 'a:b:80', '[]:80', 'a b:80', 'host/x:80']) (
    'hostPort refuses %j',
    (raw) => {
      expect(() => hostPort(raw)).toThrow('host:port, e.g. 127.0.0.1:7070');
    },
  );

  test('formatHostPort brackets IPv6 hosts and round-trips through hostPort', () => {
    expect(formatHostPort({ host: '::1', port: 80 })).toBe('[::1]:80');
    expect(formatHostPort({ host: '127.0.0.1', port: 7070 })).toBe('127.0.0.1:7070');
    for (const raw of ['[::1]:80', '127.0.0.1:7070', 'example.com:1']) expect(formatHostPort(hostPort(raw))).toBe(raw);
  });

  test('oneOf accepts exactly the listed values', () => {
    const parse = oneOf(['info', 'debug'] as const);
    expect(parse('info')).toBe('info');
    expect(parse('debug')).toBe('debug');
    for (const raw of ['INFO', 'inf', '', ' info']) expect(() => parse(raw)).toThrow('one of info, debug');
  });

  test.each(['1', 'true', 'TRUE', 'True', 'yes', 'YES', 'on', 'On'])('boolean(%j) is true', (raw) => {
    expect(boolean(raw)).toBe(true);
  });

  test.each(['0', 'false', 'FALSE', 'no', 'No', 'off', 'OFF'])('boolean(%j) is false', (raw) => {
    expect(boolean(raw)).toBe(false);
  });

  test.each(['', 'maybe', '2', 'y', 'n', 'truee', ' true'])('boolean refuses %j', (raw) => {
    expect(() => boolean(raw)).toThrow('true or false');
  });

  test('text refuses only the empty string', () => {
    expect(text('x')).toBe('x');
    expect(text(' ')).toBe(' ');
    expect(() => text('')).toThrow('a non-empty value');
  });
});
