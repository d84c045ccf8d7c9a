import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One JSON object a line on stdout, as log collectors expect. `component` scopes each line; child
 * loggers add per-session keys (agentId, peer) so a grep for one agent shows its whole story.
 */
export function createLogger(component: string, level: LogLevel = 'info'): Logger {
  return pino({
    level,
    base: { component, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Never let a secret reach a log line, even if someone logs a whole config object.
    redact: { paths: ['secret', '*.secret', 'config.secret', 'adminToken', '*.adminToken'], censor: '[redacted]' },
  });
}
