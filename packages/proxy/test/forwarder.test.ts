import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeHttpServer, createLogger, listenOn } from '@acs/daemon';
import { Forwarder, PROXY_ENGINES, type ForwardingPlan, type ForwardTarget, type ProxyEngine } from '../src';

const log = createLogger('test', 'silent');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => closeHttpServer(s)));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  return (await listenOn(server, { host: '127.0.0.1', port: 0 })).port;
}

/** A front with one upstream, forwarding everything through a Forwarder. */
async function frontTo(engine: ProxyEngine, upstreamPort: number): Promise<{ port: number; forwarder: Forwarder }> {
  const forwarder = new Forwarder({ upstreamTimeoutMs: 5000, engine }, log);
  const target: ForwardTarget = { id: 'u', name: 'upstream', url: `http://127.0.0.1:${upstreamPort}` };
  const plan: ForwardingPlan = { pick: () => undefined, onStart: () => undefined, onEnd: () => undefined };
  const port = await serve((req, res) => {
    Forwarder.requestId(req, res);
    forwarder.forward(req, res, target, plan);
  });
  return { port, forwarder };
}

function call(port: number, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: body ? 'POST' : 'GET', path: '/', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(PROXY_ENGINES)('engine %s', (engine) => {
test('hop-by-hop headers, and those the Connection header names, are not forwarded either way', async () => {
  let seen: IncomingHttpHeaders = {};
  const upstream = await serve((req, res) => {
    seen = req.headers;
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'x-upstream-hop', 'x-upstream-hop': '1', 'keep-alive': 'timeout=5', 'x-kept': 'yes' });
    res.end('ok');
  });
  const { port, forwarder } = await frontTo(engine, upstream);
  const reply = await call(port, {
    connection: 'keep-alive, x-client-hop',
    'x-client-hop': 'secret',
    'keep-alive': 'timeout=5',
    'proxy-authorization': 'Basic abc',
    te: 'trailers',
    'x-end-to-end': 'kept',
    host: 'shop.example',
  });
  expect(reply.status).toBe(200);
  for (const name of ['x-client-hop', 'keep-alive', 'proxy-authorization', 'te']) expect(seen[name]).toBeUndefined();
  expect(seen['x-end-to-end']).toBe('kept');
  expect(seen['x-forwarded-for']).toBe('127.0.0.1');
  expect(seen['x-forwarded-proto']).toBe('http');
  expect(seen['x-forwarded-host']).toBe('shop.example');
  expect(seen['x-request-id']).toBe(reply.headers['x-request-id']);
  expect(reply.headers['x-upstream-hop']).toBeUndefined();
  expect(reply.headers['x-kept']).toBe('yes');
  forwarder.close();
});

test('a request body and a response body stream through unchanged', async () => {
  const upload = Buffer.alloc(4 * 1024 * 1024, 7);
  const upstream = await serve((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      hash.update(c);
    });
    req.on('end', () => {
      res.writeHead(200, { 'x-bytes': String(bytes), 'x-sha256': hash.digest('hex') });
      res.end(upload); // echo a body of the same size back
    });
  });
  const { port, forwarder } = await frontTo(engine, upstream);
  const reply = await call(port, { 'content-type': 'application/octet-stream' }, upload);
  expect(reply.headers['x-bytes']).toBe(String(upload.length));
  expect(reply.headers['x-sha256']).toBe(createHash('sha256').update(upload).digest('hex'));
  expect(reply.body.equals(upload)).toBe(true);
  forwarder.close();
});

/** Like frontTo, with the plan's calls recorded in order. */
async function recordingFrontTo(engine: ProxyEngine, upstreamPort: number): Promise<{ port: number; forwarder: Forwarder; calls: string[] }> {
  const forwarder = new Forwarder({ upstreamTimeoutMs: 5000, engine }, log);
  const target: ForwardTarget = { id: 'u', name: 'upstream', url: `http://127.0.0.1:${upstreamPort}` };
  const calls: string[] = [];
  const plan: ForwardingPlan = {
    pick: () => undefined,
    onStart: () => undefined,
    onUpstreamDone: () => calls.push('upstream-done'),
    onEnd: (_t, outcome) => calls.push(`end ${outcome.failure} upstreamDone=${String(outcome.upstreamDone)}`),
  };
  const port = await serve((req, res) => {
    Forwarder.requestId(req, res);
    forwarder.forward(req, res, target, plan);
  });
  return { port, forwarder, calls };
}

