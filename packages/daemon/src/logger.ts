import pino, { type Logger } from 'pino';
import { oneOf } from './parsers';
import type { Setting } from './settings';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `--log-level`, the same for every daemon. */
export const LOG_LEVEL_SETTING = {
  flag: 'log-level',
  placeholder: 'level',
  env: 'ACS_LOG_LEVEL',
  description: `log verbosity (${LOG_LEVELS.join(', ')})`,
  defaultValue: 'info',
  parse: oneOf(LOG_LEVELS),
} satisfies Setting<LogLevel>;

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
