/** Defaults in one place, with units in the names. */
export const DEFAULT_AGENT_LISTEN = '127.0.0.1:7070';
export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:9090';
export const DEFAULT_HTTP_LISTEN = '127.0.0.1:8080';
export const DEFAULT_BALANCER_POLICY = 'p2c';
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;
/** A VM joining the pool gets a growing share over this long, not a full one at once. */
export const DEFAULT_SLOW_START_MS = 10_000;
export const DEFAULT_DATA_DIR = './.acs';
export const DEFAULT_REPORT_INTERVAL_MS = 1000;
/** Three missed reports. */
export const HEARTBEAT_TIMEOUT_REPORTS = 3;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** An agent that lets this much of our output pile up unread is not keeping up; drop it. */
export const MAX_UNREAD_OUTPUT_BYTES = 4 * 1024 * 1024;
/** How often the server checks deadlines (handshake, heartbeat) and sends pings. */
export const SWEEP_INTERVAL_MS = 250;
/** Ping an agent we have sent nothing else for this long (see the liveness note in protocol/messages.ts). */
export const DEFAULT_PING_INTERVAL_MS = 5000;
/** Longest wait after a restart for the VMs seen before to come back before reconciling without them. */
export const DEFAULT_STARTUP_GRACE_MS = 30_000;
export const DEFAULT_EVENT_RETENTION_DAYS = 7;
