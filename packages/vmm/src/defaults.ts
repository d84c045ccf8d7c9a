export const DEFAULT_VIM_ADDRESS = '127.0.0.1:7070';
export const DEFAULT_MAX_CONTAINERS = 4;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** How long we wait for challenge + welcome once connected. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_BACKOFF_INITIAL_MS = 100;
export const DEFAULT_BACKOFF_MAX_MS = 10_000;
export const AGENT_VERSION = '0.1.0';
