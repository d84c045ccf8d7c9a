import type { ClusterResponse, VmScalingView } from '@acs/api-types';
import { acs, FakeVim } from './fake-vim';

let vim: FakeVim;
beforeEach(async () => {
  vim = await new FakeVim().start();
});
afterEach(() => vim.close());

const cluster: ClusterResponse = { services: [], vms: [{ id: 'vmm1', status: 'ready', draining: false, dockerUp: true, maxContainers: 2, containers: 2, ready: 2, cpuPct: 90, requestsPerSecond: 1 }] };

function view(overrides: Partial<VmScalingView>): VmScalingView {
  return {
    provider: 'process',
    settings: { minVms: 1, maxVms: 3, cpuThresholdPct: 80, idleCooldownMs: 60_000, startTimeoutMs: 60_000 },
    inProgress: null,
    lastDecision: null,
    vms: [],
    ...overrides,
  };
}

test('acs status ends with a VM scaling line: the provider, its VMs, what is under way and why', async () => {
  vim.on('GET', '/api/v1/cluster', { body: cluster });
  vim.on('GET', '/api/v1/vm-scaling', {
    body: view({
      inProgress: { action: 'start', vm: 'vmm3', startedAt: new Date().toISOString(), ageMs: 5000 },
      lastDecision: { at: new Date().toISOString(), action: 'start', vm: 'vmm3', reason: '1 container(s) unplaced and every VM is full: starting vmm3' },
      vms: [
        { name: 'vmm3', state: 'starting', pid: 42, emptyForMs: null, backoffUntil: null },
        { name: 'vmm4', state: 'standby', pid: null, emptyForMs: null, backoffUntil: null },
      ],
    }),
  });
  const { code, out } = await acs(['--api', vim.api, 'status']);
  expect(code).toBe(0);
  expect(out.join('\n').split('\n').at(-1)).toBe('VM scaling (process provider): vmm3 starting, vmm4 standby; starting vmm3 for 5s; 1 container(s) unplaced and every VM is full: starting vmm3');
});

test('with the provider off, or from a VIM without VM scaling, no line is added', async () => {
  vim.on('GET', '/api/v1/cluster', { body: cluster });
  vim.on('GET', '/api/v1/vm-scaling', { body: view({ provider: 'off', settings: null }) });
  const off = await acs(['--api', vim.api, 'status']);
  expect(off.out.join('\n')).not.toContain('VM scaling');
  const older = new FakeVim();
  await older.start();
  try {
    older.on('GET', '/api/v1/cluster', { body: cluster });
    const run = await acs(['--api', older.api, 'status']);
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).not.toContain('VM scaling');
  } finally {
    await older.close();
  }
});
