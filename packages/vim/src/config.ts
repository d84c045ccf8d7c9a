import { POLICY_NAMES, type PolicyName } from '@acs/balancing';
import { DEFAULT_PROXY_ENGINE, PROXY_ENGINES, type ProxyEngine } from '@acs/proxy';
import { DEFAULT_PLACEMENT_STRATEGY, PLACEMENT_STRATEGY_NAMES, ScalingPolicyError, validateScalingPolicy, type PlacementStrategyName } from '@acs/scaling';
import { hostPort, integer, LOG_LEVEL_SETTING, oneOf, text, type HostPort, type Setting, type SettingValues } from '@acs/daemon';
import {
  DEFAULT_ADMIN_LISTEN,
  DEFAULT_BALANCER_POLICY,
  DEFAULT_HTTP_LISTEN,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  DEFAULT_SLOW_START_MS,
  DEFAULT_AGENT_LISTEN,
  DEFAULT_DATA_DIR,
  DEFAULT_EVENT_RETENTION_DAYS,
  DEFAULT_STARTUP_GRACE_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_REPORT_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  HEARTBEAT_TIMEOUT_REPORTS,
} from './defaults';
import { VM_PROVIDER_KINDS, readProviderConfigFile, type VmProviderKind } from './vm-scaling/provider-config';
import { DEFAULT_VM_START_TIMEOUT_MS } from './vm-scaling/defaults';
import { DEFAULT_MIN_VMS, DEFAULT_VM_CPU_THRESHOLD_PCT, DEFAULT_VM_IDLE_COOLDOWN_MS } from '@acs/scaling';
import { DEFAULT_ALERT_MIN_INTERVAL_MS, DEFAULT_SLO_BREACH_SECONDS } from './alerts/defaults';
import { webhookUrls } from './alerts/webhook-urls';

const optionalText = text as (raw: string) => string | undefined;
const optionalInteger = (min: number, max: number): ((raw: string) => number | undefined) => integer(min, max);

