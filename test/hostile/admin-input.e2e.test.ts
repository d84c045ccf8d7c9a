/**
 * Bad input to every changing route of a real acs-vim's admin API: no or wrong token (401), a body that is not
 * JSON (400), not a JSON object (400), not declared as JSON (415), too large (413, without reading it all),
 * with an unknown field or an out-of-range value (400, or 422 with `problems` on the autoscaler routes, the
 * field named either way). Nothing changes on any refusal.
 */
import { request } from 'node:http';
import { startVimProcess, type VimProcess } from '../support/lab';
import { ProcessGroup } from '../support/processes';

const TOKEN = 'hostile-admin-token-0123456789abcdef';
const group = new ProcessGroup();
let vim: VimProcess;

jest.setTimeout(60_000);

beforeAll(async () => {
  vim = await startVimProcess(group, { env: { ACS_ADMIN_TOKEN: TOKEN } });
});
afterAll(() => group.cleanup());

interface Answer {
  status: number;
  body: { error?: string; message?: string; problems?: Array<{ path: string; message: string }> };
}

async function send(method: string, path: string, options: { body?: string; contentType?: string | null; token?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/json';
  if (options.token !== null) headers['authorization'] = `Bearer ${options.token ?? TOKEN}`;
  const res = await fetch(`${vim.api}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** Every route that takes a JSON body, with a valid body, a body with an unknown field, and an out-of-range one. */
const BODY_ROUTES = [
  { method: 'PUT', path: '/api/v1/balancer', unknown: { policy: 'p2c', polcy: 'x' }, outOfRange: { consecutiveFailures: 0 }, field: 'consecutiveFailures', rangeStatus: 400 },
  { method: 'POST', path: '/api/v1/vms/no-such-vm/containers', unknown: { cpus: 1, cpu: 2 }, outOfRange: { memoryMb: 1 }, field: 'memoryMb', rangeStatus: 400 },
  { method: 'PUT', path: '/api/v1/services/web/policy', unknown: { scalling: {} }, outOfRange: { scaling: { maxReplicas: -3 } }, field: 'maxReplicas', rangeStatus: 422 },
  { method: 'POST', path: '/api/v1/services/web/scale', unknown: { replicas: 1, replica: 1 }, outOfRange: { replicas: 1_000_000 }, field: 'replicas', rangeStatus: 422 },
  { method: 'POST', path: '/api/v1/services/web/autoscale', unknown: { enabled: true, enable: true }, outOfRange: { enabled: 'yes' }, field: 'enabled', rangeStatus: 422 },
] as const;

/** Changing routes without a body. */
const BODILESS_ROUTES = [
  { method: 'POST', path: '/api/v1/agent-server/reset-lag' },
  { method: 'POST', path: '/api/v1/vms/no-such-vm/drain' },
  { method: 'DELETE', path: '/api/v1/vms/no-such-vm/drain' },
  { method: 'DELETE', path: '/api/v1/containers/no-such-container' },
] as const;

const unknownName = (body: object): string => Object.keys(body).at(-1)!;

describe.each(BODY_ROUTES)('$method $path', (route) => {
  test('no token or a wrong one: 401', async () => {
    for (const token of [null, 'wrong']) expect((await send(route.method, route.path, { body: '{}', token })).status).toBe(401);
  });

  test('a body that is not JSON, or not an object: 400 bad-json', async () => {
    for (const body of ['{"policy": ', 'not json', '[1,2]', '"text"', '42']) {
      const answer = await send(route.method, route.path, { body });
      expect([body, answer.status, answer.body.error]).toEqual([body, 400, 'bad-json']);
    }
  });

  test('a body not declared as JSON: 415', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
      const answer = await send(route.method, route.path, { body: '{}', contentType });
      expect([contentType, answer.status, answer.body.error]).toEqual([contentType, 415, 'unsupported-media-type']);
      expect(answer.body.message).toMatch(/application\/json/);
    }
  });

  test('a body over 64 KiB: 413', async () => {
    const answer = await send(route.method, route.path, { body: JSON.stringify({ pad: 'x'.repeat(200 * 1024) }) });
    expect([answer.status, answer.body.error]).toEqual([413, 'body-too-large']);
  });

  test('an unknown field: refused, naming it', async () => {
    const answer = await send(route.method, route.path, { body: JSON.stringify(route.unknown) });
    expect([400, 422]).toContain(answer.status);
    expect(answer.body.message).toContain(unknownName(route.unknown));
  });

  test('an out-of-range or wrongly typed value: refused, naming the field', async () => {
    const answer = await send(route.method, route.path, { body: JSON.stringify(route.outOfRange) });
    expect(answer.status).toBe(route.rangeStatus);
    expect(answer.body.message).toContain(route.field);
    if (route.rangeStatus === 422) expect(answer.body.problems!.map((p) => p.path).join()).toContain(route.field);
  });
});

describe.each(BODILESS_ROUTES)('$method $path', (route) => {
  test('no token or a wrong one: 401', async () => {
    for (const token of [null, 'wrong']) expect((await send(route.method, route.path, { token })).status).toBe(401);
  });
});

test('a bad drain timeout on DELETE /api/v1/containers/:id: 400 naming it', async () => {
  for (const value of ['-1', 'soon', '1e12']) {
    const answer = await send('DELETE', `/api/v1/containers/abcd?drainTimeoutMs=${value}`);
    expect([value, answer.status, answer.body.error]).toEqual([value, 400, 'invalid-drain-timeout']);
  }
});

test('nothing changed after all of that', async () => {
  const balancer = (await (await fetch(`${vim.api}/api/v1/balancer`)).json()) as Record<string, unknown>;
  expect(balancer).toMatchObject({ policy: 'p2c', consecutiveFailures: 5 });
  const policy = (await (await fetch(`${vim.api}/api/v1/services/web/policy`)).json()) as { scaling: { maxReplicas: number } };
  expect(policy.scaling.maxReplicas).toBeGreaterThan(0);
});

test('an endless chunked body is cut once 64 KiB are in (413, or the connection closed): the VIM stops reading it', async () => {
  const url = new URL(`${vim.api}/api/v1/balancer`);
  let written = 0;
  const outcome = await new Promise<string>((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } },
      (res) => {
        res.resume();
        resolve(String(res.statusCode));
      },
    );
    // The VIM answers 413 and closes without reading further: the client may see the answer, or only the cut.
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const pump = (): void => {
      // Bounded: 64 MiB at most; the VIM must stop taking it long before.
      while (written < 64 * 1024 * 1024 && !req.destroyed) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    req.write('{"policy":"p2c","pad":"');
    pump();
  });
  expect(['413', 'EPIPE', 'ECONNRESET']).toContain(outcome);
  // What the kernel's socket buffers took, not the 64 MiB offered.
  expect(written).toBeLessThan(16 * 1024 * 1024);
  expect((await fetch(`${vim.api}/healthz`)).status).toBe(200);
});
