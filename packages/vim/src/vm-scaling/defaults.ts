/** Longer than a command provider's own default timeout (10 min), plus the agent's boot and connect. */
export const DEFAULT_VM_START_TIMEOUT_MS = 900_000;
