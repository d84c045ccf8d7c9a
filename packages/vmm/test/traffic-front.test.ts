import { createServer, request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@acs/daemon';
import { PROXY_ENGINES, type ProxyEngine } from '@acs/proxy';
import { TrafficFront, type TrafficFrontOptions } from '../src/front/traffic-front';

const log = createLogger('test', 'silent');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------------
// Clean-up: everything started is closed after each test, pass or fail.

let cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  const list = cleanups.reverse();
  cleanups = [];
  for (const cleanup of list) await cleanup();
});

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

// ---------------------------------------------------------------------------------------------------
// Backends: plain HTTP servers that echo what they saw, optionally holding each request until released.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface Held {
  req: IncomingMessage;
  res: ServerResponse;
  /** Answers the held request with the usual echo. */
  release(): void;
}

type Mode = 'echo' | 'hold' | 'fail';

class TestBackend {
  readonly seen: Seen[] = [];
  private readonly held: Held[] = [];
  private readonly waiters: Array<(held: Held) => void> = [];
  private taken = 0;
  port = 0;

  private constructor(
    readonly id: string,
    readonly name: string,
    public mode: Mode,
    readonly server: Server,
  ) {}

  static async start(id: string, mode: Mode = 'echo'): Promise<TestBackend> {
    const server = createServer();
    const backend = new TestBackend(id, `web-${id}`, mode, server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => backend.onRequest(req, res));
    backend.port = await listen(server);
    cleanups.push(() => closeServer(server));
    return backend;
  }

  get entry(): { id: string; name: string; port: number } {
    return { id: this.id, name: this.name, port: this.port };
  }