export const VIM_SETTINGS = {
  agentListen: {
    flag: 'agent-listen',
    placeholder: 'host:port',
    env: 'ACS_AGENT_LISTEN',
    description: 'where VMM agents connect (raw TCP)',
    defaultValue: hostPort(DEFAULT_AGENT_LISTEN),
    defaultText: DEFAULT_AGENT_LISTEN,
    parse: hostPort,
  } satisfies Setting<HostPort>,
  adminListen: {
    flag: 'admin-listen',
    placeholder: 'host:port',
    env: 'ACS_ADMIN_LISTEN',
    description: 'admin API (HTTP)',
    defaultValue: hostPort(DEFAULT_ADMIN_LISTEN),
    defaultText: DEFAULT_ADMIN_LISTEN,
    parse: hostPort,
  } satisfies Setting<HostPort>,
  httpListen: {
    flag: 'http-listen',
    placeholder: 'host:port',
    env: 'ACS_HTTP_LISTEN',
    description: 'traffic front (tier 1): clients send their requests here',
    defaultValue: hostPort(DEFAULT_HTTP_LISTEN),
    defaultText: DEFAULT_HTTP_LISTEN,
    parse: hostPort,
  } satisfies Setting<HostPort>,
  balancerPolicy: {
    flag: 'balancer-policy',
    placeholder: 'policy',
    env: 'ACS_BALANCER_POLICY',
    description: `how tier 1 picks a VM (${POLICY_NAMES.join(', ')}); switchable at runtime with PUT /api/v1/balancer`,
    defaultValue: DEFAULT_BALANCER_POLICY,
    parse: oneOf(POLICY_NAMES),
  } satisfies Setting<PolicyName>,
  upstreamTimeoutMs: {
    flag: 'upstream-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_UPSTREAM_TIMEOUT_MS',
    description: 'a VM front that sends no response within this long: 504',
    defaultValue: DEFAULT_UPSTREAM_TIMEOUT_MS,
    parse: integer(1, 3_600_000),
  } satisfies Setting<number>,
  proxyEngine: {
    flag: 'proxy-engine',
    placeholder: 'engine',
    env: 'ACS_PROXY_ENGINE',
    description: `what forwards tier 1's requests (${PROXY_ENGINES.join(', ')}); see packages/proxy/README.md`,
    defaultValue: DEFAULT_PROXY_ENGINE,
    parse: oneOf(PROXY_ENGINES),
  } satisfies Setting<ProxyEngine>,
  slowStartMs: {
    flag: 'slow-start-ms',
    placeholder: 'ms',
    env: 'ACS_SLOW_START_MS',
    description: "a VM joining the pool gets a share growing to its full weight over this long (0: off)",
    defaultValue: DEFAULT_SLOW_START_MS,
    parse: integer(0, 3_600_000),
  } satisfies Setting<number>,
  dataDir: {
    flag: 'data-dir',
    placeholder: 'dir',
    env: 'ACS_DATA_DIR',
    description: 'where the VIM keeps its state, including a generated agent secret',
    defaultValue: DEFAULT_DATA_DIR,
    parse: text,
  } satisfies Setting<string>,
  secretFile: {
    flag: 'secret-file',
    placeholder: 'path',
    env: 'ACS_SECRET_FILE',
    description: 'file holding the shared agent secret (ACS_SECRET gives it directly); generated in the data dir if neither is set',
    defaultValue: undefined,
    defaultText: '<data-dir>/agent-secret',
    parse: optionalText,
  } satisfies Setting<string | undefined>,
  adminTokenFile: {
    flag: 'admin-token-file',
    placeholder: 'path',
    env: 'ACS_ADMIN_TOKEN_FILE',
    description: 'file holding the bearer token every admin API change must carry (or give it in ACS_ADMIN_TOKEN); required when the admin API is not on loopback',
    defaultValue: undefined,
    parse: text as (raw: string) => string | undefined,
  } satisfies Setting<string | undefined>,
  reportIntervalMs: {
    flag: 'report-interval-ms',
    placeholder: 'ms',
    env: 'ACS_REPORT_INTERVAL_MS',
    description: 'how often agents report',
    defaultValue: DEFAULT_REPORT_INTERVAL_MS,
    parse: integer(50, 60_000),
  } satisfies Setting<number>,
  heartbeatTimeoutMs: {
    flag: 'heartbeat-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_HEARTBEAT_TIMEOUT_MS',
    description: 'an agent silent this long is marked down and its socket closed',
    defaultValue: undefined,
    defaultText: `${HEARTBEAT_TIMEOUT_REPORTS} × report interval`,
    parse: optionalInteger(100, 600_000),
  } satisfies Setting<number | undefined>,
  pingIntervalMs: {
    flag: 'ping-interval-ms',
    placeholder: 'ms',
    env: 'ACS_PING_INTERVAL_MS',
    description: 'ping an agent we have sent nothing else for this long; agents reconnect after 3 missed pings',
    defaultValue: DEFAULT_PING_INTERVAL_MS,
    parse: integer(100, 600_000),
  } satisfies Setting<number>,
  handshakeTimeoutMs: {
    flag: 'handshake-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_HANDSHAKE_TIMEOUT_MS',
    description: 'a connection must authenticate within this time or is closed',
    defaultValue: DEFAULT_HANDSHAKE_TIMEOUT_MS,
    parse: integer(100, 600_000),
  } satisfies Setting<number>,
  requestTimeoutMs: {
    flag: 'request-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_REQUEST_TIMEOUT_MS',
    description: 'how long a command to an agent may take before it fails',
    defaultValue: DEFAULT_REQUEST_TIMEOUT_MS,
    parse: integer(100, 3_600_000),
  } satisfies Setting<number>,
  scalingPolicy: {
    flag: 'scaling-policy',
    placeholder: 'json',
    env: 'ACS_SCALING_POLICY',
    description:
      'the web service\'s scaling policy on a first start, as JSON, e.g. \'{"maxReplicas":8,"behavior":{"scaleDown":{"stabilizationWindowS":30}}}\' (later changes: PUT /api/v1/services/web/policy, kept in the data dir)',
    defaultValue: {},
    defaultText: 'HPA defaults: cpu 60%, 1–12 containers',
    parse: scalingPolicyJson,
  } satisfies Setting<Record<string, unknown>>,
  placementStrategy: {
    flag: 'placement-strategy',
    placeholder: 'strategy',
    env: 'ACS_PLACEMENT_STRATEGY',
    description: `where new containers go on a first start (${PLACEMENT_STRATEGY_NAMES.join(', ')}); later: acs policy set placement.strategy=...`,
    defaultValue: DEFAULT_PLACEMENT_STRATEGY,
    parse: oneOf(PLACEMENT_STRATEGY_NAMES),
  } satisfies Setting<PlacementStrategyName>,
  reconcile: {
    flag: 'reconcile',
    placeholder: 'on|off',
    env: 'ACS_RECONCILE',
    description: 'off: the VIM starts and stops no container on its own (no autoscaling; containers only by hand with acs container start|stop)',
    defaultValue: true,
    defaultText: 'on',
    parse: onOff,
  } satisfies Setting<boolean>,
  startupGraceMs: {
    flag: 'startup-grace-ms',
    placeholder: 'ms',
    env: 'ACS_STARTUP_GRACE_MS',
    description: 'after a restart, start or stop no container until the VMs seen before are back, or this long has passed',
    defaultValue: DEFAULT_STARTUP_GRACE_MS,
    parse: integer(0, 3_600_000),
  } satisfies Setting<number>,
  eventRetentionDays: {
    flag: 'event-retention-days',
    placeholder: 'days',
    env: 'ACS_EVENT_RETENTION_DAYS',
    description: 'events older than this are pruned from the event log (data-dir/events.sqlite)',
    defaultValue: DEFAULT_EVENT_RETENTION_DAYS,
    parse: integer(1, 3650),
  } satisfies Setting<number>,
  tlsCert: {
    flag: 'tls-cert',
    placeholder: 'file',
    env: 'ACS_TLS_CERT',
    description: 'PEM certificate (chain) for the agent port: with --tls-key, agents must connect over TLS (acs-vmm --tls-ca)',
    defaultValue: undefined,
    defaultText: 'unset: plaintext agent port',
    parse: optionalText,
  } satisfies Setting<string | undefined>,
  tlsKey: {
    flag: 'tls-key',
    placeholder: 'file',
    env: 'ACS_TLS_KEY',
    description: "PEM private key of --tls-cert",
    defaultValue: undefined,
    parse: optionalText,
  } satisfies Setting<string | undefined>,
  vmProvider: {
    flag: 'vm-provider',
    placeholder: 'off|process|command',
    env: 'ACS_VM_PROVIDER',
    description: 'VM-level scaling: how standby VMs are started and stopped when every VM is full or busy (process: extra local acs-vmm processes; command: configured commands such as vagrant up/halt); needs --vm-provider-config',
    defaultValue: 'off',
    parse: oneOf(VM_PROVIDER_KINDS),
  } satisfies Setting<VmProviderKind>,
  vmProviderConfig: {
    flag: 'vm-provider-config',
    placeholder: 'file',
    env: 'ACS_VM_PROVIDER_CONFIG',
    description: 'JSON file for the VM provider: standby "vms", and "start"/"stop" argument arrays with {vm} (command) or "vmm", "maxContainers" (process); see packages/vim/README.md',
    defaultValue: undefined,
    parse: readProviderConfigFile as (raw: string) => Record<string, unknown> | undefined,
  } satisfies Setting<Record<string, unknown> | undefined>,
  minVms: {
    flag: 'min-vms',
    placeholder: 'n',
    env: 'ACS_MIN_VMS',
    description: 'VM-level scaling never stops a VM when that would leave fewer ready VMs than this',
    defaultValue: DEFAULT_MIN_VMS,
    parse: integer(0, 10_000),
  } satisfies Setting<number>,
  maxVms: {
    flag: 'max-vms',
    placeholder: 'n',
    env: 'ACS_MAX_VMS',
    description: 'VM-level scaling starts no VM when this many are ready',
    defaultValue: undefined,
    defaultText: 'no bound but the standby list',
    parse: optionalInteger(1, 10_000),
  } satisfies Setting<number | undefined>,
  vmCpuThreshold: {
    flag: 'vm-cpu-threshold',
    placeholder: 'pct',
    env: 'ACS_VM_CPU_THRESHOLD',
    description: 'a VM at or above this host CPU % counts as busy (a VM is added when every VM is full or busy and containers are unplaced)',
    defaultValue: DEFAULT_VM_CPU_THRESHOLD_PCT,
    parse: integer(1, 100),
  } satisfies Setting<number>,
  vmIdleCooldownMs: {
    flag: 'vm-idle-cooldown-ms',
    placeholder: 'ms',
    env: 'ACS_VM_IDLE_COOLDOWN_MS',
    description: 'a VM the provider manages is stopped after standing empty this long',
    defaultValue: DEFAULT_VM_IDLE_COOLDOWN_MS,
    parse: integer(0, 86_400_000),
  } satisfies Setting<number>,
  vmStartTimeoutMs: {
    flag: 'vm-start-timeout-ms',
    placeholder: 'ms',
    env: 'ACS_VM_START_TIMEOUT_MS',
    description: "a started VM whose agent has not connected after this long counts as failed (and backs off)",
    defaultValue: DEFAULT_VM_START_TIMEOUT_MS,
    parse: integer(1000, 3_600_000),
  } satisfies Setting<number>,
  alertWebhooks: {
    flag: 'alert-webhook',
    placeholder: 'url[,url...]',
    env: 'ACS_ALERT_WEBHOOK',
    description: 'POST every alert (vm-lost, docker-unavailable, scaling-action-failed, capacity-exhausted, slo-breach) as JSON to these http(s) URLs, comma-separated',
    defaultValue: [],
    defaultText: 'none: alerts are only events in the log',
    parse: webhookUrls,
  } satisfies Setting<string[]>,
  alertMinIntervalMs: {
    flag: 'alert-min-interval-ms',
    placeholder: 'ms',
    env: 'ACS_ALERT_MIN_INTERVAL_MS',
    description: 'at most one alert per kind and subject (service or VM) this often; the next one says how many were held back',
    defaultValue: DEFAULT_ALERT_MIN_INTERVAL_MS,
    parse: integer(0, 86_400_000),
  } satisfies Setting<number>,
  sloP99Ms: {
    flag: 'slo-p99-ms',
    placeholder: 'ms',
    env: 'ACS_SLO_P99_MS',
    description: 'tier-1 p99 latency objective: an slo-breach alert when p99 stays above it for --slo-breach-seconds; no scale-down while p99 is above it',
    defaultValue: undefined,
    defaultText: 'unset: no SLO alert or hold',
    parse: optionalInteger(1, 600_000),
  } satisfies Setting<number | undefined>,
  sloBreachSeconds: {
    flag: 'slo-breach-seconds',
    placeholder: 's',
    env: 'ACS_SLO_BREACH_SECONDS',
    description: 'how long tier-1 p99 must stay above --slo-p99-ms before it is a breach',
    defaultValue: DEFAULT_SLO_BREACH_SECONDS,
    parse: integer(1, 86_400),
  } satisfies Setting<number>,
  logLevel: LOG_LEVEL_SETTING,
};

function onOff(raw: string): boolean {
  if (raw === 'on' || raw === 'true') return true;
  if (raw === 'off' || raw === 'false') return false;
  throw new Error('on or off');
}

/** Parses and validates a scaling policy given as JSON, listing every problem at once. */
function scalingPolicyJson(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`a JSON object (${(error as Error).message})`);
  }
  try {
    validateScalingPolicy(parsed);
  } catch (error) {
    if (error instanceof ScalingPolicyError) throw new Error(`a valid scaling policy: ${error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    throw error;
  }
  return parsed as Record<string, unknown>;
}

export type VimSettings = SettingValues<typeof VIM_SETTINGS>;

export interface VimConfig extends Omit<VimSettings, 'heartbeatTimeoutMs' | 'secretFile' | 'tlsCert' | 'tlsKey'> {
  heartbeatTimeoutMs: number;
  secret: Buffer;
}

export function heartbeatTimeoutFor(settings: Pick<VimSettings, 'heartbeatTimeoutMs' | 'reportIntervalMs'>): number {
  return settings.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_REPORTS * settings.reportIntervalMs;
}
