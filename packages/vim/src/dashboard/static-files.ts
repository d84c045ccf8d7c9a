import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { HttpError } from '../http-util';

/** The dashboard's own files: `static/` of the vim package, beside both `src/` and `dist/`. */
export const DASHBOARD_STATIC_DIR = resolve(__dirname, '../../static');

/** uPlot's browser build, served from node_modules so nothing is fetched from a CDN at run time. */
const VENDOR_FILES = {
  'uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Scripts, styles and data only from this origin; no inline script, no framing, no plugins. uPlot sizes its
 * elements through the CSSOM, which style-src does not restrict.
 */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * Serves a fixed set of files read once into memory. A request names a file; it is looked up in that set
 * and never turned into a path, so `..`, encoded dots, absolute paths and NUL bytes all just miss (404).
 */
export class StaticFiles {
  private files: Map<string, StaticFile> | undefined;

  constructor(private readonly dir = DASHBOARD_STATIC_DIR) {}

  /** The names served (for tests and the log). */
  names(): string[] {
    return [...this.load().keys()];
  }

  serve(req: IncomingMessage, res: ServerResponse, name: string): void {
    const file = this.load().get(name);
    if (file === undefined) throw new HttpError(404, 'not-found', `no dashboard file ${JSON.stringify(name)}`);
    const headers = {
      'content-type': file.contentType,
      // Revalidate every time (cheap, by ETag): the files are not fingerprinted, and an upgraded VIM must not
      // run with yesterday's script.
      'cache-control': 'no-cache',
      etag: file.etag,
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(file.body.length) });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  private load(): Map<string, StaticFile> {
    if (this.files) return this.files;
    const files = new Map<string, StaticFile>();
    let names: string[];
    try {
      names = readdirSync(this.dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    } catch (error) {
      throw new HttpError(500, 'dashboard-missing', `the dashboard files are missing from ${this.dir} (${(error as Error).message}); reinstall @acs/vim`);
    }
    const add = (name: string, path: string): void => {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType === undefined) return;
      const body = readFileSync(path);
      files.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
    };
    for (const name of names) add(name, join(this.dir, name));
    for (const [name, spec] of Object.entries(VENDOR_FILES)) add(name, require.resolve(spec));
    this.files = files;
    return files;
  }
}
