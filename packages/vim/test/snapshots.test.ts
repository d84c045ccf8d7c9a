import type { ContainerReport } from '@acs/protocol';
import type { VmRecord } from '../src/cluster-state';
import { placementSnapshot, queuedFor, scalingContainers } from '../src/scaling/snapshots';

function container(id: string, extra: Partial<ContainerReport> = {}): ContainerReport {
  return { id, name: id, service: 'web', state: 'running', ready: true, draining: false, cpuPct: 50, memBytes: 0, inflight: 1, requestsTotal: 10, hostPort: 30000, ...extra };
}

function vm(id: string, containers: ContainerReport[], extra: Partial<VmRecord> = {}): VmRecord {
  return {
    id,
    hostname: id,
    agentVersion: '0.1.0',
    address: '127.0.0.1:1',
    status: 'ready',
    capacity: { maxContainers: 4, cpus: 2, memoryBytes: 2 ** 30 },
    front: { host: '127.0.0.1', port: 8081 },
    connectedAt: 0,
    downSince: null,
    downReason: null,
    lastReportAt: 1000,
    lastReportSeq: 1,
    host: { cpuPct: 30, memUsedBytes: 0, memTotalBytes: 1, load1: 0 },
    containers,
    dockerUp: true,
    queued: 0,
    ...extra,
  };
}

describe('scalingContainers', () => {
  test('only the service’s containers on ready, undrained VMs, neither draining nor stopping', () => {
    const vms = [
      vm('a', [container('ready'), container('starting', { state: 'starting', ready: false }), container('draining', { draining: true }), container('other', { service: 'api' })]),
      vm('drained', [container('moving')]),
      vm('down', [container('lost')], { status: 'down' }),
    ];
    const got = scalingContainers(vms, 'web', new Set(['drained']), (id) => (id === 'ready' ? 12.5 : undefined));
    expect(got).toEqual([
      { id: 'ready', ready: true, starting: false, metrics: { cpu: 50, inflight: 1, rps: 12.5 } },
      { id: 'starting', ready: false, starting: true, metrics: { cpu: 50, inflight: 1 } },
    ]);
  });
});

describe('tier-2 queue as demand', () => {
  const noRate = (): undefined => undefined;
  const inflightOf = (vms: VmRecord[], service = 'web'): Record<string, number | undefined> =>
    Object.fromEntries(scalingContainers(vms, service, new Set(), noRate).map((c) => [c.id, c.metrics.inflight]));

  test.each<[string, VmRecord[], Record<string, number | undefined>]>([
    ['nothing waits: in-flight as reported', [vm('a', [container('x', { inflight: 2 })], { queued: 0 })], { x: 2 }],
    ['an agent without the count: in-flight as reported', [vm('a', [container('x', { inflight: 2 })], { queued: null })], { x: 2 }],
    ['one container in rotation takes the whole queue', [vm('a', [container('x', { inflight: 1 })], { queued: 9 })], { x: 10 }],
    [
      'the queue is split evenly over the VM’s containers in rotation',
      [vm('a', [container('x', { inflight: 2 }), container('y', { inflight: 1 })], { queued: 5 })],
      { x: 4.5, y: 3.5 },
    ],
    [
      'each VM’s queue stays on that VM',
      [vm('a', [container('x', { inflight: 1 })], { queued: 4 }), vm('b', [container('y', { inflight: 1 })], { queued: 0 })],
      { x: 5, y: 1 },
    ],
    [
      'starting containers get no share: the queue cannot go to them',
      [vm('a', [container('x', { inflight: 1 }), container('s', { state: 'starting', ready: false, inflight: 0 })], { queued: 6 })],
      { x: 7, s: 0 },
    ],
    [
      'draining containers (listed nowhere) get no share either',
      [vm('a', [container('x', { inflight: 1 }), container('d', { draining: true })], { queued: 6 })],
      { x: 7 },
    ],
    [
      'another service’s container in rotation shares the VM’s queue',
      [vm('a', [container('x', { inflight: 1 }), container('other', { service: 'api', inflight: 1 })], { queued: 6 })],
      { x: 4 },
    ],
  ])('in-flight: %s', (_name, vms, expected) => {
    expect(inflightOf(vms)).toEqual(expected);
  });

  test('queuedFor: every request waiting on a VM where the service has a container in rotation, whole', () => {
    const vms = [
      vm('a', [container('x'), container('other', { service: 'api' })], { queued: 3 }),
      vm('b', [container('y')], { queued: 2 }),
      vm('only-api', [container('z', { service: 'api' })], { queued: 50 }),
      vm('only-starting', [container('s', { state: 'starting', ready: false })], { queued: 40 }),
      vm('old-agent', [container('o')], { queued: null }),
      vm('drained', [container('m')], { queued: 30 }),
      vm('down', [container('l')], { status: 'down', queued: 20 }),
    ];
    expect(queuedFor(vms, 'web', new Set(['drained']))).toBe(5);
    expect(queuedFor(vms, 'api', new Set(['drained']))).toBe(53);
    expect(queuedFor([], 'web', new Set())).toBe(0);
  });
});

describe('placementSnapshot', () => {
  test('every VM with capacity, host CPU, drain flag, and each container’s state and first-seen time', () => {
    const vms = [vm('a', [container('r'), container('s', { state: 'starting', ready: false }), container('d', { state: 'stopping' }), container('gone', { state: 'exited' })]), vm('b', [], { status: 'down', host: null })];
    const snapshot = placementSnapshot(vms, new Set(['b']), () => 0.5, (id) => (id === 'r' ? 42 : undefined));
    expect(snapshot).toEqual([
      {
        id: 'a',
        status: 'ready',
        draining: false,
        dockerUp: true,
        maxContainers: 4,
        cpuCapacity: 2,
        hostCpuPct: 30,
        containers: [
          { id: 'r', service: 'web', cpus: 0.5, state: 'ready', inflight: 1, startedAt: 42 },
          { id: 's', service: 'web', cpus: 0.5, state: 'starting', inflight: 1 },
          { id: 'd', service: 'web', cpus: 0.5, state: 'draining', inflight: 1 },
        ],
      },
      { id: 'b', status: 'down', draining: true, dockerUp: true, maxContainers: 4, cpuCapacity: 2, hostCpuPct: undefined, containers: [] },
    ]);
  });

  test.each<[string, boolean | null, boolean | undefined]>([
    ['up', true, true],
    ['down', false, false],
    ['unknown (an older agent, or no report yet): left out, which placement counts as up', null, undefined],
  ])('Docker %s', (_name, dockerUp, expected) => {
    const [placed] = placementSnapshot([vm('a', [], { dockerUp })], new Set(), () => 0.5);
    expect(placed?.dockerUp).toBe(expected);
    expect(placed !== undefined && 'dockerUp' in placed).toBe(expected !== undefined);
  });
});
