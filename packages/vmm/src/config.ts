import { hostname } from 'node:os';
import { POLICY_NAMES, type PolicyName } from '@acs/balancing';
import { boolean, hostPort, integer, LOG_LEVEL_SETTING, oneOf, text, type HostPort, type Setting, type SettingValues } from '@acs/daemon';
import { AGENT_ID_PATTERN } from '@acs/protocol';
import { DEFAULT_PROXY_ENGINE, PROXY_ENGINES, type ProxyEngine } from '@acs/proxy';
import {
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_CONTAINERS,
  DEFAULT_VIM_ADDRESS,
  DEFAULT_DOCKER_SOCKET,
  DEFAULT_FRONT_LISTEN,
  DEFAULT_FRONT_POLICY,
  DEFAULT_MAX_INFLIGHT_PER_CONTAINER,
  DEFAULT_QUEUE_LIMIT,
  DEFAULT_QUEUE_TIMEOUT_MS,
  DEFAULT_READINESS_TIMEOUT_MS,
  DEFAULT_STOP_GRACE_SECONDS,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
} from './defaults';

/** `auto`, or a whole number in range (integer's own message names the range). */
function autoOrInteger(min: number, max: number): (raw: string) => number | 'auto' {
  const whole = integer(min, max);
  return (raw) => {
    if (raw === 'auto') return 'auto';
    try {
      return whole(raw);
    } catch (error) {
      throw new Error(`auto or ${(error as Error).message}`);
    }
  };
}

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
  frontListen: {
    flag: 'front-listen',
    placeholder: 'host:port',
    env: 'ACS_FRONT_LISTEN',
    description: "this VM's HTTP front (tier 2), spreading requests over its containers",
    defaultValue: hostPort(DEFAULT_FRONT_LISTEN),
    defaultText: DEFAULT_FRONT_LISTEN,
    parse: hostPort,
  } satisfies Setting<HostPort>,
  frontPolicy: {
    flag: 'front-policy',
    placeholder: 'policy',
    env: 'ACS_FRONT_POLICY',
    description: `how the front picks a container (${POLICY_NAMES.join(', ')})`,
    defaultValue: DEFAULT_FRONT_POLICY,
    parse: oneOf(POLICY_NAMES),
  } satisfies Setting<PolicyName>,
  maxInflightPerContainer: {
    flag: 'max-inflight-per-container',
    placeholder: 'n',
    env: 'ACS_MAX_INFLIGHT_PER_CONTAINER',
    description: "requests one container may have in flight, the rest waiting in the queue; 'auto': as many as the container completes in 5 ms (2 to 16)",
    defaultValue: DEFAULT_MAX_INFLIGHT_PER_CONTAINER,
    parse: autoOrInteger(1, 10_000),
  } satisfies Setting<number | 'auto'>,
  queueLimit: {
    flag: 'queue-limit',
    placeholder: 'n',
    env: 'ACS_QUEUE_LIMIT',
    description: 'requests that may wait for a free container; beyond it: 503',
    defaultValue: DEFAULT_QUEUE_LIMIT,
    parse: integer(0, 1_000_000),
  } satisfies Setting<number>,
  queueTimeoutMs: {
    flag: 'queue-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_QUEUE_TIMEOUT_MS',
    description: 'a request waiting longer for a free container gets 503 with Retry-After',
    defaultValue: DEFAULT_QUEUE_TIMEOUT_MS,
    parse: integer(1, 600_000),
  } satisfies Setting<number>,
  upstreamTimeoutMs: {
    flag: 'upstream-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_UPSTREAM_TIMEOUT_MS',
    description: 'a container that sends no response within this long: 504',
    defaultValue: DEFAULT_UPSTREAM_TIMEOUT_MS,
    parse: integer(1, 3_600_000),
  } satisfies Setting<number>,
  proxyEngine: {
    flag: 'proxy-engine',
    placeholder: 'engine',
    env: 'ACS_PROXY_ENGINE',
    description: `what forwards tier 2's requests (${PROXY_ENGINES.join(', ')}); see packages/proxy/README.md`,
    defaultValue: DEFAULT_PROXY_ENGINE,
    parse: oneOf(PROXY_ENGINES),
  } satisfies Setting<ProxyEngine>,
  dockerSocket: {
    flag: 'docker-socket',
    placeholder: 'path',
    env: 'ACS_DOCKER_SOCKET',
    description: 'Docker Engine API socket',
    defaultValue: DEFAULT_DOCKER_SOCKET,
    parse: text,
  } satisfies Setting<string>,
  readinessTimeoutMs: {
    flag: 'readiness-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_READINESS_TIMEOUT_MS',
    description: 'a new container not answering /healthz by then is removed',
    defaultValue: DEFAULT_READINESS_TIMEOUT_MS,
    parse: integer(100, 3_600_000),
  } satisfies Setting<number>,
  stopGraceSeconds: {
    flag: 'stop-grace-seconds',
    placeholder: 's',
    env: 'ACS_STOP_GRACE_SECONDS',
    description: 'after draining, how long a container has to exit on SIGTERM before SIGKILL',
    defaultValue: DEFAULT_STOP_GRACE_SECONDS,
    parse: integer(0, 3600),
  } satisfies Setting<number>,
  stopContainersOnExit: {
    flag: 'stop-containers-on-exit',
    env: 'ACS_STOP_CONTAINERS_ON_EXIT',
    description: "drain and remove this agent's containers when it stops (otherwise they keep running and a restarted agent adopts them)",
    defaultValue: false,
    parse: boolean,
  } satisfies Setting<boolean>,
  tlsCa: {
    flag: 'tls-ca',
    placeholder: 'file',
    env: 'ACS_TLS_CA',
    description: "PEM CA certificate(s) the VIM's certificate must verify against: connect over TLS (the VIM runs with --tls-cert)",
    defaultValue: undefined,
    defaultText: 'unset: plaintext',
    parse: text as (raw: string) => string | undefined,
  } satisfies Setting<string | undefined>,
  tlsServername: {
    flag: 'tls-servername',
    placeholder: 'name',
    env: 'ACS_TLS_SERVERNAME',
    description: "the name the VIM's certificate must carry (subjectAltName)",
    defaultValue: undefined,
    defaultText: 'the host of --vim',
    parse: text as (raw: string) => string | undefined,
  } satisfies Setting<string | undefined>,
  logLevel: LOG_LEVEL_SETTING,
};

export type VmmSettings = SettingValues<typeof VMM_SETTINGS>;
