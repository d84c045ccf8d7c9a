/**
 * ContainerManager in-process against the real Docker Engine and a real TrafficFront.
 * Regression: a reconcile landing while a container is being created must not take it for a leftover.
 */
import Docker from 'dockerode';
import { createLogger } from '@acs/daemon';
import { ContainerManager, TrafficFront } from '@acs/vmm';
import { removeAgentContainers } from './support/docker';
import { eventually } from './support/lab';

const AGENT = `t${process.pid}-cm`;
const log = createLogger('test', 'silent');
const spec = {
  service: 'web',
  image: 'acs-workload:latest',
  cpus: 0.5,
  memoryBytes: 128 * 1024 * 1024,
  pidsLimit: 64,
  containerPort: 8080,
  env: { WORK_MS: '1' },
};

let front: TrafficFront;
let manager: ContainerManager;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  front = new TrafficFront(
    { listen: { host: '127.0.0.1', port: 0 }, agentId: AGENT, policy: 'least-connections', maxInflightPerContainer: 2, queueLimit: 16, queueTimeoutMs: 1000, upstreamTimeoutMs: 5000 },
    log,
  );
  await front.listen();
  manager = new ContainerManager(
    new Docker({ socketPath: '/var/run/docker.sock' }),
    front,
    { agentId: AGENT, maxContainers: 3, readinessTimeoutMs: 20_000, stopGraceSeconds: 1, reconcileIntervalMs: 60_000 },
    log,
  );
  await manager.start();
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  manager.close();
  await front.close();
  removeAgentContainers([AGENT]);
});

test('containers started while reconcile runs again and again all come up; none is removed as a leftover', async () => {
  let hammering = true;
  const hammer = (async () => {
    while (hammering) {
      await manager.reconcile();
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const started = await Promise.all([manager.startContainer(spec), manager.startContainer(spec), manager.startContainer(spec)]);
  await eventually(() => Promise.resolve(manager.reportContainers().filter((c) => c.ready).length === 3), 20_000, 'three ready containers');
  hammering = false;
  await hammer;
  expect(manager.reportContainers().map((c) => c.id).sort()).toEqual(started.map((s) => s.containerId).sort());
  // The front's fixed cap of 2, as each container's report carries it.
  expect(manager.reportContainers().map((c) => c.inflightLimit)).toEqual([2, 2, 2]);
  expect(unhandled).toEqual([]);
  await expect(manager.startContainer(spec)).rejects.toMatchObject({ code: 'at-capacity' });
}, 60_000);
