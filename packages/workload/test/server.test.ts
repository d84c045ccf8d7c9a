import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { WorkloadConfig } from '../src/config';
import { startWorkload, type RunningWorkload } from '../src/server';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(port: number, path: string, options: { method?: string; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (reply: Reply): Record<string, unknown> => JSON.parse(reply.body) as Record<string, unknown>;

/** Resolves with the error code of a TCP connection attempt (undefined if it connected). */
function connectOutcome(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });
}

const CONFIG: WorkloadConfig = { port: 0, workMs: 2, maxWorkMs: 500, graceMs: 10_000, container: 'web-7', vm: 'vm2', service: 'shop' };

describe('workload server', () => {
  let workload: RunningWorkload | undefined;
  let port = 0;

  async function start(overrides: Partial<WorkloadConfig> = {}): Promise<RunningWorkload> {
    workload = await startWorkload({ ...CONFIG, ...overrides }, '127.0.0.1');
    port = workload.address.port;
    return workload;
  }

  afterEach(async () => {
    const w = workload;
    workload = undefined;
    if (w?.server.listening) {
      w.server.closeAllConnections();
      await new Promise<void>((resolve) => w.server.close(() => resolve()));
    }
  });

  test('listens on the asked host with an OS-assigned port', async () => {
    const w = await start();
    expect(w.address.address).toBe('127.0.0.1');
    expect(w.address.port).toBeGreaterThan(0);
  });

  test('GET / burns WORK_MS and says who served it', async () => {
    await start();
    const reply = await call(port, '/');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const body = json(reply);
    expect(body).toMatchObject({ container: 'web-7', vm: 'vm2', service: 'shop', workMs: 2 });
    expect(typeof body['cpuMs']).toBe('number');
    expect(body['cpuMs'] as number).toBeGreaterThanOrEqual(2);
  });

  test('/work?ms=5 burns the asked amount', async () => {
    await start();
    const reply = await call(port, '/work?ms=5');
    expect(reply.status).toBe(200);
    const body = json(reply);
    expect(body['workMs']).toBe(5);
    expect(body['cpuMs'] as number).toBeGreaterThanOrEqual(5);
  });

  test('/work without ms uses WORK_MS; ms=0 and ms=max are allowed', async () => {
    await start({ maxWorkMs: 20 });
    expect(json(await call(port, '/work'))['workMs']).toBe(2);
    const zero = await call(port, '/work?ms=0');
    expect(zero.status).toBe(200);
    expect(json(zero)).toMatchObject({ workMs: 0, cpuMs: 0 });
    const max = await call(port, '/work?ms=20');
    expect(max.status).toBe(200);
    expect(json(max)['workMs']).toBe(20);
  });

  test.each([['501'], ['-1'], ['2.5'], ['abc'], ['NaN'], [''], ['0x10'], ['1e2']])('/work?ms=%s is refused with 400', async (ms) => {
    await start();
    const reply = await call(port, `/work?ms=${ms}`);
    expect(reply.status).toBe(400);
    expect(json(reply)).toMatchObject({ error: 'bad-ms' });
    expect(json(reply)['message']).toContain('500');
  });

  test('a refused /work is not counted as served', async () => {
    const w = await start();
    await call(port, '/work?ms=9999');
    expect(w.stats().served).toBe(0);
    expect(json(await call(port, '/stats'))['served']).toBe(0);
  });

  test('/healthz answers 200 ok', async () => {
    await start();
    const reply = await call(port, '/healthz');
    expect(reply.status).toBe(200);
    expect(json(reply)).toEqual({ status: 'ok' });
  });

  test('/stats counts requests served, with none in flight between requests', async () => {
    const w = await start();
    const before = json(await call(port, '/stats'));
    expect(before).toMatchObject({ served: 0, inflight: 0 });
    for (let i = 0; i < 3; i++) expect((await call(port, '/')).status).toBe(200);
    expect((await call(port, '/work?ms=1')).status).toBe(200);
    const after = json(await call(port, '/stats'));
    expect(after).toMatchObject({ served: 4, inflight: 0 });
    expect(typeof after['cpuTimeMs']).toBe('number');
    expect(typeof after['uptimeMs']).toBe('number');
    expect(after['uptimeMs'] as number).toBeGreaterThanOrEqual(0);
    expect(w.stats()).toMatchObject({ served: 4, inflight: 0 });
  });

  test('HEAD is served like GET, without a body', async () => {
    await start();
    const reply = await call(port, '/', { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
  });

  test.each([['POST'], ['PUT'], ['DELETE']])('%s answers 405 with Allow', async (method) => {
    await start();
    const reply = await call(port, '/', { method, body: method === 'DELETE' ? undefined : 'x=1' });
    expect(reply.status).toBe(405);
    expect(reply.headers['allow']).toBe('GET, HEAD');
    expect(json(reply)).toMatchObject({ error: 'method-not-allowed' });
  });

  test('an unknown path answers 404', async () => {
    await start();
    const reply = await call(port, '/nope');
    expect(reply.status).toBe(404);
    expect(json(reply)).toMatchObject({ error: 'not-found' });
    expect(json(reply)['message']).toContain('/nope');
  });

  test('/healthz answers 503 stopping once shutdown has begun', async () => {
    const w = await start();
    let stopped: Promise<void> | undefined;
    // Shutdown starts while this request is being handled (as when SIGTERM lands with it in flight).
    w.server.prependListener('request', (req: IncomingMessage) => {
      if (req.url === '/healthz' && stopped === undefined) stopped = w.shutdown();
    });
    const reply = await call(port, '/healthz');
    expect(reply.status).toBe(503);
    expect(json(reply)).toEqual({ status: 'stopping' });
    expect(reply.headers['connection']).toBe('close');
    await stopped;
  });

  test('shutdown lets a request in flight finish with 200, then resolves, and refuses new connections', async () => {
    const w = await start();
    let stopped: Promise<void> | undefined;
    let responseFinished = false;
    let finishedBeforeStop: boolean | undefined;
    w.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/work?ms=300' && stopped === undefined) {
        res.once('finish', () => (responseFinished = true));
        stopped = w.shutdown();
        stopped.then(
          () => (finishedBeforeStop = responseFinished),
          () => undefined,
        );
      }
    });
    const reply = await call(port, '/work?ms=300');
    expect(reply.status).toBe(200);
    expect(json(reply)).toMatchObject({ workMs: 300, container: 'web-7' });
    expect(json(reply)['cpuMs'] as number).toBeGreaterThanOrEqual(300);
    expect(reply.headers['connection']).toBe('close');
    expect(stopped).toBeDefined();
    await stopped;
    // Shutdown resolved only after the response had been written in full.
    expect(finishedBeforeStop).toBe(true);
    expect(w.server.listening).toBe(false);
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    expect(w.stats().served).toBe(1);
  });

  test('shutdown does not wait for idle keep-alive connections', async () => {
    // A grace period far beyond the test timeout: only closing idle connections lets this finish.
    const w = await start({ graceMs: 600_000 });
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.write('GET /healthz HTTP/1.1\r\nHost: workload\r\nConnection: keep-alive\r\n\r\n');
      socket.once('data', () => resolve());
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await w.shutdown();
    await closed;
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  });

  test('shutdown on an idle server resolves and the port is closed', async () => {
    const w = await start();
    await w.shutdown();
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  });
});
