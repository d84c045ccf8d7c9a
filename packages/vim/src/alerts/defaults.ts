/** Alerting defaults, units in the names. */
/** At most one alert per kind and subject this often. */
export const DEFAULT_ALERT_MIN_INTERVAL_MS = 300_000;
/** Tier-1 p99 must stay over the objective this long to be a breach. */
export const DEFAULT_SLO_BREACH_SECONDS = 30;
/** Tier-1 latency is sampled this often for the SLO. */
export const SLO_SAMPLE_INTERVAL_MS = 1000;
/** A webhook attempt with no answer within this long is aborted. */
export const ALERT_ATTEMPT_TIMEOUT_MS = 5000;
/** Attempts per alert and webhook, and the backoff between them (1 s, 2 s, 4 s). */
export const ALERT_MAX_ATTEMPTS = 4;
export const ALERT_FIRST_RETRY_MS = 1000;
export const ALERT_MAX_RETRY_MS = 30_000;
/** Alerts waiting per webhook; past this the oldest is dropped. */
export const ALERT_QUEUE_SIZE = 100;
