import type { ReportMessage } from '@acs/protocol';
import { ClusterState, type VmRecord, type VmUpInput } from '../src/cluster-state';

function input(id: string): VmUpInput {
  return {
    id,
    hostname: `${id}.local`,
    agentVersion: '0.1.0',
    address: '127.0.0.1:40000',
    capacity: { maxContainers: 4, cpus: 2, memoryBytes: 2 ** 30 },
    front: null,
  };
}

function report(seq: number): ReportMessage {
  return {
    type: 'report',
    seq,
    at: 1000 + seq,
    host: { cpuPct: 12.5, memUsedBytes: 100, memTotalBytes: 1000, load1: 0.5 },
    containers: [
      {
        id: 'c1',
        name: 'web-1',
        service: 'web',
        state: 'running',
        ready: true,
        draining: false,
        cpuPct: 3,
        memBytes: 10,
        inflight: 0,
        requestsTotal: 5,
        hostPort: 32768,
      },
    ],
  };
}

describe('ClusterState', () => {
  test('vmUp records a ready VM and emits vmUp with it', () => {
    const cluster = new ClusterState();
    const ups: VmRecord[] = [];
    cluster.on('vmUp', (vm) => ups.push(vm));

    const vm = cluster.vmUp(input('vmm1'), 5000);
    expect(vm).toEqual({
      ...input('vmm1'),
      status: 'ready',
      connectedAt: 5000,
      downSince: null,
      downReason: null,
      lastReportAt: null,
      lastReportSeq: null,
      host: null,
      containers: [],
      dockerUp: null,
      queued: null,
    });
    expect(ups).toEqual([vm]);
    expect(cluster.get('vmm1')).toBe(vm);
    expect(cluster.get('nobody')).toBeUndefined();
  });

  test('anyReadyUnreported: true from a VM joining until its first report, and not for a VM that went down first', () => {
    const cluster = new ClusterState();
    expect(cluster.anyReadyUnreported()).toBe(false);
    const a = cluster.vmUp(input('a'), 1000);
    const b = cluster.vmUp(input('b'), 1000);
    expect(cluster.anyReadyUnreported()).toBe(true);
    cluster.applyReport(a, report(1), 1100);
    expect(cluster.anyReadyUnreported()).toBe(true);
    cluster.applyReport(b, report(1), 1100);
    expect(cluster.anyReadyUnreported()).toBe(false);
    cluster.applyReport(b, report(2), 1200); // a second report changes nothing
    expect(cluster.anyReadyUnreported()).toBe(false);

    // Reconnects: unreported again until the new session's first report.
    const a2 = cluster.vmUp(input('a'), 2000);
    expect(cluster.anyReadyUnreported()).toBe(true);
    cluster.applyReport(a2, report(1), 2100);
    expect(cluster.anyReadyUnreported()).toBe(false);

    // Goes down before reporting: nothing left to wait for.
    cluster.vmUp(input('c'), 3000);
    expect(cluster.anyReadyUnreported()).toBe(true);
    cluster.vmDown('c', 'heartbeat-timeout', 3100);
    expect(cluster.anyReadyUnreported()).toBe(false);

    // Joins twice without reporting in between (a replaced session): counted once.
    cluster.vmUp(input('d'), 4000);
    const d2 = cluster.vmUp(input('d'), 4001);
    cluster.applyReport(d2, report(1), 4100);
    expect(cluster.anyReadyUnreported()).toBe(false);
  });

  test('applyReport stores the latest report', () => {
    const cluster = new ClusterState();
    const vm = cluster.vmUp(input('vmm1'), 5000);
    cluster.applyReport(vm, report(1), 6000);
    cluster.applyReport(vm, report(2), 7000);
    expect(cluster.get('vmm1')).toMatchObject({
      lastReportAt: 7000,
      lastReportSeq: 2,
      host: report(2).host,
      containers: report(2).containers,
      status: 'ready',
    });
  });

  test.each<[string, Array<boolean | undefined>, boolean[]]>([
    ['up from the first report: no change', [true, true], []],
    ['down, then up: one change each way', [true, false, false, true], [false, true]],
    ['down from the first report is a change; up after it too', [false, true], [false, true]],
    ['an older agent that never says: nothing', [undefined, undefined], []],
    ['a report without the field (an older agent taking over) changes nothing', [true, false, undefined, false], [false]],
  ])('dockerChanged: %s', (_name, sequence, expected) => {
    const cluster = new ClusterState();
    const changes: boolean[] = [];
    cluster.on('dockerChanged', (_vm, up) => changes.push(up));
    const vm = cluster.vmUp(input('vmm1'), 5000);
    sequence.forEach((dockerUp, i) => {
      cluster.applyReport(vm, dockerUp === undefined ? report(i + 1) : { ...report(i + 1), dockerUp }, 6000 + i);
      expect(vm.dockerUp).toBe(dockerUp ?? null);
    });
    expect(changes).toEqual(expected);
  });

  test('dockerChanged remembers the last state across a reconnect: still down is no news, back up is', () => {
    const cluster = new ClusterState();
    const changes: Array<[string, boolean]> = [];
    cluster.on('dockerChanged', (vm, up) => changes.push([vm.id, up]));
    cluster.applyReport(cluster.vmUp(input('vmm1'), 1), { ...report(1), dockerUp: false }, 2);
    cluster.vmDown('vmm1', 'peer-closed', 3);
    const again = cluster.vmUp(input('vmm1'), 4);
    expect(again.dockerUp).toBeNull();
    cluster.applyReport(again, { ...report(1), dockerUp: false }, 5);
    cluster.vmDown('vmm1', 'peer-closed', 6);
    cluster.applyReport(cluster.vmUp(input('vmm1'), 7), { ...report(1), dockerUp: true }, 8);
    cluster.applyReport(cluster.vmUp(input('vmm2'), 9), { ...report(1), dockerUp: true }, 10);
    expect(changes).toEqual([['vmm1', false], ['vmm1', true]]);
  });

  test('vmDown marks the VM down once and emits vmDown once', () => {
    const cluster = new ClusterState();
    const downs: Array<[string, string]> = [];
    cluster.on('vmDown', (vm, reason) => downs.push([vm.id, reason]));
    cluster.vmUp(input('vmm1'), 5000);

    cluster.vmDown('vmm1', 'heartbeat-timeout', 9000);
    cluster.vmDown('vmm1', 'peer-closed', 9500);

    expect(downs).toEqual([['vmm1', 'heartbeat-timeout']]);
    expect(cluster.get('vmm1')).toMatchObject({ status: 'down', downSince: 9000, downReason: 'heartbeat-timeout' });
  });

  test('vmDown for an unknown id does nothing', () => {
    const cluster = new ClusterState();
    const listener = jest.fn();
    cluster.on('vmDown', listener);
    cluster.vmDown('ghost', 'peer-closed', 1);
    expect(listener).not.toHaveBeenCalled();
    expect(cluster.list()).toEqual([]);
  });

  test('a VM that comes back is ready again with a fresh record, and can go down again', () => {
    const cluster = new ClusterState();
    const downs = jest.fn();
    cluster.on('vmDown', downs);
    const first = cluster.vmUp(input('vmm1'), 1000);
    cluster.applyReport(first, report(7), 1500);
    cluster.vmDown('vmm1', 'peer-closed', 2000);

    const second = cluster.vmUp(input('vmm1'), 3000);
    expect(second).toMatchObject({ status: 'ready', connectedAt: 3000, downSince: null, downReason: null, lastReportSeq: null, host: null });
    expect(cluster.list()).toHaveLength(1);

    cluster.vmDown('vmm1', 'socket-error', 4000);
    expect(downs).toHaveBeenCalledTimes(2);
  });

  test('down VMs stay listed', () => {
    const cluster = new ClusterState();
    cluster.vmUp(input('a'), 1);
    cluster.vmUp(input('b'), 1);
    cluster.vmDown('a', 'peer-closed', 2);
    expect(cluster.list().map((vm) => [vm.id, vm.status])).toEqual([
      ['a', 'down'],
      ['b', 'ready'],
    ]);
  });

  test('list is sorted by id, numbers compared as numbers', () => {
    const cluster = new ClusterState();
    for (const id of ['vmm10', 'vmm2', 'web-3', 'vmm1', 'vmm20', 'vmm3', 'alpha']) cluster.vmUp(input(id), 0);
    expect(cluster.list().map((vm) => vm.id)).toEqual(['alpha', 'vmm1', 'vmm2', 'vmm3', 'vmm10', 'vmm20', 'web-3']);
  });
});