test('X-Forwarded-* are appended to what the request carried, a given X-Request-Id is kept, and the status line passes through', async () => {
  let seen: IncomingHttpHeaders = {};
  let seenUrl = '';
  const upstream = await serve((req, res) => {
    seen = req.headers;
    seenUrl = req.url ?? '';
    res.writeHead(418, 'Short And Stout', { 'content-type': 'text/plain' });
    res.end('teapot');
  });
  const { port, forwarder } = await frontTo(engine, upstream);
  const reply = await new Promise<{ status: number; message: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
    // An absolute-form request target (RFC 9112 §3.2.2) reaches the upstream in origin form.
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: 'http://shop.example:8443/cart?item=7',
        headers: { host: 'shop.example:8443', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443', 'x-forwarded-host': 'edge.example', 'x-request-id': 'given-id-1' },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, message: res.statusMessage ?? '', headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  expect(reply.status).toBe(418);
  expect(reply.message).toBe('Short And Stout');
  expect(reply.headers['x-request-id']).toBe('given-id-1');
  expect(seenUrl).toBe('/cart?item=7');
  expect(seen['x-request-id']).toBe('given-id-1');
  expect(seen['x-forwarded-for']).toBe('203.0.113.7,127.0.0.1');
  expect(seen['x-forwarded-proto']).toBe('https,http');
  expect(seen['x-forwarded-port']).toBe('443,8443');
  expect(seen['x-forwarded-host']).toBe('edge.example');
  forwarder.close();
});

test('onUpstreamDone comes once the whole response has arrived, before onEnd, which says so', async () => {
  const upstream = await serve((req, res) => {
    if (req.url === '/small') {
      res.end('small');
      return;
    }
    // Streamed in two parts: done only after the second.
    res.write('first part ');
    setTimeout(() => res.end('second part'), 100);
  });
  const { port, forwarder, calls } = await recordingFrontTo(engine, upstream);
  for (const path of ['/small', '/streamed']) {
    calls.length = 0;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe(path === '/small' ? 'small' : 'first part second part');
    await waitFor(() => calls.length >= 2);
    expect(calls).toEqual(['upstream-done', 'end none upstreamDone=true']);
  }
  forwarder.close();
});

test('a client that leaves before the upstream has answered ends the attempt without onUpstreamDone', async () => {
  const upstream = await serve((_req, res) => {
    setTimeout(() => res.end('late'), 300);
  });
  const { port, forwarder, calls } = await recordingFrontTo(engine, upstream);
  await new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false });
    req.on('error', () => resolve());
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 50);
  });
  await waitFor(() => calls.length >= 1);
  expect(calls).toEqual(['end client-gone upstreamDone=false']);
  forwarder.close();
});

test('a chunked request body (no Content-Length) streams upstream whole', async () => {
  const upstream = await serve((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => res.end(String(bytes)));
  });
  const { port, forwarder } = await frontTo(engine, upstream);
  const reply = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    // Two writes before end: Node sends them chunked.
    req.write(Buffer.alloc(300_000, 1));
    setTimeout(() => req.end(Buffer.alloc(200_000, 2)), 20);
  });
  expect(reply).toBe('500000');
  forwarder.close();
});

test('a client that leaves mid-download ends the attempt once, as client-gone, and the upstream sees its request closed', async () => {
  let upstreamClosed = false;
  const upstream = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(64 * 1024));
    res.on('close', () => (upstreamClosed = true));
    // Never ends: only the client leaving can end this.
  });
  const { port, forwarder, calls } = await recordingFrontTo(engine, upstream);
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => undefined);
    req.on('close', () => resolve());
    setTimeout(() => reject(new Error('no response bytes')), 5000).unref();
    req.end();
  });
  await waitFor(() => calls.length >= 1 && upstreamClosed);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(calls).toEqual(['end client-gone upstreamDone=false']);
  forwarder.close();
});
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
