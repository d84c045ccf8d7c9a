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
 * `auto`: each container may hold as many requests as it completes in 5 ms, at least 2 and at most 16
 * (AdaptiveConcurrencyLimit). The workload is single-threaded: CPU-bound containers stay at 2, which keeps
 * them busy without unfair queueing inside them (what the fixed cap of 2 did), while cheap requests are
 * no longer held to two per round trip between the front and the container (bench/proxy.ts).
 */
export const DEFAULT_MAX_INFLIGHT_PER_CONTAINER: number | 'auto' = 'auto';
export const DEFAULT_QUEUE_LIMIT = 256;
export const DEFAULT_QUEUE_TIMEOUT_MS = 5000;
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
export const DEFAULT_READINESS_TIMEOUT_MS = 60_000;
export const DEFAULT_STOP_GRACE_SECONDS = 10;
export const RECONCILE_INTERVAL_MS = 5000;
