/**
 * Restarting the Docker Engine under a VMM, under load. The machine's shared dockerd is never touched:
 * the test runs a private dockerd of its own (own data dir, socket and bridge, live restore on), loads
 * the workload image into it, and points one acs-vmm at it with --docker-socket. The other VMM uses the
 * shared engine, so the service keeps a VM to serve from while the private engine is down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ChaosCluster } from '../support/chaos-cluster';
import { describeLoad, type OpenLoop } from '../support/open-loop';
import { PrivateDockerd, privateDockerdUnavailable } from '../support/private-dockerd';

const RATE = 20;
const unavailable = privateDockerdUnavailable();
const cluster = new ChaosCluster({ run: `cd${process.pid}`, vms: 2 });
const [SHARED_VM, PRIVATE_VM] = cluster.vmIds as [string, string];
let engine: PrivateDockerd | undefined;
let load: OpenLoop | undefined;

jest.setTimeout(120_000);

if (unavailable) {
  // Said where a CI log shows it, not only as a skipped test.
  console.log(`chaos: dockerd restart SKIPPED: ${unavailable}`);
}

const maybe = unavailable ? test.skip : test;

beforeAll(async () => {
  if (unavailable) return;
  engine = new PrivateDockerd(String(process.pid % 10_000));
  await engine.start();
  await engine.loadImage('acs-workload:latest');
  await cluster.startVim();
  cluster.startAgent(SHARED_VM);
  cluster.startAgent(PRIVATE_VM, { args: ['--docker-socket', engine.socket] });
  await cluster.waitForVms(2, 20_000);
}, 90_000);

afterAll(async () => {
  await load?.stop();
  await cluster.cleanup();
  await engine?.destroy();
}, 60_000);

maybe('restarting dockerd: the VMM notices the outage, keeps its containers, and re-adopts them when the engine is back', async () => {
  await cluster.scale(2);
  await cluster.waitForSteady(2, 60_000);
  const privateContainers = (await cluster.containers()).filter((c) => c.vm === PRIVATE_VM).map((c) => c.id);
  expect(privateContainers).toHaveLength(1);
  const since = await cluster.lastEventId();
  const agent = cluster.agents.get(PRIVATE_VM)!;
  const logsBefore = agent.logs.length;
  load = cluster.load(RATE, 60);
  await sleep(1000);

  const stoppedAt = Date.now();
  await engine!.stop();
  const outageSeen = await agent.waitUntil(() => agent.logs.slice(logsBefore).find((l) => l.msg === 'Docker Engine unavailable'), 15_000, 'the VMM to notice the outage');
  const detectedMs = Date.parse(String(outageSeen['time'])) - stoppedAt;
  await engine!.restart();
  const upAt = Date.now();
  const back = await agent.waitUntil(() => agent.logs.slice(logsBefore).find((l) => l.msg === 'Docker Engine available'), 15_000, 'the VMM to see the engine again');
  const recoveredMs = Date.parse(String(back['time'])) - upAt;
  // Serving again through the private VM: its container answers through the engine's proxy.
  await cluster.waitForSteady(2, 30_000);
  await sleep(2000);
  const result = await load.stop();
  load = undefined;
  console.log(`chaos: dockerd restart: ${describeLoad(result)} engine-down=${upAt - stoppedAt}ms detection=${detectedMs}ms recovery-after-engine-up=${recoveredMs}ms`);

  // The same container, never restarted or replaced: live restore kept it, the agent kept it.
  expect((await cluster.containers()).filter((c) => c.vm === PRIVATE_VM).map((c) => c.id)).toEqual(privateContainers);
  expect(engine!.docker('ps', '-q', '--no-trunc')).toBe(privateContainers[0]);
  expect(await cluster.events('command', since)).toEqual([]);
  // While the engine (and its port proxy) was down, requests sent to that VM could fail; none after.
  for (const f of result.failed) expect(f.sentAt).toBeLessThanOrEqual(upAt + recoveredMs + 1000);
}, 120_000);