  /** The next held request not yet handed out, waiting for it to arrive if need be. */
  nextHeld(): Promise<Held> {
    const index = this.taken++;
    const ready = this.held[index];
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const answer = (): void => {
        const payload = JSON.stringify({
          backend: this.name,
          method: req.method,
          url: req.url,
          requestId: req.headers['x-request-id'] ?? null,
          forwardedFor: req.headers['x-forwarded-for'] ?? null,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(this.mode === 'fail' ? 500 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      };
      if (this.mode !== 'hold') {
        answer();
        return;
      }
      const held: Held = { req, res, release: answer };
      this.held.push(held);
      const waiter = this.waiters.shift();
      if (waiter) waiter(held);
    });
  }
}

/** A port on 127.0.0.1 that nothing listens on: connecting gets ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

// ---------------------------------------------------------------------------------------------------
// The front and its clients.

const DEFAULTS: Omit<TrafficFrontOptions, 'listen'> = {
  agentId: 'vm1',
  policy: 'least-connections',
  maxInflightPerContainer: 8,
  queueLimit: 16,
  queueTimeoutMs: 10_000,
  upstreamTimeoutMs: 20_000,
};

/** Set by the describe blocks that run on each Forwarder engine; otherwise the default engine. */
let engine: ProxyEngine | undefined;

async function startFront(options: Partial<Omit<TrafficFrontOptions, 'listen'>> = {}): Promise<{ front: TrafficFront; port: number }> {
  const front = new TrafficFront({ ...DEFAULTS, engine, ...options, listen: { host: '127.0.0.1', port: 0 } }, log);
  const address = await front.listen();
  cleanups.push(() => front.close());
  return { front, port: address.port };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Echo {
  backend: string;
  method: string;
  url: string;
  requestId: string | null;
  forwardedFor: string | null;
  body: string;
}

interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

function open(port: number, options: SendOptions = {}): { req: ClientRequest; reply: Promise<Reply> } {
  let req!: ClientRequest;
  const reply = new Promise<Reply>((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
  return { req, reply };
}

const send = (port: number, options: SendOptions = {}): Promise<Reply> => open(port, options).reply;
const echo = (reply: Reply): Echo => JSON.parse(reply.body) as Echo;
const errorBody = (reply: Reply): { error: string; message: string } => JSON.parse(reply.body) as { error: string; message: string };

/** Polls a condition (bounded) for state that has no event of its own. */
async function until(condition: () => boolean, what: string, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function expectRejected(reply: Reply, error: string): void {
  expect(reply.status).toBe(503);
  expect(reply.headers['retry-after']).toBe('1');
  expect(reply.headers['content-type']).toBe('application/json');
  const body = errorBody(reply);
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
}

// ---------------------------------------------------------------------------------------------------

describe('TrafficFront: routing and headers', () => {
  test('requests are spread over both containers and X-Served-By names the one that answered', async () => {
    const a = await TestBackend.start('a');
    const b = await TestBackend.start('b');
    const { front, port } = await startFront();
    front.setBackends([a.entry, b.entry]);

    const servedBy = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const reply = await send(port, { path: `/item/${i}` });
      expect(reply.status).toBe(200);
      const body = echo(reply);
      expect(body.url).toBe(`/item/${i}`);
      expect(reply.headers['x-served-by']).toBe(`vm1/${body.backend}`);
      servedBy.set(body.backend, (servedBy.get(body.backend) ?? 0) + 1);
    }
    expect(servedBy.get('web-a')).toBeGreaterThan(0);
    expect(servedBy.get('web-b')).toBeGreaterThan(0);
    expect(a.seen.length + b.seen.length).toBe(20);
  });

  test('least-connections: requests held open land on the container with fewer in flight', async () => {
    const a = await TestBackend.start('a', 'hold');
    const b = await TestBackend.start('b', 'hold');
    const { front, port } = await startFront();
    front.setBackends([a.entry, b.entry]);

    const replies: Array<Promise<Reply>> = [];
    for (let i = 0; i < 6; i++) {
      replies.push(send(port, { path: `/${i}` }));
      await until(() => a.seen.length + b.seen.length === i + 1, `request ${i} to arrive`);
      // After every dispatch the two containers differ by at most one request in flight.
      expect(Math.abs(front.inflight('a') - front.inflight('b'))).toBeLessThanOrEqual(1);
    }
    expect(front.inflight('a')).toBe(3);
    expect(front.inflight('b')).toBe(3);
    expect(a.seen).toHaveLength(3);
    expect(b.seen).toHaveLength(3);

    for (let i = 0; i < 3; i++) {
      (await a.nextHeld()).release();
      (await b.nextHeld()).release();
    }
    for (const reply of await Promise.all(replies)) expect(reply.status).toBe(200);
    await until(() => front.inflight('a') === 0 && front.inflight('b') === 0, 'counters back to 0');
  });

  test('an X-Request-Id sent by the client is kept and forwarded', async () => {
    const a = await TestBackend.start('a');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const reply = await send(port, { headers: { 'X-Request-Id': 'client-req-42' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-request-id']).toBe('client-req-42');
    expect(echo(reply).requestId).toBe('client-req-42');
  });

  test('without X-Request-Id a UUID is generated, returned and forwarded', async () => {
    const a = await TestBackend.start('a');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const first = await send(port);
    const second = await send(port);
    for (const reply of [first, second]) {
      expect(reply.status).toBe(200);
      expect(reply.headers['x-request-id']).toMatch(UUID);
      expect(echo(reply).requestId).toBe(reply.headers['x-request-id']);
    }
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  test('a request id longer than 200 characters is replaced by a generated one', async () => {
    const a = await TestBackend.start('a');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const reply = await send(port, { headers: { 'X-Request-Id': 'x'.repeat(201) } });
    expect(reply.headers['x-request-id']).toMatch(UUID);
    expect(echo(reply).requestId).toBe(reply.headers['x-request-id']);
  });

  test('X-Forwarded-For carries the client address to the container, appended to one the client sent', async () => {
    const a = await TestBackend.start('a');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    expect(echo(await send(port)).forwardedFor).toBe('127.0.0.1');
    expect(echo(await send(port, { headers: { 'X-Forwarded-For': '203.0.113.7' } })).forwardedFor).toBe('203.0.113.7,127.0.0.1');
  });

  test('method, path and body reach the container unchanged', async () => {
    const a = await TestBackend.start('a');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const reply = await send(port, { method: 'POST', path: '/orders?x=1', body: '{"qty":3}', headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(200);
    expect(echo(reply)).toMatchObject({ method: 'POST', url: '/orders?x=1', body: '{"qty":3}' });
  });

  test('no containers: 503 no-ready-container with Retry-After and a request id', async () => {
    const { port } = await startFront();
    const reply = await send(port);
    expectRejected(reply, 'no-ready-container');
    expect(errorBody(reply).message).toContain('vm1');
    expect(reply.headers['x-request-id']).toMatch(UUID);
  });

  test('setBackends([]) after having containers answers 503 no-ready-container again', async () => {
    const a = await TestBackend.start('a');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);
    expect((await send(port)).status).toBe(200);
    front.setBackends([]);
    expectRejected(await send(port), 'no-ready-container');
    expect(a.seen).toHaveLength(1);
  });

  test('errors and latency are counted per container for the reports; a report interval starts afresh', async () => {
    const good = await TestBackend.start('good');
    const bad = await TestBackend.start('bad', 'fail');
    const { front, port } = await startFront();
    front.setBackends([good.entry]);
    for (let i = 0; i < 5; i++) expect((await send(port)).status).toBe(200);
    front.setBackends([bad.entry]);
    for (let i = 0; i < 3; i++) expect((await send(port)).status).toBe(500);
    await until(() => front.inflight('good') === 0 && front.inflight('bad') === 0, 'idle');

    expect(front.errorsTotal('good')).toBe(0);
    expect(front.errorsTotal('bad')).toBe(3);
    const latency = front.takeLatency('good');
    expect(latency.count).toBe(5);
    expect(latency.p99).toBeGreaterThanOrEqual(latency.p50);
    // 5xx answers say nothing about how fast the container serves.
    expect(front.takeLatency('bad').count).toBe(0);
    expect(front.takeLatency('good')).toEqual({ p50: 0, p99: 0, count: 0 });
    expect(front.takeLatency('unknown')).toEqual({ p50: 0, p99: 0, count: 0 });
  });

  test('requestsTotal counts the requests sent to each container, and forget drops an idle one', async () => {
    const a = await TestBackend.start('a');
    const b = await TestBackend.start('b');
    const { front, port } = await startFront();
    front.setBackends([a.entry, b.entry]);
    expect(front.requestsTotal('a')).toBe(0);

    for (let i = 0; i < 10; i++) expect((await send(port)).status).toBe(200);
    expect(front.requestsTotal('a')).toBe(a.seen.length);
    expect(front.requestsTotal('b')).toBe(b.seen.length);
    expect(front.requestsTotal('a') + front.requestsTotal('b')).toBe(10);
    expect(front.requestsTotal('unknown')).toBe(0);
    expect(front.inflight('unknown')).toBe(0);

    await until(() => front.inflight('a') === 0, 'a idle');
    front.forget('a');
    expect(front.requestsTotal('a')).toBe(0);
    expect(front.requestsTotal('b')).toBe(b.seen.length);
  });

  test('forget keeps the counters of a container that still has a request in flight', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);
    const pending = send(port);
    const held = await a.nextHeld();
    front.forget('a');
    expect(front.inflight('a')).toBe(1);
    expect(front.requestsTotal('a')).toBe(1);
    held.release();
    expect((await pending).status).toBe(200);
  });
});

describe('TrafficFront: in-flight cap and admission queue', () => {
  test('with one slot per container a second request waits in the queue and is served after the first', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront({ maxInflightPerContainer: 1 });
    front.setBackends([a.entry]);

    const first = send(port, { path: '/first' });
    const heldFirst = await a.nextHeld();
    const second = send(port, { path: '/second' });
    await until(() => front.queued === 1, 'the second request to queue');
    expect(a.seen).toHaveLength(1);
    expect(front.inflight('a')).toBe(1);

    heldFirst.release();
    const firstReply = await first;
    expect(firstReply.status).toBe(200);
    expect(echo(firstReply).url).toBe('/first');

    const heldSecond = await a.nextHeld();
    expect(heldSecond.req.url).toBe('/second');
    expect(front.queued).toBe(0);
    heldSecond.release();
    const secondReply = await second;
    expect(secondReply.status).toBe(200);
    expect(echo(secondReply).url).toBe('/second');
  });

  test("'auto' starts a container at two requests in flight and opens up as fast answers come back", async () => {
    const slow = await TestBackend.start('slow', 'hold');
    const { front, port } = await startFront({ maxInflightPerContainer: 'auto' });
    front.setBackends([slow.entry]);
    expect(front.limitOf('slow')).toBe(2);
    const first = send(port, { path: '/first' });
    const firstHeld = await slow.nextHeld();
    const second = send(port, { path: '/second' });
    const secondHeld = await slow.nextHeld();
    const third = send(port, { path: '/third' });
    await until(() => front.queued === 1, 'the third request to queue behind the first two');
    firstHeld.release();
    secondHeld.release();
    (await slow.nextHeld()).release();
    for (const reply of [first, second, third]) expect((await reply).status).toBe(200);

    // Hundreds of answers a second from a fast container: more than two may be in flight.
    const fast = await TestBackend.start('fast');
    front.setBackends([fast.entry]);
    let highest = front.limitOf('fast');
    const deadline = Date.now() + 4000;
    for (let round = 0; round < 200 && highest <= 2 && Date.now() < deadline; round++) {
      await Promise.all(Array.from({ length: 8 }, () => send(port)));
      highest = Math.max(highest, front.limitOf('fast'));
    }
    expect(highest).toBeGreaterThan(2);
  });

  test('queued requests are admitted in arrival order', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront({ maxInflightPerContainer: 1 });
    front.setBackends([a.entry]);

    const replies = [send(port, { path: '/0' })];
    const held0 = await a.nextHeld();
    for (let i = 1; i <= 3; i++) {
      replies.push(send(port, { path: `/${i}` }));
      await until(() => front.queued === i, `request ${i} to queue`);
    }
    held0.release();
    for (let i = 1; i <= 3; i++) {
      const held = await a.nextHeld();
      expect(held.req.url).toBe(`/${i}`);
      held.release();
    }
    const all = await Promise.all(replies);
    expect(all.map((r) => echo(r).url)).toEqual(['/0', '/1', '/2', '/3']);
  });

  test('queue full: 503 queue-full with Retry-After, and the queued request is still served', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront({ maxInflightPerContainer: 1, queueLimit: 1 });
    front.setBackends([a.entry]);

    const first = send(port, { path: '/first' });
    const heldFirst = await a.nextHeld();
    const second = send(port, { path: '/second' });
    await until(() => front.queued === 1, 'the second request to queue');

    const third = await send(port, { path: '/third' });
    expectRejected(third, 'queue-full');
    expect(third.headers['x-request-id']).toMatch(UUID);

    heldFirst.release();
    (await a.nextHeld()).release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(a.seen.map((s) => s.url)).toEqual(['/first', '/second']);
  });

  test('a request that waits longer than queueTimeoutMs gets 503 queue-timeout with Retry-After', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront({ maxInflightPerContainer: 1, queueTimeoutMs: 200 });
    front.setBackends([a.entry]);

    const first = send(port, { path: '/first' });
    const heldFirst = await a.nextHeld();
    const waited = await send(port, { path: '/waits' });
    expectRejected(waited, 'queue-timeout');
    expect(errorBody(waited).message).toContain('200');
    expect(front.queued).toBe(0);
    expect(a.seen).toHaveLength(1);

    heldFirst.release();
    expect((await first).status).toBe(200);
    // The slot is free again: the next request goes straight through.
    a.mode = 'echo';
    expect((await send(port, { path: '/after' })).status).toBe(200);
  });

  test('a client that gives up while queued leaves the queue and never reaches a container', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront({ maxInflightPerContainer: 1 });
    front.setBackends([a.entry]);

    const first = send(port, { path: '/first' });
    const heldFirst = await a.nextHeld();
    const quitter = open(port, { path: '/quitter' });
    const quitterOutcome = quitter.reply.then(
      () => 'answered',
      () => 'aborted',
    );
    await until(() => front.queued === 1, 'the request to queue');
    quitter.req.destroy();
    expect(await quitterOutcome).toBe('aborted');
    await until(() => front.queued === 0, 'the queue to empty');

    heldFirst.release();
    expect((await first).status).toBe(200);
    a.mode = 'echo';
    expect((await send(port, { path: '/next' })).status).toBe(200);
    expect(a.seen.map((s) => s.url)).toEqual(['/first', '/next']);
  });

  test('when the last container leaves rotation (drain), it still serves what was queued; later arrivals get 503', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront({ maxInflightPerContainer: 1 });
    front.setBackends([a.entry]);

    const first = send(port, { path: '/first' });
    const heldFirst = await a.nextHeld();
    const queued = send(port, { path: '/queued' });
    await until(() => front.queued === 1, 'the request to queue');

    front.setBackends([]);
    let idle = false;
    const drained = front.waitForIdle('a', 5000).then((v) => (idle = v));
    // The request already on the leaving container completes, then the queued one goes there too.
    heldFirst.release();
    expect((await first).status).toBe(200);
    (await a.nextHeld()).release();
    expect((await queued).status).toBe(200);
    // Idle only once the queue it served is done.
    await drained;
    expect(idle).toBe(true);
    expectRejected(await send(port, { path: '/late' }), 'no-ready-container');
  });

  test('a queued request is admitted to a container added by setBackends', async () => {
    const a = await TestBackend.start('a', 'hold');
    const b = await TestBackend.start('b');
    const { front, port } = await startFront({ maxInflightPerContainer: 1 });
    front.setBackends([a.entry]);

    const first = send(port);
    const heldFirst = await a.nextHeld();
    const queued = send(port, { path: '/queued' });
    await until(() => front.queued === 1, 'the request to queue');

    front.setBackends([a.entry, b.entry]);
    const reply = await queued;
    expect(reply.status).toBe(200);
    expect(reply.headers['x-served-by']).toBe('vm1/web-b');
    heldFirst.release();
    expect((await first).status).toBe(200);
  });
});

describe.each(PROXY_ENGINES)('TrafficFront: upstream failures, engine %s', (each) => {
  beforeAll(() => (engine = each));
  afterAll(() => (engine = undefined));

  test('a POST with a body to a container on a closed port is not retried: 502', async () => {
    const good = await TestBackend.start('good', 'hold');
    const deadPort = await closedPort();
    const { front, port } = await startFront({ maxInflightPerContainer: 1 });
    front.setBackends([good.entry]);

    // Fill the good container, then add the dead one: the POST can only go there.
    const busy = send(port, { path: '/busy' });
    const heldBusy = await good.nextHeld();
    front.setBackends([{ id: 'dead', name: 'web-dead', port: deadPort }, good.entry]);
    const reply = await send(port, { method: 'POST', path: '/orders', body: 'qty=1' });
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(errorBody(reply).error).toBe('upstream-failed');
    expect(errorBody(reply).message).toContain('web-dead');
    expect(front.queued).toBe(0);
    expect(front.inflight('dead')).toBe(0);

    heldBusy.release();
    expect((await busy).status).toBe(200);
    // The POST never reached the good container.
    expect(good.seen.map((s) => s.url)).toEqual(['/busy']);
  });

  test('a GET whose container refuses the connection is retried once on another container', async () => {
    const good = await TestBackend.start('good');
    const deadPort = await closedPort();
    const { front, port } = await startFront();
    // Listed first, so an idle tie picks it first.
    front.setBackends([{ id: 'dead', name: 'web-dead', port: deadPort }, good.entry]);
    for (let i = 0; i < 6; i++) {
      const reply = await send(port, { path: `/r${i}` });
      expect(reply.status).toBe(200);
      expect(reply.headers['x-served-by']).toBe('vm1/web-good');
    }
    expect(front.requestsTotal('dead')).toBeGreaterThan(0);
    expect(front.inflight('dead')).toBe(0);
    expect(front.inflight('good')).toBe(0);
  });

  test('a retried request carries X-Forwarded-For once, as the client sent it plus one hop', async () => {
    const good = await TestBackend.start('good');
    const deadPort = await closedPort();
    const { front, port } = await startFront();
    front.setBackends([{ id: 'dead', name: 'web-dead', port: deadPort }, good.entry]);
    const reply = await send(port, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(reply.status).toBe(200);
    expect(echo(reply).forwardedFor).toBe('203.0.113.9,127.0.0.1');
  });

  test('a container that resets the connection before answering: GET retried elsewhere, POST gets 502', async () => {
    const resetter = createServer((req) => req.socket.destroy());
    const resetPort = await listen(resetter);
    cleanups.push(() => closeServer(resetter));
    const good = await TestBackend.start('good');
    const { front, port } = await startFront({ maxInflightPerContainer: 1 });
    front.setBackends([{ id: 'reset', name: 'web-reset', port: resetPort }, good.entry]);
    const get = await send(port);
    expect(get.status).toBe(200);
    expect(get.headers['x-served-by']).toBe('vm1/web-good');

    // Only the resetting container is listed: the POST has nowhere else to go and must not hang.
    front.setBackends([{ id: 'reset', name: 'web-reset', port: resetPort }]);
    const post = await send(port, { method: 'POST', body: 'x=1' });
    expect(post.status).toBe(502);
    expect(errorBody(post).error).toBe('upstream-failed');
  });

  test('a GET with no other container to try gets 502 rather than waiting in the queue', async () => {
    const deadPort = await closedPort();
    const { front, port } = await startFront();
    front.setBackends([{ id: 'dead', name: 'web-dead', port: deadPort }]);
    const reply = await send(port);
    expect(reply.status).toBe(502);
    expect(front.queued).toBe(0);
  });

  test('an upstream that sends nothing within upstreamTimeoutMs: 504, not retried', async () => {
    const slow = await TestBackend.start('slow', 'hold');
    const other = await TestBackend.start('other', 'hold');
    const { front, port } = await startFront({ upstreamTimeoutMs: 200 });
    front.setBackends([slow.entry, other.entry]);
    const reply = await send(port, { path: '/hang' });
    expect(reply.status).toBe(504);
    expect(errorBody(reply).error).toBe('upstream-timeout');
    // One container got it; a timed-out request may have done work, so it is not sent again.
    expect(slow.seen.length + other.seen.length).toBe(1);
    expect(front.inflight('slow') + front.inflight('other')).toBe(0);
  });

  test('a client that aborts mid-request cancels the request to its container', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);
    const client = open(port, { path: '/slow' });
    client.reply.catch(() => undefined);
    const held = await a.nextHeld();
    const upstreamClosed = new Promise<void>((resolve) => held.res.once('close', () => resolve()));
    client.req.destroy();
    await upstreamClosed;
    await until(() => front.inflight('a') === 0, 'the slot to be freed');
  });

  test('a client that aborts mid-request frees its slot', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const client = open(port, { path: '/slow' });
    const outcome = client.reply.then(
      () => 'answered',
      () => 'aborted',
    );
    await a.nextHeld();
    expect(front.inflight('a')).toBe(1);

    client.req.destroy();
    expect(await outcome).toBe('aborted');
    await until(() => front.inflight('a') === 0, 'the in-flight count to return to 0');
    expect(await front.waitForIdle('a', 1_000)).toBe(true);

    // The freed slot serves the next request.
    a.mode = 'echo';
    expect((await send(port)).status).toBe(200);
  });
});

