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
