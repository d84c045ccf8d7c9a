import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

/** A node:http server on 127.0.0.1:0 answering 200 after `delayMs` (never, if `hang`). */
export async function startServer({ delayMs = 0, hang = false }: { delayMs?: number; hang?: boolean } = {}): Promise<TestServer> {
  let count = 0;
  const pending = new Set<NodeJS.Timeout>();
  const server: Server = createServer((_req, res) => {
    count++;
    if (hang) return;
    if (delayMs === 0) res.end('ok');
    else {
      const timer = setTimeout(() => {
        pending.delete(timer);
        res.end('ok');
      }, delayMs);
      pending.add(timer);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cli(run: (argv: string[], io: { out: (t: string) => void; err: (t: string) => void }) => Promise<number>, ...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
