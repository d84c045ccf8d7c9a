/**
 * The dashboard's HTTP side against a real acs-vim process: static files (content types, caching, CSP,
 * path traversal), the snapshot, and the live stream (SSE framing, the cap on open streams, cleanup when a
 * client goes away). No agents needed.
 */
import { request, type IncomingMessage } from 'node:http';
import type { DashboardHistory, DashboardSnapshot } from '@acs/api-types';
import { eventually, getJson, startVimProcess, type VimProcess } from './support/lab';
import { ProcessGroup } from './support/processes';

const group = new ProcessGroup();
let vim: VimProcess;

beforeAll(async () => {
  vim = await startVimProcess(group);
});

afterAll(() => group.cleanup());

interface RawAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A GET with the path sent byte for byte: fetch() would normalise `..` away before the VIM saw it. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: vim.adminPort, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (t: string) => (body += t));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the stream and resolves once its answer's head (and, for a 200, the first message) arrived. */
function openStream(): Promise<{ res: IncomingMessage; first: Promise<string>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: vim.adminPort, path: '/api/v1/dashboard/stream' }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      const first = new Promise<string>((resolveText) => {
        res.on('data', (t: string) => {
          text += t;
          if (text.includes('event: snapshot')) resolveText(text);
        });
        res.on('end', () => resolveText(text));
      });
      resolve({ res, first, close: () => req.destroy() });
    });
    req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)));
    req.end();
  });
}

test('GET / serves the page with its content type, no-cache, a CSP and nosniff', async () => {
  const page = await rawGet('/');
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(page.headers['cache-control']).toBe('no-cache');
  expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect(page.body).toContain('<script src="/static/dashboard.js"');
  // Every file the page references is there with the right type: nothing comes from a CDN.
  const expected: Record<string, string> = {
    '/static/dashboard.js': 'text/javascript; charset=utf-8',
    '/static/dashboard.css': 'text/css; charset=utf-8',
    '/static/uPlot.iife.min.js': 'text/javascript; charset=utf-8',
    '/static/uPlot.min.css': 'text/css; charset=utf-8',
    '/static/favicon.svg': 'image/svg+xml',
  };
  for (const [path, type] of Object.entries(expected)) {
    expect(page.body).toContain(path);
    const file = await rawGet(path);
    expect({ path, status: file.status, type: file.headers['content-type'] }).toEqual({ path, status: 200, type });
  }
  expect(page.body).not.toMatch(/https?:\/\//);
});

test('HEAD is answered like GET without a body, on the page, the API and /metrics', async () => {
  for (const path of ['/', '/api/v1/cluster', '/metrics']) {
    const res = await fetch(`${vim.api}${path}`, { method: 'HEAD' });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    expect(await res.text()).toBe('');
  }
});

test('a file asked again with its ETag is answered 304 without a body', async () => {
  const first = await rawGet('/static/dashboard.js');
  const again = await rawGet('/static/dashboard.js', { 'if-none-match': String(first.headers.etag) });
  expect(again.status).toBe(304);
  expect(again.body).toBe('');
});

test.each([
  '/static/../package.json',
  '/static/../../../../etc/passwd',
  '/static/%2e%2e/package.json',
  '/static/%2E%2E/%2E%2E/src/admin-api.ts',
  '/static/..%2fpackage.json',
  '/static/%2e%2e%2f%2e%2e%2fpackage.json',
  '/static/..%5cpackage.json',
  '/static//etc/passwd',
  '/static/%2Fetc%2Fpasswd',
  '/static/%00',
  '/static/dashboard.js%00.html',
  '/static/index.html%00',
  '/static/',
  '/static/.',
  '/static/static',
  '/%2e%2e/%2e%2e/etc/passwd',
])('path traversal %s gets 404 and no file content', async (path) => {
  const answer = await rawGet(path);
  expect(answer.status).toBe(404);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(answer.body).not.toMatch(/root:|"name"|import /);
});

test('a malformed %-escape is a 400, and the VIM keeps serving', async () => {
  const answer = await rawGet('/static/%E0%A4%A');
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({ error: 'bad-path' });
  expect((await rawGet('/healthz')).status).toBe(200);
});

test('the snapshot has the chart point, services, VMs, forecasts and events', async () => {
  const snapshot = await getJson<DashboardSnapshot>(`${vim.api}/api/v1/dashboard/snapshot`);
  expect(snapshot.sample).toMatchObject({ offeredRps: 0, servedRps: 0, latencyMs: { p50: null, p99: null } });
  expect(snapshot.services.map((s) => s.name)).toEqual(['web']);
  expect(snapshot).toMatchObject({ vms: [], totalVms: 0, forecasts: [] });
  expect(Array.isArray(snapshot.events)).toBe(true);
});

test('the stream sends history then a snapshot every second as Server-Sent Events', async () => {
  const stream = await openStream();
  try {
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.res.headers['cache-control']).toBe('no-store');
    let text = '';
    stream.res.on('data', (t: string) => (text += t));
    text = await stream.first;
    await eventually(() => Promise.resolve((text.match(/event: snapshot\n/g) ?? []).length >= 3), 15_000, 'three snapshots');
    const messages = text.split('\n\n').filter((m) => m.startsWith('event: '));
    const history = JSON.parse(messages[0]!.split('\ndata: ')[1]!) as DashboardHistory;
    expect(messages[0]).toMatch(/^event: history\n/);
    expect(history.samples.length).toBeGreaterThan(0);
    const times = messages.slice(1).map((m) => (JSON.parse(m.split('\ndata: ')[1]!) as DashboardSnapshot).sample.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  } finally {
    stream.close();
  }
});

test('at most 16 streams are open at once; the 17th gets a clear 503, and closing one frees its place', async () => {
  const open = await Promise.all(Array.from({ length: 16 }, () => openStream()));
  try {
    await Promise.all(open.map((s) => s.first));
    expect(open.every((s) => s.res.statusCode === 200)).toBe(true);
    const refused = await rawGet('/api/v1/dashboard/stream');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'too-many-streams' });
    open.pop()!.close();
    const again = await eventually(async () => {
      const s = await openStream();
      if (s.res.statusCode === 200) return s;
      s.close();
      return undefined;
    }, 10_000, 'a stream accepted after one closed');
    open.push(again);
  } finally {
    for (const s of open) s.close();
  }
  // All closed: every place is free again.
  const next = await eventually(async () => {
    const batch = await Promise.all(Array.from({ length: 16 }, () => openStream()));
    if (batch.every((s) => s.res.statusCode === 200)) return batch;
    batch.forEach((s) => s.close());
    return undefined;
  }, 10_000, '16 streams accepted after all closed');
  next.forEach((s) => s.close());
});
