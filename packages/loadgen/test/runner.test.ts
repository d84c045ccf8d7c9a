import { performance } from 'node:perf_hooks';
import { runLoad, type LoadOptions } from '../src/runner';
import { startServer, type TestServer } from './helpers';

function options(server: TestServer, o: Partial<LoadOptions> & { rps: number }): LoadOptions {
  const { rps, ...rest } = o;
  return { url: new URL(server.url), durationS: 2, maxInflight: 256, timeoutMs: 2000, rate: () => rps, arrivals: 'constant', seed: 1, ...rest };
}

describe('runLoad (real HTTP)', () => {
  let servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const server = async (o?: Parameters<typeof startServer>[0]): Promise<TestServer> => {
    const s = await startServer(o);
    servers.push(s);
    return s;
  };

  it('achieves the offered rate within 5% at 200 req/s for 2 s', async () => {
    const s = await server();
    const r = await runLoad(options(s, { rps: 200 }));
    expect(r.offered).toBe(400);
    expect(Math.abs(r.achievedRps - 200) / 200).toBeLessThan(0.05);
    expect(r.ok).toBe(400);
    expect(r.dropped).toBe(0);
    expect(s.requests()).toBe(400);
    expect(r.seconds.slice(0, 2).map((row) => row.offered)).toEqual([200, 200]);
  });

  it('keeps offering against a slow server (open loop)', async () => {
    const s = await server({ delayMs: 200 });
    const r = await runLoad(options(s, { rps: 100, durationS: 1 }));
    expect(r.offered).toBe(100);
    expect(r.sent).toBe(100);
    expect(Math.abs(r.sentRps - 100) / 100).toBeLessThan(0.05);
    expect(r.ok).toBe(100);
    expect(r.latencyMs.p50).toBeGreaterThanOrEqual(195);
  });

  it('drops arrivals past --max-inflight instead of delaying them', async () => {
    const s = await server({ delayMs: 300 });
    const r = await runLoad(options(s, { rps: 100, durationS: 0.5, maxInflight: 5 }));
    expect(r.offered).toBe(50);
    // 5 slots freed every 300 ms: about 10 sent in the half second, the rest dropped at once.
    expect(r.dropped).toBeGreaterThanOrEqual(35);
    expect(r.sent + r.dropped).toBe(50);
  });

  it('stops at --duration and gives in-flight requests only --timeout', async () => {
    const s = await server({ hang: true });
    const started = performance.now();
    const r = await runLoad(options(s, { rps: 50, durationS: 1, timeoutMs: 300 }));
    const wallS = (performance.now() - started) / 1000;
    expect(wallS).toBeGreaterThanOrEqual(1);
    expect(wallS).toBeLessThan(1.6);
    expect(r.offered).toBe(50);
    expect(r.errors.timeout).toBe(50);
    expect(r.ok).toBe(0);
  });

  it('stops early on abort and reports what it has so far', async () => {
    const s = await server({ delayMs: 1000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const r = await runLoad(options(s, { rps: 100, durationS: 10 }), { signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.interrupted).toBe(true);
    expect(r.offered).toBeGreaterThan(20);
    expect(r.errors.aborted).toBe(r.sent);
  });

  it('stops after --max-requests', async () => {
    const s = await server();
    const r = await runLoad(options(s, { rps: 100, durationS: 5, maxRequests: 20 }));
    expect(r.offered).toBe(20);
    expect(r.windowS).toBeLessThan(0.3);
  });
});
