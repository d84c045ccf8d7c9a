import { readFileSync } from 'node:fs';

/**
 * The VM provider's configuration file (`--vm-provider-config FILE`), one JSON object. Which keys apply
 * depends on the provider; every key is checked and an unknown one is an error, so a typo never goes
 * unnoticed.
 *
 *   command:  {"vms": ["vmm4","vmm5"], "start": ["vagrant","up","{vm}"], "stop": ["vagrant","halt","{vm}"],
 *              "cwd": "lab/vagrant", "timeoutMs": 600000}
 *   process:  {"vms": ["vmm4","vmm5"], "vmm": ["node","/path/to/acs-vmm.js"], "maxContainers": 4,
 *              "frontListen": "127.0.0.1:0", "logDir": ".acs/logs", "args": ["--log-level","info"]}
 */

export const VM_PROVIDER_KINDS = ['off', 'process', 'command'] as const;
export type VmProviderKind = (typeof VM_PROVIDER_KINDS)[number];

/** Stands for the VM's name in a command's arguments; replaced only where it is a whole argument. */
export const VM_PLACEHOLDER = '{vm}';
/** `vagrant up` of a fresh box can take several minutes. */
export const DEFAULT_PROVIDER_COMMAND_TIMEOUT_MS = 600_000;
export const DEFAULT_PROCESS_MAX_CONTAINERS = 4;

export interface CommandProviderConfig {
  kind: 'command';
  /** Standby VMs, in the order to start them. */
  vms: string[];
  start: string[];
  stop: string[];
  cwd: string | undefined;
  timeoutMs: number;
}

export interface ProcessProviderConfig {
  kind: 'process';
  vms: string[];
  /** How to run acs-vmm: an executable and its leading arguments. */
  vmm: string[];
  maxContainers: number;
  frontListen: string;
  /** Each started VMM's output goes to `<logDir>/<vm>.log`; undefined: discarded. */
  logDir: string | undefined;
  /** The agent secret file; undefined: the VIM's own secret is handed over in ACS_SECRET. */
  secretFile: string | undefined;
  /** Further acs-vmm flags for every VM. */
  args: string[];
}

export type VmProviderConfig = CommandProviderConfig | ProcessProviderConfig;

const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KEYS: Record<'command' | 'process', readonly string[]> = {
  command: ['vms', 'start', 'stop', 'cwd', 'timeoutMs'],
  process: ['vms', 'vmm', 'maxContainers', 'frontListen', 'logDir', 'secretFile', 'args'],
};

/** The provider config file as JSON, unchecked: a setting parser (its message completes "expected …"). */
export function readProviderConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`a readable JSON file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`a JSON object (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new Error('a JSON object');
  return parsed;
}

/**
 * The provider's config checked against its kind. Returns every problem, each naming its key, or the
 * config; `file` only labels the messages.
 */
export function resolveProviderConfig(
  kind: VmProviderKind,
  raw: Record<string, unknown> | undefined,
  file = '--vm-provider-config',
): { ok: true; config: VmProviderConfig | undefined } | { ok: false; problems: string[] } {
  if (kind === 'off') return { ok: true, config: undefined };
  if (raw === undefined) return { ok: false, problems: [`--vm-provider ${kind} needs --vm-provider-config FILE (a JSON object with ${KEYS[kind].join(', ')})`] };
  const problems: string[] = [];
  const at = (key: string, message: string): void => void problems.push(`${file}: ${key} ${message}`);
  for (const key of Object.keys(raw)) if (!KEYS[kind].includes(key)) at(key, `is not a ${kind} provider setting (known: ${KEYS[kind].join(', ')})`);

  const vms = stringArray(raw['vms'], 'vms', at, true) ?? [];
  if (Array.isArray(raw['vms']) && vms.length === 0) at('vms', 'must name at least one standby VM');
  for (const vm of vms) if (!VM_NAME.test(vm)) at('vms', `holds ${JSON.stringify(vm)}, which is not a VM name (letters, digits, . _ -; at most 64)`);
  if (new Set(vms).size !== vms.length) at('vms', 'names a VM twice');

  if (kind === 'command') {
    const start = stringArray(raw['start'], 'start', at, true);
    const stop = stringArray(raw['stop'], 'stop', at, true);
    for (const [key, argv] of [['start', start], ['stop', stop]] as const) {
      if (argv === undefined) continue;
      if (argv.length === 0 || argv[0] === '') at(key, 'must start with the program to run, e.g. ["vagrant","up","{vm}"]');
      else if (!argv.includes(VM_PLACEHOLDER)) at(key, `must pass the VM's name as a whole argument "${VM_PLACEHOLDER}", e.g. ["vagrant","${key === 'start' ? 'up' : 'halt'}","{vm}"]`);
    }
    const cwd = optionalString(raw['cwd'], 'cwd', at);
    const timeoutMs = wholeNumber(raw['timeoutMs'], 'timeoutMs', 1000, 3_600_000, at) ?? DEFAULT_PROVIDER_COMMAND_TIMEOUT_MS;
    if (problems.length > 0 || !start || !stop) return { ok: false, problems };
    return { ok: true, config: { kind, vms, start, stop, cwd, timeoutMs } };
  }

  const vmm = stringArray(raw['vmm'], 'vmm', at, false) ?? ['acs-vmm'];
  if (vmm.length === 0 || vmm[0] === '') at('vmm', 'must start with the program to run, e.g. ["acs-vmm"] or ["node","packages/vmm/bin/acs-vmm.js"]');
  const maxContainers = wholeNumber(raw['maxContainers'], 'maxContainers', 1, 1000, at) ?? DEFAULT_PROCESS_MAX_CONTAINERS;
  const frontListen = optionalString(raw['frontListen'], 'frontListen', at) ?? '127.0.0.1:0';
  const logDir = optionalString(raw['logDir'], 'logDir', at);
  const secretFile = optionalString(raw['secretFile'], 'secretFile', at);
  const args = stringArray(raw['args'], 'args', at, false) ?? [];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { kind, vms, vmm, maxContainers, frontListen, logDir, secretFile, args } };
}

/** `argv` with every whole `{vm}` argument replaced by the name; nothing else is touched (no shell). */
export function withVmName(argv: readonly string[], vm: string): string[] {
  return argv.map((arg) => (arg === VM_PLACEHOLDER ? vm : arg));
}

type Report = (key: string, message: string) => void;

function stringArray(value: unknown, key: string, at: Report, required: boolean): string[] | undefined {
  if (value === undefined) {
    if (required) at(key, 'is required: an array of strings');
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    at(key, `must be an array of strings, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

function optionalString(value: unknown, key: string, at: Report): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    at(key, `must be a non-empty string, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

function wholeNumber(value: unknown, key: string, min: number, max: number, at: Report): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    at(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
