import { request } from 'node:http';

/** One GET /healthz on 127.0.0.1:port; true only for a 2xx within `timeoutMs`. */
export function probeHealth(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Polls /healthz until it answers, `shouldStop()` turns true, or `deadlineMs` passes. A new container
 * takes traffic only after this resolves true.
 */
export async function waitUntilHealthy(port: number, options: { deadlineMs: number; intervalMs: number; shouldStop: () => boolean }): Promise<boolean> {
  const giveUpAt = Date.now() + options.deadlineMs;
  while (Date.now() < giveUpAt && !options.shouldStop()) {
    if (await probeHealth(port)) return true;
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
  return false;
}
