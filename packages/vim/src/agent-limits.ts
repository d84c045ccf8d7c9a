/**
 * Limits on what unauthenticated agent connections may cost the VIM, and the count of why connections ended.
 */

/**
 * Connections still in the handshake at once. Real agents finish theirs in a round trip; 1024 covers a whole
 * fleet reconnecting after a VIM restart at the design's 10,000 agents (their backoff spreads them out), while
 * a flood of connections that never authenticate is refused at once rather than held until its deadline.
 */
export const MAX_HANDSHAKING_SESSIONS = 1024;

/** A flood is refused connection by connection but logged once per this interval, not once per socket. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** Bytes an agent may send before it is welcomed: a hello is a few hundred; a frame of up to 1 MiB is not. */
export const MAX_HANDSHAKE_BYTES = 16 * 1024;

/** Counters of connection endings by reason (`protocol-error`, `rejected:bad-proof`, `tls-error`…). */
export class CloseCounts {
  private readonly counts = new Map<string, number>();

  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** What a failed TLS handshake on the agent port most likely means, for the operator reading the log. */
export function tlsFailureHint(error: NodeJS.ErrnoException): string {
  if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
    return 'the peer never started a TLS handshake: an agent without --tls-ca speaks plaintext, which this TLS agent port refuses';
  }
  if (/wrong version number|http request|unknown protocol|unsupported protocol|packet length too long/i.test(error.message)) {
    return 'the peer sent plaintext: agents must connect with --tls-ca when the VIM has --tls-cert';
  }
  return 'the peer failed the TLS handshake (does it trust this certificate? see --tls-ca on the agent)';
}
