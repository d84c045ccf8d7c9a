import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiErrorBody, BalancerSettings, ClusterResponse, ClusterVmSummary, DrainResponse, EventListResponse, ForecastView, ServicePolicyView, ServiceView, ContainerListResponse, ContainerStartResponse, ContainerStopResponse, VmListResponse, VmScalingView, VmView } from '@acs/api-types';
import { ADMIN_HTTP_LIMITS, createLimitedHttpServer, type HostPort, type Logger, closeHttpServer, listenOn } from '@acs/daemon';
import type { AgentServer } from './agent-server';
import type { ClusterState, VmRecord } from './cluster-state';
import { ContainerCommands, DEFAULT_DRAIN_TIMEOUT_MS, specFromBody } from './container-commands';
import { HttpError, readJsonBody, refuseUnknownFields, sendJson } from './http-util';
import type { Tier1Front } from './traffic/tier1-front';
import { balancerChangeFromBody } from './balancer-settings';
import { InvalidEventQueryError, parseEventQuery, type EventStore } from './events';
import type { Services } from './scaling/services';
import type { DashboardSnapshot } from '@acs/api-types';
import { DashboardFeed, DashboardStreams, StaticFiles } from './dashboard';
import type { VmScalingController } from './vm-scaling';
import type { VimMetrics } from './metrics';

export interface AdminApiDeps {
  cluster: ClusterState;
  services: Services;
  events: EventStore;
  agents: AgentServer;
  traffic: Tier1Front;
  /** Served as Prometheus text on GET /metrics. */
  metrics: VimMetrics;
  now: () => number;
  adminToken: string | undefined;
  log: Logger;
  /** The VM-level scaling loop, when a VM provider is configured. */
  vmScaling?: () => VmScalingController | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>, url: URL) => void | Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** The admin HTTP API. Read-only in this version; every answer is JSON with a stable shape. */
export class AdminApi {
  private readonly server: Server;
  private readonly routes: Route[] = [];
  private readonly containers: ContainerCommands;
  private readonly feed: DashboardFeed;
  private readonly streams: DashboardStreams;

  constructor(
    private readonly listenOn: HostPort,
    private readonly deps: AdminApiDeps,
  ) {
    this.containers = new ContainerCommands(deps.cluster, deps.agents);
    this.feed = new DashboardFeed(deps, deps.log.child({ part: 'dashboard' }));
    this.streams = new DashboardStreams(this.feed);
    this.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
    this.route('GET', '/api/v1/vms', (_req, res) => sendJson(res, 200, { vms: deps.cluster.list().map((vm) => this.vmView(vm)) } satisfies VmListResponse));
    this.route('GET', '/api/v1/agent-server', (_req, res) =>
      sendJson(res, 200, { sessions: deps.agents.sessionCounts, closes: deps.agents.closeCounts.snapshot(), ...deps.agents.reportStats.snapshot() }),
    );
    this.route('POST', '/api/v1/agent-server/reset-lag', (_req, res) => {
      deps.agents.reportStats.resetLag();
      sendJson(res, 200, { status: 'ok' });
    });
    this.route('GET', '/api/v1/balancer', (_req, res) => sendJson(res, 200, this.balancerView()));
    this.route('PUT', '/api/v1/balancer', async (req, res) => {
      const change = balancerChangeFromBody(await readJsonBody(req));
      try {
        deps.traffic.updateSettings(change);
      } catch (error) {
        if (error instanceof RangeError) throw new HttpError(400, 'invalid-setting', error.message);
        throw error;
      }
      deps.log.info({ change }, 'tier-1 balancer settings changed');
      sendJson(res, 200, this.balancerView());
    });
    this.route('GET', '/api/v1/containers', (_req, res, _params, url) => {
      const vmFilter = url.searchParams.get('vm');
      const containers: ContainerListResponse['containers'] = [];
      for (const vm of deps.cluster.list()) {
        if (vm.status !== 'ready' || (vmFilter !== null && vm.id !== vmFilter)) continue;
        for (const c of vm.containers) containers.push({ vm: vm.id, ...c });
      }
      sendJson(res, 200, { containers } satisfies ContainerListResponse);
    });
    this.route('POST', '/api/v1/vms/:id/containers', async (req, res, params) => {
      const spec = specFromBody(await readJsonBody(req));
      const started = await this.containers.start(params['id']!, spec);
      sendJson(res, 201, { vm: params['id']!, ...started } satisfies ContainerStartResponse);
    });
    this.route('DELETE', '/api/v1/containers/:id', async (_req, res, params, url) => {
      const raw = url.searchParams.get('drainTimeoutMs');
      const drainTimeoutMs = raw === null ? DEFAULT_DRAIN_TIMEOUT_MS : Number(raw);
      if (!Number.isInteger(drainTimeoutMs) || drainTimeoutMs < 0 || drainTimeoutMs > 3_600_000) {
        throw new HttpError(400, 'invalid-drain-timeout', 'drainTimeoutMs: a whole number of milliseconds from 0 to 3600000');
      }
      sendJson(res, 200, (await this.containers.stop(params['id']!, drainTimeoutMs)) satisfies ContainerStopResponse);
    });
    this.serviceRoutes(deps);
    this.dashboardRoutes();
    this.route('GET', '/api/v1/vm-scaling', (_req, res) =>
      sendJson(res, 200, (deps.vmScaling?.()?.view() ?? { provider: 'off', settings: null, inProgress: null, lastDecision: null, vms: [] }) satisfies VmScalingView),
    );
    this.route('GET', '/metrics', async (_req, res) => {
      const { contentType, body } = await deps.metrics.render();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
    });
    this.server = createLimitedHttpServer(ADMIN_HTTP_LIMITS, (req, res) => this.handle(req, res));
  }

