import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson as sendProxyJson } from '@acs/proxy';

/** An answer for the client, carrying its HTTP status and a stable error code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Validation failures, each naming its field (sent as `problems`). */
    readonly problems?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Largest admin request body we read; the API takes small JSON documents only. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON object body, refusing non-JSON content types (415), oversize (413), non-JSON and non-object
 * bodies (400) with a clear answer. An oversize body is counted as it streams and reading stops at the limit:
 * the answer says to close the connection, so the rest is never read.
 */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !isJsonContentType(req.headers['content-type'])) {
    req.pause();
    const got = req.headers['content-type'] ?? 'no Content-Type';
    throw new HttpError(415, 'unsupported-media-type', `request body must be JSON (Content-Type: application/json), got ${got}`, CLOSE_CONNECTION);
  }
  if (declared > MAX_BODY_BYTES) throw bodyTooLarge(req);
  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        reject(bodyTooLarge(req));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'bad-json', `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'bad-json', 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function isJsonContentType(value: string | undefined): boolean {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[a-z0-9.+-]+\+json$/.test(type));
}

const CLOSE_CONNECTION = { connection: 'close' };

/** Stops reading: the answer closes the connection, so the client's remaining bytes are never taken in. */
function bodyTooLarge(req: IncomingMessage): HttpError {
  req.pause();
  return new HttpError(413, 'body-too-large', `request body over ${MAX_BODY_BYTES} bytes`, CLOSE_CONNECTION);
}

/** The shared JSON answer, plus what an admin API wants: an explicit charset and no caching. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendProxyJson(res, status, body, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
}

/**
 * Refuses a body naming a field the route does not take, the way the autoscaler routes report problems
 * (422 with each field named), so a typo like `{"replica": 3}` is not silently a no-op.
 */
export function refuseUnknownFields(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const problems = unknown.map((path) => ({ path, message: `unknown field (expected ${known.join(', ')})` }));
  throw new HttpError(422, 'invalid-policy', problems.map((p) => `${p.path}: ${p.message}`).join('; '), {}, problems);
}
