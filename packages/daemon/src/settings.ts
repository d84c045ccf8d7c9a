import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ConfigError } from './errors';
import type { Parser } from './parsers';

/**
 * One daemon setting, reachable four ways. Precedence, lowest first: default → config file → environment
 * → command-line flag. Resolved once at the process edge; the rest of the code gets plain typed values.
 */
export interface Setting<T> {
  /** Flag without dashes, e.g. `agent-listen`; the config-file key is its camelCase form. */
  flag: string;
  /** Placeholder in help, e.g. `host:port`. Omit for a boolean switch. */
  placeholder?: string;
  env: string;
  description: string;
  /** Undefined means "not set" (the setting is optional). */
  defaultValue: T;
  /** How the default is shown in --help when it is not a plain value. */
  defaultText?: string;
  parse: Parser<T>;
}

export type SettingValues<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };
export type SettingSource = 'default' | 'file' | 'env' | 'flag';

export interface ResolvedSettings<S> {
  values: SettingValues<S>;
  sources: { [K in keyof S]: SettingSource };
  configFile: string | undefined;
}

export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Registers every setting as a commander option (raw text, no default: we merge the layers ourselves). */
export function addSettingOptions(command: Command, settings: Record<string, Setting<unknown>>): Command {
  command.addOption(new Option('--config <file>', 'JSON config file with any of the settings below, by camelCase name (env ACS_CONFIG)'));
  for (const setting of Object.values(settings)) {
    const shownDefault = setting.defaultText ?? describeValue(setting.defaultValue);
    const flag = setting.placeholder ? `--${setting.flag} <${setting.placeholder}>` : `--${setting.flag} [bool]`;
    command.addOption(new Option(flag, `${setting.description} (env ${setting.env}; default ${shownDefault})`));
  }
  return command;
}

/**
 * Merges defaults, the config file, the environment and the parsed flags, validating every value.
 * @throws ConfigError listing every problem at once.
 */
export function resolveSettings<S extends Record<string, Setting<unknown>>>(
  settings: S,
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): ResolvedSettings<S> {
  const problems: string[] = [];
  const configFile = typeof flags['config'] === 'string' ? flags['config'] : env['ACS_CONFIG'];
  const fileValues = configFile ? readConfigFile(configFile, settings, problems) : {};

  const values: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const name = camelCase(setting.flag);
    const flagValue = flags[name];
    let raw: string | undefined;
    let source: SettingSource = 'default';
    let where = '';
    if (flagValue !== undefined) {
      raw = flagValue === true ? 'true' : describeValue(flagValue);
      source = 'flag';
      where = `--${setting.flag}`;
    } else if (env[setting.env] !== undefined && env[setting.env] !== '') {
      raw = env[setting.env];
      source = 'env';
      where = `environment variable ${setting.env}`;
    } else if (fileValues[name] !== undefined) {
      raw = describeValue(fileValues[name]);
      source = 'file';
      where = `${name} in ${configFile}`;
    }
    sources[key] = source;
    if (raw === undefined) {
      values[key] = setting.defaultValue;
      continue;
    }
    try {
      values[key] = setting.parse(raw);
    } catch (error) {
      problems.push(`${where}: got ${JSON.stringify(raw)}, expected ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { values: values as SettingValues<S>, sources: sources as ResolvedSettings<S>['sources'], configFile };
}

function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'unset';
    case 'string':
      return value;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return JSON.stringify(value);
  }
}

function readConfigFile(path: string, settings: Record<string, Setting<unknown>>, problems: string[]): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`config file ${path}: ${(error as Error).message}`);
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`config file ${path}: expected a JSON object`);
    return {};
  }
  const known = new Set(Object.values(settings).map((s) => camelCase(s.flag)));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) {
      problems.push(`config file ${path}: unknown setting "${key}" (known: ${[...known].sort().join(', ')})`);
    } else if (value !== null && typeof value === 'object') {
      problems.push(`config file ${path}: ${key} must be a string, number or boolean`);
    } else {
      out[key] = value;
    }
  }
  return out;
}