  async listen(): Promise<AddressInfo> {
    const address = await listenOn(this.server, this.listenOn);
    this.feed.start();
    return address;
  }

  async close(): Promise<void> {
    this.streams.closeAll();
    this.feed.stop();
    await closeHttpServer(this.server);
  }

  private route(method: string, path: string, handler: Handler): void {
    const names: string[] = [];
    const pattern = new RegExp(`^${path.replace(/:([a-zA-Z]+)/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    this.routes.push({ method, pattern, names, handler });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://admin');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !this.authorized(req)) {
      sendJson(res, 401, { error: 'unauthorized', message: 'this change needs Authorization: Bearer <admin token> (acs --token, or ACS_ADMIN_TOKEN)' } satisfies ApiErrorBody, {
        'WWW-Authenticate': 'Bearer realm="acs-admin"',
      });
      req.resume();
      return;
    }
    const allowed: string[] = [];
    for (const route of this.routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      // HEAD is GET without the body (Node drops what a handler writes), as HTTP requires of GET resources.
      if (route.method !== req.method && !(req.method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
      } catch {
        // A malformed %-escape (e.g. %E0%A4%A) would otherwise throw out of the request listener and end the VIM.
        sendJson(res, 400, { error: 'bad-path', message: `${url.pathname}: malformed percent-encoding` } satisfies ApiErrorBody);
        return;
      }
      // Through a promise even for synchronous handlers, so a throw becomes an error answer, not a crash.
      new Promise<void>((resolve) => resolve(route.handler(req, res, params, url))).catch((error: unknown) => this.fail(res, error));
      return;
    }
    if (allowed.length > 0) {
      sendJson(res, 405, { error: 'method-not-allowed', message: `${req.method} is not allowed on ${url.pathname}; use ${allowed.join(' or ')}` }, { Allow: allowed.join(', ') });
      return;
    }
    sendJson(res, 404, { error: 'not-found', message: `no route ${req.method} ${url.pathname}` });
  }

  /** The autoscaler's routes: cluster summary, per-service policy, scale and autoscale, VM drain, events. */
  private serviceRoutes(deps: AdminApiDeps): void {
    this.route('GET', '/api/v1/cluster', (_req, res) => {
      const vms: ClusterVmSummary[] = deps.cluster.list().map((vm) => ({
        id: vm.id,
        status: vm.status,
        draining: deps.services.isDraining(vm.id),
        dockerUp: vm.dockerUp,
        maxContainers: vm.capacity.maxContainers,
        containers: vm.containers.filter((c) => c.state !== 'exited').length,
        ready: vm.containers.filter((c) => c.ready && !c.draining).length,
        cpuPct: vm.host?.cpuPct ?? null,
        requestsPerSecond: deps.traffic.traffic(vm.id).requestsPerSecond,
      }));
      sendJson(res, 200, { services: deps.services.list(), vms } satisfies ClusterResponse);
    });
    this.route('GET', '/api/v1/services/:name/policy', (_req, res, params) => sendJson(res, 200, deps.services.policyView(params['name']!) satisfies ServicePolicyView));
    this.route('PUT', '/api/v1/services/:name/policy', async (req, res, params) => {
      sendJson(res, 200, deps.services.updatePolicy(params['name']!, await readJsonBody(req)) satisfies ServicePolicyView);
    });
    this.route('GET', '/api/v1/services/:name/forecast', (_req, res, params) => sendJson(res, 200, deps.services.forecastView(params['name']!) satisfies ForecastView));
    this.route('POST', '/api/v1/services/:name/scale', async (req, res, params) => {
      const body = await readJsonBody(req);
      refuseUnknownFields(body, ['replicas']);
      sendJson(res, 200, deps.services.scale(params['name']!, body['replicas']) satisfies ServiceView);
    });
    this.route('POST', '/api/v1/services/:name/autoscale', async (req, res, params) => {
      const body = await readJsonBody(req);
      refuseUnknownFields(body, ['enabled']);
      sendJson(res, 200, deps.services.setAutoscale(params['name']!, body['enabled']) satisfies ServiceView);
    });
    this.route('POST', '/api/v1/vms/:id/drain', (_req, res, params) => sendJson(res, 200, deps.services.drain(params['id']!, true) satisfies DrainResponse));
    this.route('DELETE', '/api/v1/vms/:id/drain', (_req, res, params) => sendJson(res, 200, deps.services.drain(params['id']!, false) satisfies DrainResponse));
    this.route('GET', '/api/v1/events', (_req, res, _params, url) => {
      let query;
      try {
        query = parseEventQuery(url.searchParams);
      } catch (error) {
        if (error instanceof InvalidEventQueryError) throw new HttpError(400, 'invalid-query', error.message, {}, [...error.problems]);
        throw error;
      }
      sendJson(res, 200, deps.events.query(query) satisfies EventListResponse);
    });
  }

  /** The live view: the dashboard page and its files, and the snapshot it (and `acs top`) reads. */
  private dashboardRoutes(): void {
    const files = new StaticFiles();
    this.route('GET', '/', (req, res) => files.serve(req, res, 'index.html'));
    this.route('GET', '/static/:file', (req, res, params) => files.serve(req, res, params['file']!));
    this.route('GET', '/api/v1/dashboard/snapshot', (_req, res) => sendJson(res, 200, this.feed.snapshot() satisfies DashboardSnapshot));
    this.route('GET', '/api/v1/dashboard/stream', (req, res) => this.streams.serve(req, res));
  }

  private balancerView(): BalancerSettings {
    const now = this.deps.now();
    return {
      ...this.deps.traffic.settings,
      ejected: this.deps.traffic.ejected().map((e) => ({ vm: e.id, forMs: Math.max(0, e.until - now), ejections: e.ejections })),
    };
  }

  /** Changes need the token when one is configured; compared in constant time. */
  private authorized(req: IncomingMessage): boolean {
    const token = this.deps.adminToken;
    if (token === undefined) return true;
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const given = createHash('sha256').update(match[1]!).digest();
    return timingSafeEqual(given, createHash('sha256').update(token).digest());
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpError) {
      sendJson(res, error.status, { error: error.code, message: error.message, ...(error.problems ? { problems: error.problems } : {}) } satisfies ApiErrorBody, error.headers);
      return;
    }
    this.deps.log.error({ err: error }, 'admin API handler failed');
    sendJson(res, 500, { error: 'internal', message: 'internal error; see the VIM log' } satisfies ApiErrorBody);
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
      dockerUp: vm.dockerUp,
      queued: vm.queued,
      containers: vm.containers,
      traffic: this.deps.traffic.traffic(vm.id),
    };
  }
}
