/**
 * JSON shapes of the VIM's admin API (`/api/v1/...`). The VIM produces them and the `acs` CLI reads
 * them; keeping them here lets the CLI stay a thin HTTP client that never imports the VIM.
 */

export interface HostUsageView {
  cpuPct: number;
  memUsedBytes: number;
  memTotalBytes: number;
  load1: number;
}

export interface ContainerView {
  id: string;
  name: string;
  service: string;
  state: string;
  ready: boolean;
  draining: boolean;
  cpuPct: number;
  memBytes: number;
  inflight: number;
  requestsTotal: number;
  hostPort: number | null;
  /** Tier-2 attempts that failed (connect error, timeout, 5xx), since its agent started; absent from older agents. */
  errorsTotal?: number;
  /** Tier-2 response time over the agent's last report interval, successful requests only. */
  latencyMs?: { p50: number; p99: number; count: number };
  /** Requests tier 2 lets it have in flight right now (fixed, or learned under `auto`); absent from older agents. */
  inflightLimit?: number;
}

export interface VmView {
  id: string;
  hostname: string;
  /** Peer address of the agent's connection. */
  address: string;
  status: 'ready' | 'down';
  downReason: string | null;
  capacity: { maxContainers: number; cpus: number; memoryBytes: number };
  front: { host: string; port: number } | null;
  connectedAt: string;
  lastReportAt: string | null;
  lastReportAgeMs: number | null;
  host: HostUsageView | null;
  /** Whether the agent's Docker Engine answered its last check; null before the first report, or from an older agent. */
  dockerUp: boolean | null;
  /** Tier-2 requests waiting on this VM for a free container, at its last report; null likewise. */
  queued: number | null;
  containers: ContainerView[];
  /** What tier 1 counted for this VM since the VIM started. */
  traffic: { inflight: number; requests: number; errors: number; requestsPerSecond: number; latencyMs: { p50: number; p99: number; count: number } };
}

/** `GET/PUT /api/v1/balancer`: tier-1 settings, and the VMs ejected right now. */
export interface BalancerSettings {
  policy: string;
  upstreamTimeoutMs: number;
  slowStartMs: number;
  /** Consecutive failures (connect error, timeout, 5xx) that eject a VM from the pool. */
  consecutiveFailures: number;
  /** First ejection; doubles on each further ejection of the same VM, up to maxEjectionMs. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** At most this share of the VMs is ejected at once (one always stays). */
  maxEjectedPercent: number;
  ejected: Array<{ vm: string; forMs: number; ejections: number }>;
}

export interface VmListResponse {
  vms: VmView[];
}

/** Body of every non-2xx answer. */
export interface ApiErrorBody {
  error: string;
  message: string;
  /** Validation failures (422): every problem, each naming its field. */
  problems?: Array<{ path: string; message: string }>;
}

export interface ContainerListResponse {
  containers: Array<ContainerView & { vm: string }>;
}

/** Body of `POST /api/v1/vms/:id/containers`; every field optional (defaults: the service's template). */
export interface ContainerStartRequest {
  service?: string;
  image?: string;
  cpus?: number;
  memoryMb?: number;
  workMs?: number;
}

export interface ContainerStartResponse {
  vm: string;
  containerId: string;
  name: string;
  hostPort: number;
}

export interface ContainerStopResponse {
  vm: string;
  containerId: string;
  drained: boolean;
  inflightAtStop: number;
}

// ---- Autoscaling: service, cluster summary, policy, events ----

