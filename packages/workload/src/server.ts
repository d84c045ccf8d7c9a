import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { burnCpu } from './burn';
import type { WorkloadConfig } from './config';

export interface WorkloadStats {
  inflight: number;
  served: number;
  cpuTimeMs: number;
  uptimeMs: number;
}

export interface RunningWorkload {
  server: Server;
  address: AddressInfo;
  stats(): WorkloadStats;
  /** Stops accepting, lets requests in flight finish (up to the grace period), then resolves. */
  shutdown(): Promise<void>;
}

/**
 * The web server that runs in each container: every request to `/` burns WORK_MS of CPU and says who
 * served it, so balancing and scaling can be seen and measured from the outside.
 */
export async function startWorkload(config: WorkloadConfig, host = '0.0.0.0'): Promise<RunningWorkload> {
  const startedAt = Date.now();
  let inflight = 0;
  let served = 0;
  let stopping = false;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://workload');
    if (stopping) res.setHeader('Connection', 'close');
    if (url.pathname === '/upload') {
      if (req.method !== 'POST') {
        send(res, 405, { error: 'method-not-allowed', message: 'POST a body to /upload' }, { Allow: 'POST' });
        return;
      }
      receiveUpload(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { error: 'method-not-allowed', message: 'only GET is served' }, { Allow: 'GET, HEAD' });
      return;
    }
    switch (url.pathname) {
      case '/healthz':
        send(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ok' });
        return;
      case '/stats':
        send(res, 200, stats());
        return;
      case '/download': {
        const mb = url.searchParams.get('mb') ?? '';
        if (!/^\d{1,3}$/.test(mb) || Number(mb) > MAX_DOWNLOAD_MB) {
          send(res, 400, { error: 'bad-mb', message: `mb must be a whole number from 0 to ${MAX_DOWNLOAD_MB}` });
          return;
        }
        streamBytes(res, Number(mb) * 1024 * 1024);
        return;
      }
      case '/':
      case '/work': {
        let ms = config.workMs;
        const asked = url.searchParams.get('ms');
        if (url.pathname === '/work' && asked !== null) {
          ms = /^\d{1,9}$/.test(asked) ? Number(asked) : NaN;
          if (!(ms >= 0 && ms <= config.maxWorkMs)) {
            send(res, 400, { error: 'bad-ms', message: `ms must be a whole number from 0 to ${config.maxWorkMs}` });
            return;
          }
        }
        inflight++;
        const cpuMs = burnCpu(ms);
        inflight--;
        served++;
        send(res, 200, { container: config.container, vm: config.vm, service: config.service, workMs: ms, cpuMs: Math.round(cpuMs * 100) / 100 });
        return;
      }
      default:
        send(res, 404, { error: 'not-found', message: `no route ${url.pathname}` });
    }
  };

  const stats = (): WorkloadStats => {
    const cpu = process.cpuUsage();
    return { inflight, served, cpuTimeMs: (cpu.user + cpu.system) / 1000, uptimeMs: Date.now() - startedAt };
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });

  return {
    server,
    address: server.address() as AddressInfo,
    stats,
    async shutdown() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open; busy ones finish their request first
      // (their response carries Connection: close).
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, config.graceMs).unref());
      await Promise.race([closed, grace]);
      server.closeAllConnections();
    },
  };
}

/** Limits that keep the streaming endpoints (for testing large bodies through the balancers) bounded. */
const MAX_DOWNLOAD_MB = 100;
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Counts and hashes an uploaded body as it streams in; never holds it. */
function receiveUpload(req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha256');
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_UPLOAD_BYTES) {
      send(res, 413, { error: 'too-large', message: `uploads are limited to ${MAX_UPLOAD_BYTES} bytes` }, { Connection: 'close' });
      req.destroy();
      return;
    }
    hash.update(chunk);
  });
  req.on('end', () => {
    if (!res.headersSent) send(res, 200, { bytes, sha256: hash.digest('hex') });
  });
}

/** Streams `total` bytes of 'a' with backpressure, so memory stays flat whatever the size. */
function streamBytes(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  let left = total;
  const pump = (): void => {
    while (left > 0) {
      const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
