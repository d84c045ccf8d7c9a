import type { IncomingMessage } from 'node:http';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded, nor are the
 * headers a Connection header names. Framing (transfer-encoding) is redone on each hop.
 */
export const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
export const HOP_BY_HOP_SET = new Set(HOP_BY_HOP);
/** Connection tokens that name no header, so a response carrying only them needs no second pass. */
export const CONNECTION_OPTIONS = new Set(['keep-alive', 'close']);

export function connectionListed(value: string | string[] | number | undefined): string[] {
  if (value === undefined) return [];
  return String(value)
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
}

/** `headers` (a flat name, value array) without the names a Connection header listed. */
export function withoutNames(headers: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (!names.includes(headers[i]!.toLowerCase())) out.push(headers[i]!, headers[i + 1]!);
  return out;
}

/** Idempotent and bodiless: nothing was consumed that could not be sent again. */
export function isReplayable(req: IncomingMessage): boolean {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  return IDEMPOTENT.has(req.method ?? 'GET') && !hasBody;
}
