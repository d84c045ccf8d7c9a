export const DEFAULT_VIM_ADDRESS = '127.0.0.1:7070';
export const DEFAULT_MAX_CONTAINERS = 4;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** How long we wait for challenge + welcome once connected. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_BACKOFF_INITIAL_MS = 100;
export const DEFAULT_BACKOFF_MAX_MS = 10_000;
export const AGENT_VERSION = '0.1.0';
export const DEFAULT_FRONT_LISTEN = '127.0.0.1:8081';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
export const DEFAULT_FRONT_POLICY = 'least-connections';
/**
 * The workload is single-threaded and CPU-bound: two in flight keeps it busy without unfair queueing
 * inside it. `auto` (learned from response times) serves cheap requests better, +10-15% zero-work
 * throughput through tier 2, but lets CPU-bound containers hold 2-4, which cost 20 ms requests at
 * 0.5 CPU their tail: p99 129 → 172 ms at 4 connections, 211 → 290-319 ms at 8 (bench/proxy.ts).
 */
export const DEFAULT_MAX_INFLIGHT_PER_CONTAINER: number | 'auto' = 2;
export const DEFAULT_QUEUE_LIMIT = 256;
export const DEFAULT_QUEUE_TIMEOUT_MS = 5000;
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
export const DEFAULT_READINESS_TIMEOUT_MS = 60_000;
export const DEFAULT_STOP_GRACE_SECONDS = 10;
export const RECONCILE_INTERVAL_MS = 5000;
