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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
