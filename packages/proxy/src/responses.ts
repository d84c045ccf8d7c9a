import type { ServerResponse } from 'node:http';

/** Seconds a client is told to wait after a 503 (RFC 9110 Retry-After). */
export const RETRY_AFTER_SECONDS = '1';

/** Echoes the request's X-Request-Id (Forwarder.requestId keeps it on the request, not the response). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  const requestId = (res.req as ServerResponse['req'] | undefined)?.headers['x-request-id'];
  const echo = typeof requestId === 'string' ? { 'X-Request-Id': requestId } : {};
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...echo, ...headers });
  res.end(payload);
}

/** 503 with Retry-After and a JSON reason: the one way both tiers say "not now". */
export function sendUnavailable(res: ServerResponse, error: string, message: string): void {
  if (res.headersSent || res.destroyed) return;
  sendJson(res, 503, { error, message }, { 'Retry-After': RETRY_AFTER_SECONDS });
}
