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

/** Reads a JSON object body, refusing oversize, non-JSON and non-object bodies with a clear 4xx. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body-too-large', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'bad-json', `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, 'bad-json', 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** The shared JSON answer, plus what an admin API wants: an explicit charset and no caching. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendProxyJson(res, status, body, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
}
