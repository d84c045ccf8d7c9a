import { hostname } from 'node:os';
import { hostPort, integer, LOG_LEVEL_SETTING, text, type HostPort, type Setting, type SettingValues } from '@acs/daemon';
import { AGENT_ID_PATTERN } from '@acs/protocol';
import {
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_CONTAINERS,
  DEFAULT_VIM_ADDRESS,
} from './defaults';

const agentId = (raw: string): string => {
  if (!AGENT_ID_PATTERN.test(raw)) throw new Error('1–63 letters, digits, ".", "_" or "-", starting with a letter or digit');
  return raw;
};

/** The host name, cut to what an agent id allows, as the default id. */
export function defaultAgentId(): string {
  const cleaned = hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  return cleaned || 'vmm';
}

export const VMM_SETTINGS = {
  vim: {
    flag: 'vim',
    placeholder: 'host:port',
    env: 'ACS_VIM',
    description: "the VIM's agent address",
    defaultValue: hostPort(DEFAULT_VIM_ADDRESS),
    defaultText: DEFAULT_VIM_ADDRESS,
    parse: hostPort,
  } satisfies Setting<HostPort>,
  agentId: {
    flag: 'agent-id',
    placeholder: 'id',
    env: 'ACS_AGENT_ID',
    description: 'unique name of this VM in the cluster',
    defaultValue: defaultAgentId(),
    defaultText: 'the host name',
    parse: agentId,
  } satisfies Setting<string>,
  secretFile: {
    flag: 'secret-file',
    placeholder: 'path',
    env: 'ACS_SECRET_FILE',
    description: "file holding the VIM's shared agent secret (or give it directly in ACS_SECRET); required",
    defaultValue: undefined,
    parse: text as (raw: string) => string | undefined,
  } satisfies Setting<string | undefined>,
  maxContainers: {
    flag: 'max-containers',
    placeholder: 'n',
    env: 'ACS_MAX_CONTAINERS',
    description: 'most web-server containers this VM will run',
    defaultValue: DEFAULT_MAX_CONTAINERS,
    parse: integer(0, 1000),
  } satisfies Setting<number>,
  connectTimeoutMs: {
    flag: 'connect-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_CONNECT_TIMEOUT_MS',
    description: 'give up on one connection attempt after this long',
    defaultValue: DEFAULT_CONNECT_TIMEOUT_MS,
    parse: integer(100, 600_000),
  } satisfies Setting<number>,
  handshakeTimeoutMs: {
    flag: 'handshake-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_HANDSHAKE_TIMEOUT_MS',
    description: 'give up on a connection that has not been welcomed after this long',
    defaultValue: DEFAULT_HANDSHAKE_TIMEOUT_MS,
    parse: integer(100, 600_000),
  } satisfies Setting<number>,
  backoffInitialMs: {
    flag: 'backoff-initial-ms',
    placeholder: 'ms',
    env: 'ACS_BACKOFF_INITIAL_MS',
    description: 'first reconnect delay; doubles per failed attempt',
    defaultValue: DEFAULT_BACKOFF_INITIAL_MS,
    parse: integer(1, 600_000),
  } satisfies Setting<number>,
  backoffMaxMs: {
    flag: 'backoff-max-ms',
    placeholder: 'ms',
    env: 'ACS_BACKOFF_MAX_MS',
    description: 'longest reconnect delay',
    defaultValue: DEFAULT_BACKOFF_MAX_MS,
    parse: integer(1, 3_600_000),
  } satisfies Setting<number>,
  logLevel: LOG_LEVEL_SETTING,
};

export type VmmSettings = SettingValues<typeof VMM_SETTINGS>;
