/**
 * The floor for bench:agents: a receiver that only answers the handshake, frames, and decodes msgpackr,
 * with no validation, state or pings. `bench:agents -- --target bare` runs against it, so the VIM's
 * figures can be read as "the floor plus what the VIM adds".
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { Packr, Unpackr } from 'msgpackr';
import { createNonce } from '@acs/protocol';

let reportsTotal = 0;
let ready = 0;
const lagCounts: number[] = [];

const agents = createServer((socket) => {
  const packr = new Packr({ sequential: true, useRecords: true });
  const unpackr = new Unpackr({ sequential: true, useRecords: true });
  const send = (message: unknown): void => {
    const payload = packr.pack(message);
    const frame = Buffer.allocUnsafe(4 + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    payload.copy(frame, 4);
    socket.write(frame);
  };
  let pending: Buffer | null = null;
  socket.on('data', (chunk: Buffer) => {
    let data = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (data.length - offset < 4 + length) break;
      const message = unpackr.unpack(data.subarray(offset + 4, offset + 4 + length)) as { type: string; at?: number };
      offset += 4 + length;
      if (message.type === 'hello') {
        send({ type: 'welcome', reportIntervalMs: 1000, heartbeatTimeoutMs: 3000, pingIntervalMs: 5000 });
        ready++;
      } else if (message.type === 'report') {
        reportsTotal++;
        const lag = Math.max(0, Date.now() - (message.at ?? 0));
        lagCounts.push(lag);
        if (lagCounts.length > 1_000_000) lagCounts.length = 0;
      }
    }
    if (offset < data.length) pending = Buffer.from(data.subarray(offset));
    data = Buffer.alloc(0);
  });
  socket.on('close', () => ready--);
  socket.on('error', () => undefined);
  send({ type: 'challenge', protocolVersion: 1, nonce: createNonce() });
});

const admin = createHttpServer((req, res) => {
  if (req.url === '/api/v1/agent-server/reset-lag') lagCounts.length = 0;
  const sorted = [...lagCounts].sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  res.end(JSON.stringify({ sessions: { ready }, reportsTotal, lagMs: { count: sorted.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted.at(-1) ?? 0 } }));
});

agents.listen(0, '127.0.0.1', () => {
  admin.listen(0, '127.0.0.1', () => {
    const agentPort = (agents.address() as AddressInfo).port;
    const adminPort = (admin.address() as AddressInfo).port;
    console.log(JSON.stringify({ msg: 'acs-vim listening', agentListen: `127.0.0.1:${agentPort}`, adminListen: `127.0.0.1:${adminPort}` }));
  });
});
process.on('SIGTERM', () => process.exit(0));
