import { isIPv4 } from 'node:net';
import { UsageError } from './errors';

export const DEFAULT_TARGET = 'http://127.0.0.1:8080/';

/** True for localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped ::ffff:127.x.y.z). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * The URL requests go to: the target, with `/work?ms=N` appended to its path when --work-ms is given. A load
 * generator aimed at someone else's server is an attack, so anything but loopback needs --allow-remote.
 */
export function resolveTarget(raw: string, workMs: number | undefined, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--target is not a URL: '${raw}'`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--target must be an http:// URL, got '${url.protocol}'`);
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw new UsageError(`refusing to load ${url.host}: not a loopback address (127.0.0.0/8, ::1, localhost); add --allow-remote if you own it`);
  }
  if (workMs !== undefined) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/work`;
    url.search = `?ms=${workMs}`;
  }
  return url;
}
