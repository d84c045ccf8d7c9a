/**
 * Parsers for setting values. Each takes the raw text (from a flag, the environment or a config file)
 * and returns the typed value or throws an Error whose message completes "expected …".
 */
export type Parser<T> = (raw: string) => T;

export interface HostPort {
  host: string;
  port: number;
}

export const text: Parser<string> = (raw) => {
  if (raw.length === 0) throw new Error('a non-empty value');
  return raw;
};

export function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new Error(`a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export const port = integer(0, 65535);

/** `host:port`, `:port` or `[v6]:port`; port 0 asks the OS for a free one (tests use it). */
export const hostPort: Parser<HostPort> = (raw) => {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(raw.trim());
  const portNumber = match ? Number(match[3]) : NaN;
  const host = match ? (match[1] ?? (match[2] || '127.0.0.1')) : '';
  const hostOk = match?.[1] !== undefined ? /^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/.test(host) : /^[A-Za-z0-9.-]+$/.test(host);
  if (!match || portNumber > 65535 || !hostOk) throw new Error('host:port, e.g. 127.0.0.1:7070');
  return { host, port: portNumber };
};

export function oneOf<const T extends string>(allowed: readonly T[]): Parser<T> {
  return (raw) => {
    if (!(allowed as readonly string[]).includes(raw)) throw new Error(`one of ${allowed.join(', ')}`);
    return raw as T;
  };
}

export const boolean: Parser<boolean> = (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error('true or false');
};

export function formatHostPort(value: HostPort): string {
  return value.host.includes(':') ? `[${value.host}]:${value.port}` : `${value.host}:${value.port}`;
}
