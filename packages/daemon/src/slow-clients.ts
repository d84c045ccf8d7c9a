import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';

/**
 * How long an HTTP client may take at each stage before its connection is cut, so slow or idle clients
 * (slowloris) cannot hold sockets forever.
 */
export interface SlowClientLimits {
  /** A new connection must send complete request headers within this (one sending nothing is cut by then too). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (0: no limit). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection between requests is closed after this. */
  keepAliveTimeoutMs: number;
}

/** The admin API takes small JSON documents: everything must be quick. */
export const ADMIN_HTTP_LIMITS: SlowClientLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };

/**
 * Traffic fronts: headers quickly, but a body may take minutes to upload (the upstream timeout bounds the
 * wait for the answer, not this). Keep-alive above the usual 60 s of client pools, so the client closes first.
 */
export const TRAFFIC_HTTP_LIMITS: SlowClientLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 300_000, keepAliveTimeoutMs: 65_000 };

/**
 * Node checks header and request deadlines on this interval (its default, 30 s, lets a slow client live up to
 * 30 s past its deadline).
 */
const DEADLINE_CHECK_INTERVAL_MS = 1000;

/**
 * An HTTP server enforcing `limits`. Node's header deadline usually cuts a connection that sends nothing too,
 * but not always (on Node 20, with other connections open, such a socket was seen to stay for good), so a
 * socket idle timer, disarmed by the first request, backs it up.
 */
export function createLimitedHttpServer<Req extends typeof IncomingMessage = typeof IncomingMessage, Res extends typeof ServerResponse = typeof ServerResponse>(
  limits: SlowClientLimits,
  handler: RequestListener<Req, Res>,
): Server<Req, Res> {
  const server = createServer<Req, Res>(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS },
    handler,
  );
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node destroys a socket whose idle timer fires when nobody listens for 'timeout': exactly what we want here.
  // It fires after Node's own header check, so a client that sent part of a request gets its 408 first.
  const silentLimitMs = limits.headersTimeoutMs + 2 * DEADLINE_CHECK_INTERVAL_MS;
  server.on('connection', (socket) => socket.setTimeout(silentLimitMs));
  server.on('request', (req: IncomingMessage) => req.socket.setTimeout(0));
  return server;
}
