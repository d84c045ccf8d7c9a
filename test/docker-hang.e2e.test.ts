/**
 * ContainerManager in-process against the real Docker Engine, reached through a unix-socket relay that can
 * freeze: while partitioned the engine accepts connections and answers nothing, as a hung dockerd does.
 * The manager must notice within a bound (a re-read period plus its call timeout), say so as a change (the
 * agent reports changes at once), refuse starts and stops meanwhile, and notice the engine answering again.
 * A stopped engine (socket refused) is covered by test/docker-outage.e2e.test.ts with a private dockerd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { createLogger } from '@acs/daemon';
import { ContainerManager, TrafficFront } from '@acs/vmm';
import { removeAgentContainers } from './support/docker';
import { eventually } from './support/lab';
import { TcpRelay } from './support/tcp-relay';

const AGENT = `dkr${process.pid}-hang`;
const log = createLogger('test', 'silent');
const spec = { service: 'web', image: 'acs-workload:latest', cpus: 0.5, memoryBytes: 128 * 1024 * 1024, pidsLimit: 64, containerPort: 8080, env: { WORK_MS: '1' } };

let dir: string;
let relay: TcpRelay;
let front: TrafficFront;
let manager: ContainerManager;
let changes = 0;

jest.setTimeout(90_000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'acs-dkr-'));
  relay = await TcpRelay.startUnix(join(dir, 'docker.sock'), '/var/run/docker.sock');
  front = new TrafficFront(
    { listen: { host: '127.0.0.1', port: 0 }, agentId: AGENT, policy: 'least-connections', maxInflightPerContainer: 2, queueLimit: 16, queueTimeoutMs: 1000, upstreamTimeoutMs: 5000 },
    log,
  );
  await front.listen();
  manager = new ContainerManager(
    new Docker({ socketPath: join(dir, 'docker.sock') }),
    front,
    { agentId: AGENT, maxContainers: 2, readinessTimeoutMs: 30_000, stopGraceSeconds: 1, reconcileIntervalMs: 1000 },
    log,
  );
  manager.on('changed', () => changes++);
  await manager.start();
});

afterAll(async () => {
  relay?.heal();
  manager?.close();
  await front?.close();
  await relay?.close();
  removeAgentContainers([AGENT]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a hung engine is noticed within a bound and reported as a change; starts and stops are refused meanwhile, the container keeps serving; the engine answering again is noticed', async () => {
  expect(manager.dockerAvailable).toBe(true);
  const { containerId } = await manager.startContainer(spec);
  await eventually(() => Promise.resolve(manager.reportContainers().find((c) => c.id === containerId)?.ready), 30_000, 'the container ready');
  const changesBefore = changes;

  relay.partition();
  const frozeAt = Date.now();
  // Bound: one re-read period (1 s here) plus DOCKER_CALL_TIMEOUT_MS (5 s); waited for far longer.
  await eventually(() => Promise.resolve(!manager.dockerAvailable), 30_000, 'the hung engine counted as not answering');
  const detectedMs = Date.now() - frozeAt;
  expect(changes).toBeGreaterThan(changesBefore);
  await expect(manager.startContainer(spec)).rejects.toMatchObject({ code: 'docker-unavailable' });
  await expect(manager.stopContainer(containerId, 1000)).rejects.toMatchObject({ code: 'docker-unavailable' });
  // Refused before any drain: still in rotation, as reported.
  expect(manager.reportContainers().find((c) => c.id === containerId)).toMatchObject({ ready: true, draining: false, state: 'running' });

  const changesWhileDown = changes;
  relay.heal();
  const healedAt = Date.now();
  await eventually(() => Promise.resolve(manager.dockerAvailable), 30_000, 'the engine answering again');
  const recoveredMs = Date.now() - healedAt;
  expect(changes).toBeGreaterThan(changesWhileDown);
  console.log(`docker hang: detection=${detectedMs}ms recovery=${recoveredMs}ms`);

  // Everything works again, the stop included.
  await expect(manager.stopContainer(containerId, 1000)).resolves.toMatchObject({ containerId });
  expect(manager.reportContainers()).toEqual([]);
});
