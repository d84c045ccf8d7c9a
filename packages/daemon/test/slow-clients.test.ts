/** createLimitedHttpServer with short limits, on real loopback sockets: who gets cut, who does not. */
import type { AddressInfo, Server as NetServer } from 'node:net';
import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { createLimitedHttpServer } from '../src';

const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 1500, keepAliveTimeoutMs: 300 };
let server: Server;
let port: number;

beforeAll(async () => {
  // The handler answers after 2 s: longer than every limit, to show a request being served is never cut.
  server = createLimitedHttpServer(LIMITS, (req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('ok'), req.url === '/slow' ? 2000 : 0));
  });
  await new Promise<void>((resolve) => (server as NetServer).listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Client {
  socket: Socket;
  text(): string;
  closedAfterMs: Promise<number>;
}

function client(first?: string): Client {
  const started = Date.now();
  const socket = connect({ host: '127.0.0.1', port });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  if (first !== undefined) socket.once('connect', () => socket.write(first));
  return { socket, text: () => text, closedAfterMs: new Promise((resolve) => socket.once('close', () => resolve(Date.now() - started))) };
}

test('connections that never send a byte are closed, with others open meanwhile', async () => {
  const silent = Array.from({ length: 5 }, () => client());
  const others = [client('GET / HTTP/1.1\r\nHost: x\r\n'), client('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc')];
  for (const c of silent) {
    expect(await c.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs);
    // Node's own header check may get there first (408) or the idle timer behind it (no answer).
    expect(c.text()).toMatch(/^(HTTP\/1\.1 408[\s\S]*)?$/);
  }
  await Promise.all(others.map((c) => c.closedAfterMs));
});

test('headers never finished: 408, then closed', async () => {
  const partial = client('GET / HTTP/1.1\r\nHost: x\r\n');
  await partial.closedAfterMs;
  expect(partial.text()).toMatch(/^HTTP\/1\.1 408/);
});

test('a body that never finishes: 408 at the request deadline', async () => {
  const body = client('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
  expect(await body.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs);
  expect(body.text()).toMatch(/^HTTP\/1\.1 408/);
});

test('a request the handler takes long over is answered, not cut; the idle keep-alive after it is closed', async () => {
  const slow = client('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
  const closedAfter = await slow.closedAfterMs;
  expect(slow.text()).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
  expect(closedAfter).toBeGreaterThanOrEqual(2000);
});
