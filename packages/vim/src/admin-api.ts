import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VmListResponse, VmView } from '@acs/api-types';
import type { HostPort, Logger } from '@acs/daemon';
import type { AgentServer } from './agent-server';
import type { ClusterState, VmRecord } from './cluster-state';

export interface AdminApiDeps {
  cluster: ClusterState;
  agents: AgentServer;
  now: () => number;
  log: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The admin HTTP API. Read-only in this version; every answer is JSON with a stable shape. */
export class AdminApi {
  private readonly server: Server;
  private readonly routes = new Map<string, Handler>();

  constructor(
    private readonly listenOn: HostPort,
    private readonly deps: AdminApiDeps,
  ) {
    this.routes.set('GET /healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
    this.routes.set('GET /api/v1/vms', (_req, res) => sendJson(res, 200, { vms: deps.cluster.list().map((vm) => this.vmView(vm)) } satisfies VmListResponse));
    this.routes.set('GET /api/v1/agent-server', (_req, res) =>
      sendJson(res, 200, { sessions: deps.agents.sessionCounts, ...deps.agents.reportStats.snapshot() }),
    );
    this.routes.set('POST /api/v1/agent-server/reset-lag', (_req, res) => {
      deps.agents.reportStats.resetLag();
      sendJson(res, 200, { status: 'ok' });
    });
    this.server = createServer((req, res) => this.handle(req, res));
    // Slow or idle clients must not hold sockets forever.
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.listenOn.port, this.listenOn.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const handler = this.routes.get(`${req.method ?? 'GET'} ${path}`);
    if (handler) {
      handler(req, res);
      return;
    }
    const allowed = [...this.routes.keys()].filter((key) => key.endsWith(` ${path}`)).map((key) => key.split(' ')[0]!);
    if (allowed.length > 0) {
      res.setHeader('Allow', allowed.join(', '));
      sendJson(res, 405, { error: 'method-not-allowed', message: `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}` });
      return;
    }
    sendJson(res, 404, { error: 'not-found', message: `no route ${req.method} ${path}` });
  }

  private vmView(vm: VmRecord): VmView {
    return {
      id: vm.id,
      hostname: vm.hostname,
      address: vm.address,
      status: vm.status,
      downReason: vm.downReason,
      capacity: vm.capacity,
      front: vm.front,
      connectedAt: new Date(vm.connectedAt).toISOString(),
      lastReportAt: vm.lastReportAt === null ? null : new Date(vm.lastReportAt).toISOString(),
      lastReportAgeMs: vm.lastReportAt === null ? null : this.deps.now() - vm.lastReportAt,
      host: vm.host,
      containers: vm.containers,
    };
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
}
