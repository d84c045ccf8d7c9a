/**
 * Scale churn under load: 1 → 8 → 1 containers, round after round, with a steady open-loop load through
 * tier 1 all along. Every scale-in drains before it stops, so not one request may fail.
 * Two rounds by default; ACS_CHAOS_SLOW=1 runs five.
 */
import { ChaosCluster } from '../support/chaos-cluster';
import { describeLoad } from '../support/open-loop';

const ROUNDS = process.env['ACS_CHAOS_SLOW'] === '1' ? 5 : 2;
const cluster = new ChaosCluster({ run: `cs${process.pid}`, vms: 3 });

jest.setTimeout(60_000 + ROUNDS * 60_000);

beforeAll(async () => {
  await cluster.start();
  await cluster.scale(1);
  await cluster.waitForSteady(1, 40_000);
}, 90_000);

afterAll(() => cluster.cleanup());

test(`scale 1 → 8 → 1, ${ROUNDS} rounds under load: no request fails`, async () => {
  const load = cluster.load(20, ROUNDS * 60);
  const startedAt = Date.now();
  const rounds: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = Date.now();
      await cluster.scale(8);
      await cluster.waitForSteady(8, 45_000);
      const up = Date.now() - t0;
      await cluster.scale(1);
      await cluster.waitForSteady(1, 45_000);
      rounds.push(`${up}/${Date.now() - t0 - up}ms`);
    }
  } finally {
    const result = await load.stop();
    console.log(`chaos: scale churn 1→8→1 ×${ROUNDS}: ${describeLoad(result)} duration=${Date.now() - startedAt}ms up/down per round=${rounds.join(' ')}`);
    expect(result.failed).toEqual([]);
    expect(result.ok).toBe(result.sent);
  }
});