/** The kinds of event the VIM logs (GET /api/v1/events?kind=). */
export const EVENT_KINDS = [
  /** The recommender ran: inputs, recommendation, chosen count, reason. */
  'decision',
  /** A VM was chosen for a new container: candidates, scores, winner. */
  'placement',
  /** No VM could take a container; retried next period. */
  'insufficient-capacity',
  /** A start or stop command sent to a VMM, and its outcome. */
  'command',
  /** Desired count changed by hand, autoscale switched, policy changed, VM drain asked. */
  'operator',
  'vm-up',
  'vm-down',
  /** A VM's Docker Engine stopped answering its agent: it takes no new containers; its containers stay. */
  'docker-down',
  /** A VM's Docker Engine answers again after a docker-down: it takes containers again. */
  'docker-up',
  'error',
  /** VM-level scaling: a standby VM asked to start or stop, and when it arrived or went (failures are 'error'). */
  'vm-scaling',
  /** An alert the VIM raised (VM lost, Docker unavailable, scaling action failed, capacity exhausted, SLO breach), also sent to the webhooks. */
  'alert',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One entry of the persisted event and action log. */
export interface EventView {
  /** Increasing; `?since=<id>` returns events after it (what `acs events --follow` polls with). */
  id: number;
  at: string;
  kind: EventKind;
  /** The service it concerns; null for cluster-wide events (VM up/down). */
  service: string | null;
  /** One line a person can read. */
  message: string;
  /** Everything the decision or action was based on. */
  data: Record<string, unknown>;
}

/** `GET /api/v1/events?since=<id or ISO time>&kind=<kind>&service=<name>&limit=<n>` (oldest first). */
export interface EventListResponse {
  events: EventView[];
  /** The newest event id in the log (0 when empty): pass it as `since` to get only later ones. */
  lastId: number;
}

/** One service as the autoscaler sees it. */
export interface ServiceView {
  name: string;
  /** False while a manual `scale` pins the count. */
  autoscale: boolean;
  desired: number;
  /** Ready and not draining. */
  ready: number;
  starting: number;
  draining: number;
  minReplicas: number;
  maxReplicas: number;
  strategy: string;
  placement: string;
  /** The last recommender run: null before the first. */
  lastDecision: { at: string; desired: number; reason: string; summary: string } | null;
  /** Batches under way (scale-out, scale-in, move-off-draining-vms); each blocks another of its kind until it ends or times out. */
  actionsInProgress: Array<{ kind: string; startedAt: string; ageMs: number }>;
}

export interface ClusterVmSummary {
  id: string;
  status: 'ready' | 'down';
  /** No new placements; its containers move away. */
  draining: boolean;
  /** Whether its Docker Engine answers (false: no new placements, its containers stay); null when unknown. */
  dockerUp: boolean | null;
  maxContainers: number;
  containers: number;
  ready: number;
  cpuPct: number | null;
  requestsPerSecond: number;
}

/** `GET /api/v1/cluster`. */
export interface ClusterResponse {
  services: ServiceView[];
  vms: ClusterVmSummary[];
}

/** `POST /api/v1/services/:name/scale`: pins the count (autoscale off) until autoscale is switched on. */
export interface ScaleRequest {
  replicas: number;
}

/** `POST /api/v1/services/:name/autoscale`. */
export interface AutoscaleRequest {
  enabled: boolean;
}

/**
 * `GET /api/v1/services/:name/policy`; `PUT` takes a partial object of the same shape, deep-merged into
 * the current one and validated as a whole (422 listing every problem when invalid).
 */
export interface ServicePolicyView {
  service: string;
  /** @acs/scaling's ScalingPolicy as JSON: strategy, minReplicas, maxReplicas, metrics or rules, behavior. */
  scaling: Record<string, unknown>;
  placement: { strategy: string; cpuOvercommit: number; maxHostCpuPct: number };
  /**
   * Predictive scaling: mode off | forecast-only | on; the prediction-interval level provisioned for; the
   * per-container capacity (req/s) assumed until learned; an optional season of `seasonSlots` slots of
   * `seasonSlotSteps` control periods each.
   */
  predictive?: { mode: string; level: number; defaultCapacityRps: number; seasonSlots: number | null; seasonSlotSteps: number };
}

/** `POST /api/v1/vms/:id/drain` (and `DELETE` to take it back). */
export interface DrainResponse {
  vm: string;
  draining: boolean;
}

// ---- Predictive scaling ----

/**
 * `GET /api/v1/services/:name/forecast`: the service's request-rate history (one point per control
 * period), the forecast from now over the horizon with its prediction interval, and how accurate recent
 * forecasts were.
 */
export interface ForecastView {
  service: string;
  /** off | forecast-only | on */
  mode: string;
  /** Seconds per step of history and forecast (the control period). */
  stepSeconds: number;
  /** Oldest first; `rps` null where nothing was observed. */
  history: Array<{ at: string; rps: number | null }>;
  forecast: Array<{ at: string; mean: number; lower: number; upper: number }>;
  /** Prediction-interval level, e.g. 0.95. */
  level: number;
  /** Steps ahead the predictive policy provisions for (p90 start-to-ready time + one control period). */
  horizonSteps: number;
  model: { kind: string; seasonLength: number | null; fittedAt: string | null; params: Record<string, number> } | null;
  accuracy: { mape: number | null; coverage: number | null; samples: number };
  /** What the predictive policy asks for now, and per-container capacity it used (req/s). */
  recommendation: { replicas: number | null; perContainerRps: number | null; summary: string } | null;
}

// ---- Live view (dashboard and `acs top`) ----

/** One second of the cluster as the dashboard charts it; the VIM keeps the last few minutes of them. */
export interface DashboardSample {
  /** Epoch milliseconds. */
  t: number;
  /** Requests that reached tier 1 per second (answered or not). */
  offeredRps: number;
  /** Responses tier 1 completed per second without an error. */
  servedRps: number;
  /** Failed upstream attempts (connect error, timeout, 5xx) per second. */
  errorRps: number;
  /** Tier-1 time to a complete response over the last few seconds; null when nothing completed. */
  latencyMs: { p50: number | null; p99: number | null };
  /** Summed over services. */
  replicas: { desired: number; ready: number; starting: number };
  /** Host CPU % and live container count of the first ready VMs (at most a dozen); null CPU before the first report. */
  vms: Record<string, { cpuPct: number | null; containers: number }>;
}

/** What the dashboard's VM tree shows of a container: the fields of its API view that the tree draws. */
export type DashboardContainer = Pick<ContainerView, 'id' | 'name' | 'service' | 'state' | 'ready' | 'draining' | 'cpuPct' | 'inflight'>;

export interface DashboardVm {
  id: string;
  status: 'ready' | 'down';
  draining: boolean;
  /** Whether its Docker Engine answers; null when unknown. */
  dockerUp: boolean | null;
  cpuPct: number | null;
  maxContainers: number;
  requestsPerSecond: number;
  /** Tier-2 requests waiting for a free container at the last report; null when down, unreported or from an older agent. */
  queued: number | null;
  containers: DashboardContainer[];
}

/** A service's forecast trimmed to what a live chart shows (the full view: GET /api/v1/services/:name/forecast). */
export interface DashboardForecast {
  service: string;
  mode: string;
  level: number;
  /** Observed arrival rate per control period, epoch ms. */
  history: Array<{ t: number; rps: number | null }>;
  forecast: Array<{ t: number; mean: number; lower: number; upper: number }>;
}

/** `GET /api/v1/dashboard/snapshot`, and each `snapshot` message of `GET /api/v1/dashboard/stream`. */
export interface DashboardSnapshot {
  sample: DashboardSample;
  services: ServiceView[];
  /** Ready VMs first, then by id; at most a screenful (see `totalVms`). */
  vms: DashboardVm[];
  totalVms: number;
  /** Services with predictive scaling not off. */
  forecasts: DashboardForecast[];
  /** Newest first. */
  events: EventView[];
}

/** The `history` message a stream starts with: the samples of the last minutes, oldest first. */
export interface DashboardHistory {
  samples: DashboardSample[];
}

// ---- VM-level scaling ----

/** `GET /api/v1/vm-scaling`: the VM provider, its standby VMs, and the VM loop's last decision. */
export interface VmScalingView {
  /** off: the VIM never starts or stops a VM. */
  provider: 'off' | 'process' | 'command';
  settings: { minVms: number; maxVms: number | null; cpuThresholdPct: number; idleCooldownMs: number; startTimeoutMs: number } | null;
  /** The one VM action in flight, if any. */
  inProgress: { action: 'start' | 'stop'; vm: string; startedAt: string; ageMs: number } | null;
  lastDecision: { at: string; action: 'none' | 'start' | 'stop'; vm: string | null; reason: string } | null;
  /** The provider's VMs: standby (not running), starting, running (its agent is connected), stopping. */
  vms: Array<{ name: string; state: 'standby' | 'starting' | 'running' | 'stopping'; pid: number | null; emptyForMs: number | null; backoffUntil: string | null }>;
}
