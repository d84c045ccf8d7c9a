import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from '../src/main';
import type { CliIo } from '../src/program';

/** One request as the fake VIM saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  auth: string | undefined;
}

/** A canned answer, or 'hang-up' to drop the connection as a VIM that died mid-request would. */
export type Answer = { status?: number; body: unknown } | 'hang-up';
export type Route = (request: SeenRequest) => Answer;

/**
 * A real HTTP server on 127.0.0.1:0 standing in for the VIM admin API: it answers from routes keyed by
 * "METHOD /path" (without the query) and records every request, so tests assert what the CLI sent.
 * Unknown routes get the VIM's 404 body.
 */
export class FakeVim {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private server: Server | undefined;
  api = '';

  on(method: string, path: string, route: Route | Answer): this {
    this.routes.set(`${method} ${path}`, typeof route === 'function' ? route : () => route);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const seen: SeenRequest = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
          auth: req.headers.authorization,
        };
        this.requests.push(seen);
        const route = this.routes.get(`${seen.method} ${seen.path}`);
        const answer = route ? route(seen) : { status: 404, body: { error: 'not-found', message: `no route ${seen.method} ${seen.path}` } };
        if (answer === 'hang-up') {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.api = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs `acs` in-process, collecting what it prints. */
export async function acs(argv: string[], io: Partial<CliIo> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (text) => out.push(text), err: (text) => err.push(text), ...io });
  return { code, out, err };
}