describe('TrafficFront: draining', () => {
  test('waitForIdle resolves true at once for an idle container', async () => {
    const { front } = await startFront();
    await expect(front.waitForIdle('nobody', 1_000)).resolves.toBe(true);
  });

  test('waitForIdle resolves true when the last request in flight finishes', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const one = send(port, { path: '/1' });
    const heldOne = await a.nextHeld();
    const two = send(port, { path: '/2' });
    const heldTwo = await a.nextHeld();

    let settled: boolean | undefined;
    const idle = front.waitForIdle('a', 20_000).then((value) => (settled = value));
    heldOne.release();
    expect((await one).status).toBe(200);
    await until(() => front.inflight('a') === 1, 'one request left');
    expect(settled).toBeUndefined();

    heldTwo.release();
    expect((await two).status).toBe(200);
    await expect(idle).resolves.toBe(true);
  });

  test('waitForIdle resolves false when the timeout passes first', async () => {
    const a = await TestBackend.start('a', 'hold');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const pending = send(port);
    const held = await a.nextHeld();
    await expect(front.waitForIdle('a', 100)).resolves.toBe(false);
    expect(front.inflight('a')).toBe(1);

    held.release();
    expect((await pending).status).toBe(200);
    await expect(front.waitForIdle('a', 5_000)).resolves.toBe(true);
  });

  test('setBackends without a container stops new requests to it while its request in flight completes', async () => {
    const a = await TestBackend.start('a', 'hold');
    const b = await TestBackend.start('b');
    const { front, port } = await startFront();
    front.setBackends([a.entry]);

    const onA = send(port, { path: '/on-a' });
    const heldOnA = await a.nextHeld();
    front.setBackends([b.entry]);
    const idle = front.waitForIdle('a', 20_000);

    for (let i = 0; i < 5; i++) {
      const reply = await send(port, { path: `/after-${i}` });
      expect(reply.status).toBe(200);
      expect(reply.headers['x-served-by']).toBe('vm1/web-b');
    }
    expect(a.seen.map((s) => s.url)).toEqual(['/on-a']);
    expect(front.requestsTotal('a')).toBe(1);

    heldOnA.release();
    const reply = await onA;
    expect(reply.status).toBe(200);
    expect(reply.headers['x-served-by']).toBe('vm1/web-a');
    await expect(idle).resolves.toBe(true);
  });

  test('switching containers midway through 50 requests fails none of them', async () => {
    const a = await TestBackend.start('a');
    const b = await TestBackend.start('b');
    const c = await TestBackend.start('c');
    const { front, port } = await startFront({ maxInflightPerContainer: 4 });
    front.setBackends([a.entry, b.entry]);

    const TOTAL = 50;
    const WORKERS = 5;
    let started = 0;
    let aAtSwitch = -1;
    let drained: Promise<void> | undefined;
    let aDrainedIdle: boolean | undefined;
    const statuses: number[] = [];
    const servedBy: string[] = [];

    const worker = async (): Promise<void> => {
      while (started < TOTAL) {
        const n = started++;
        if (n === TOTAL / 2) {
          // Take a out of rotation; once its last request is done, stop it for good.
          front.setBackends([b.entry, c.entry]);
          aAtSwitch = front.requestsTotal('a');
          drained = front.waitForIdle('a', 20_000).then(async (idle) => {
            aDrainedIdle = idle;
            await closeServer(a.server);
          });
        }
        const reply = await send(port, { path: `/${n}` });
        statuses.push(reply.status);
        servedBy.push(String(reply.headers['x-served-by']));
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, () => worker()));
    await drained;

    expect(statuses).toHaveLength(TOTAL);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(aDrainedIdle).toBe(true);
    expect(aAtSwitch).toBeGreaterThan(0);
    expect(front.requestsTotal('a')).toBe(aAtSwitch);
    expect(front.requestsTotal('c')).toBeGreaterThan(0);
    expect(front.requestsTotal('a') + front.requestsTotal('b') + front.requestsTotal('c')).toBe(TOTAL);
    expect(new Set(servedBy)).toEqual(new Set(['vm1/web-a', 'vm1/web-b', 'vm1/web-c']));

    // With a stopped, traffic still flows to the remaining containers.
    const after = await send(port);
    expect(after.status).toBe(200);
    expect(['vm1/web-b', 'vm1/web-c']).toContain(after.headers['x-served-by']);
  });
});
