import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_KINDS, type ClusterResponse, type EventListResponse, type EventView, type ServicePolicyView, type ServiceView } from '@acs/api-types';
import { acs, FakeVim, type SeenRequest } from './fake-vim';


/** Local wall-clock time as the CLI prints it, computed independently of src/format. */
function hms(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hourCycle: 'h23' });
}

const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();

function event(id: number, kind: EventView['kind'], message: string, extra: Partial<EventView> = {}): EventView {
  return { id, at: ago(3000), kind, service: 'web', message, data: {}, ...extra };
}

function service(overrides: Partial<ServiceView> = {}): ServiceView {
  return {
    name: 'web',
    autoscale: true,
    desired: 3,
    ready: 2,
    starting: 1,
    draining: 0,
    minReplicas: 1,
    maxReplicas: 12,
    strategy: 'reactive',
    placement: 'spread',
    lastDecision: null,
    actionsInProgress: [],
    ...overrides,
  };
}

const POLICY: ServicePolicyView = {
  service: 'web',
  scaling: {
    strategy: 'reactive',
    minReplicas: 1,
    maxReplicas: 12,
    controlPeriodMs: 2000,
    metrics: [
      { metric: 'cpu', target: 60 },
      { metric: 'rps', target: 40 },
    ],
    behavior: {
      scaleUp: { stabilizationWindowS: 0, tolerance: 0.1, selectPolicy: 'max', cooldownS: 0, policies: [{ type: 'containers', value: 4, periodS: 15 }] },
      scaleDown: { stabilizationWindowS: 300, tolerance: 0.1, selectPolicy: 'max', cooldownS: 0, policies: [{ type: 'percent', value: 100, periodS: 15 }] },
    },
  },
  placement: { strategy: 'spread', cpuOvercommit: 1, maxHostCpuPct: 90 },
};

let vim: FakeVim;

beforeEach(async () => {
  vim = await new FakeVim().start();
});

afterEach(async () => {
  await vim.close();
});

const paths = (): string[] => vim.requests.map((r) => `${r.method} ${r.path}`);

describe('acs --help', () => {
  test('lists the autoscaling commands', async () => {
    const { code, out } = await acs(['--help']);
    expect(code).toBe(0);
    for (const name of ['status', 'scale', 'autoscale', 'policy', 'drain', 'events', 'why']) {
      expect(out.join('\n')).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    }
  });

  test.each([['status'], ['scale'], ['autoscale'], ['policy', 'set'], ['drain'], ['events'], ['why']])('%s --help exits 0 with usage', async (...command) => {
    const { code, out } = await acs([...command, '--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain(`Usage: acs ${command.join(' ')}`);
  });
});

describe('acs status', () => {
  const cluster: ClusterResponse = {
    services: [
      service({ lastDecision: { at: ago(12_000), desired: 3, reason: 'scale-up', summary: 'CPU 84% of 60% target over 2 ready containers → 3' } }),
      service({ name: 'api', autoscale: false, desired: 2, ready: 2, starting: 0, draining: 1, strategy: 'threshold', minReplicas: 2, maxReplicas: 6, placement: 'binpack' }),
    ],
    vms: [
      { id: 'vmm1', status: 'ready', draining: false, dockerUp: true, maxContainers: 4, containers: 3, ready: 2, cpuPct: 41.25, requestsPerSecond: 123.45 },
      { id: 'vmm2', status: 'down', draining: true, dockerUp: null, maxContainers: 8, containers: 0, ready: 0, cpuPct: null, requestsPerSecond: 0 },
      { id: 'vmm3', status: 'ready', draining: false, dockerUp: false, maxContainers: 4, containers: 1, ready: 1, cpuPct: 5, requestsPerSecond: 2 },
    ],
  };

  test('prints a service table, each service’s last decision, and a VM table', async () => {
    vim.on('GET', '/api/v1/cluster', { body: cluster });
    const { code, out, err } = await acs(['--api', vim.api, 'status']);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const lines = out.join('\n').split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+DESIRED\s+READY\s+STARTING\s+DRAINING\s+AUTOSCALE\s+STRATEGY\s+MIN-MAX\s+PLACEMENT$/);
    expect(lines[1]).toMatch(/^web\s+3\s+2\s+1\s+0\s+on\s+reactive\s+1-12\s+spread$/);
    expect(lines[2]).toMatch(/^api\s+2\s+2\s+0\s+1\s+off\s+threshold\s+2-6\s+binpack$/);
    expect(lines[3]).toBe('web: last decision 12s ago chose 3 (scale-up): CPU 84% of 60% target over 2 ready containers → 3');
    expect(lines[4]).toBe('api: no autoscaling decision yet (autoscale off: pinned at 2 until `acs autoscale on`)');
    expect(lines[5]).toBe('');
    expect(lines[6]).toMatch(/^VM\s+STATUS\s+DRAINING\s+CONTAINERS\s+READY\s+CPU\s+REQ\/S$/);
    expect(lines[7]).toMatch(/^vmm1\s+ready\s+no\s+3\/4\s+2\s+41\.3%\s+123\.5$/);
    expect(lines[8]).toMatch(/^vmm2\s+down\s+yes\s+0\/8\s+0\s+-\s+0\.0$/);
    expect(lines[9]).toMatch(/^vmm3\s+ready \(docker down\)\s+no\s+1\/4\s+1\s+5\.0%\s+2\.0$/);
    expect(lines).toHaveLength(10);
    // VM scaling is asked for too; an older VIM's 404 leaves it out.
    expect(paths()).toEqual(['GET /api/v1/cluster', 'GET /api/v1/vm-scaling']);
  });

  test('batches under way are named on the service line', async () => {
    const busy: ClusterResponse = { ...cluster, services: [service({ autoscale: true, actionsInProgress: [{ kind: 'scale-out', startedAt: ago(4000), ageMs: 4000 }] })] };
    vim.on('GET', '/api/v1/cluster', { body: busy });
    const { code, out } = await acs(['--api', vim.api, 'status']);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('web: no autoscaling decision yet; under way: scale-out for 4s');
  });

  test('--json prints the exact response', async () => {
    vim.on('GET', '/api/v1/cluster', { body: cluster });
    const { code, out } = await acs(['--api', vim.api, 'status', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(cluster);
  });

  test('an empty cluster says so rather than printing bare headers', async () => {
    vim.on('GET', '/api/v1/cluster', { body: { services: [], vms: [] } });
    const { code, out } = await acs(['--api', vim.api, 'status']);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^No services\.\n\nNo VMs have connected yet/);
  });
});

describe('acs scale / autoscale', () => {
  test('scale N posts {replicas} with the token, for --service, and says autoscale is now off', async () => {
    vim.on('POST', '/api/v1/services/api/scale', { body: service({ name: 'api', autoscale: false, desired: 5, ready: 3, starting: 2 }) });
    const { code, out, err } = await acs(['--api', vim.api, '--token', 's3cret', 'scale', '5', '--service', 'api']);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(vim.requests).toEqual([
      { method: 'POST', path: '/api/v1/services/api/scale', query: {}, body: { replicas: 5 }, auth: 'Bearer s3cret' } satisfies SeenRequest,
    ]);
    expect(out).toEqual(['api pinned at 5 containers (now 3 ready, 2 starting, 0 draining); autoscale is now off until `acs autoscale on`']);
  });

  test('scale 0 is allowed and the service defaults to web', async () => {
    const view = service({ autoscale: false, desired: 0, ready: 0, starting: 0, draining: 3 });
    vim.on('POST', '/api/v1/services/web/scale', { body: view });
    const { code, out } = await acs(['--api', vim.api, 'scale', '0', '--json']);
    expect(code).toBe(0);
    expect(vim.requests[0]!.body).toEqual({ replicas: 0 });
    expect(JSON.parse(out.join('\n'))).toEqual(view);
  });

  test.each([['-1'], ['2.5'], ['three'], ['1e3'], ['']])('scale %j is a usage error before any request', async (n) => {
    const { code, out, err } = await acs(['--api', vim.api, 'scale', n]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain('expected a whole number, 0 or more');
    expect(vim.requests).toEqual([]);
  });

  test.each([
    ['on', true, /^autoscale on for web: the reactive autoscaler sets the count between 1 and 12/],
    ['off', false, /^autoscale off for web: the count stays at 3 until `acs scale` or `acs autoscale on`/],
  ])('autoscale %s posts {enabled: %p}', async (state, enabled, said) => {
    vim.on('POST', '/api/v1/services/web/autoscale', { body: service({ autoscale: enabled }) });
    const { code, out } = await acs(['--api', vim.api, '--token', 't', 'autoscale', state]);
    expect(code).toBe(0);
    expect(vim.requests).toMatchObject([{ method: 'POST', body: { enabled }, auth: 'Bearer t' }]);
    expect(out[0]).toMatch(said);
  });

  test.each([['yes'], ['ON'], ['true']])('autoscale %s is a usage error naming on and off, before any request', async (state) => {
    const { code, err } = await acs(['--api', vim.api, 'autoscale', state]);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('Allowed choices are on, off.');
    expect(vim.requests).toEqual([]);
  });
});

describe('acs policy', () => {
  test('`policy` (get by default) prints one key=value a line, metrics in the compact form', async () => {
    vim.on('GET', '/api/v1/services/api/policy', { body: { ...POLICY, service: 'api' } });
    const { code, out } = await acs(['--api', vim.api, 'policy', '--service', 'api']);
    expect(code).toBe(0);
    expect(out.join('\n').split('\n')).toEqual([
      'policy of api (change a line: acs policy set --service api key=value ...)',
      'strategy=reactive',
      'minReplicas=1',
      'maxReplicas=12',
      'controlPeriodMs=2000',
      'metrics=cpu:60,rps:40',
      'behavior.scaleUp.stabilizationWindowS=0',
      'behavior.scaleUp.tolerance=0.1',
      'behavior.scaleUp.selectPolicy=max',
      'behavior.scaleUp.cooldownS=0',
      'behavior.scaleUp.policies=[{"type":"containers","value":4,"periodS":15}]',
      'behavior.scaleDown.stabilizationWindowS=300',
      'behavior.scaleDown.tolerance=0.1',
      'behavior.scaleDown.selectPolicy=max',
      'behavior.scaleDown.cooldownS=0',
      'behavior.scaleDown.policies=[{"type":"percent","value":100,"periodS":15}]',
      'placement.strategy=spread',
      'placement.cpuOvercommit=1',
      'placement.maxHostCpuPct=90',
    ]);
  });

  test('policy get --json prints the exact response', async () => {
    vim.on('GET', '/api/v1/services/web/policy', { body: POLICY });
    const { code, out } = await acs(['--api', vim.api, 'policy', 'get', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(POLICY);
  });

  test('policy set builds one nested partial policy and PUTs it with the token', async () => {
    vim.on('PUT', '/api/v1/services/web/policy', { body: POLICY });
    const { code, out } = await acs([
      '--api',
      vim.api,
      '--token',
      'tok',
      'policy',
      'set',
      'minReplicas=2',
      'maxReplicas=8',
      'behavior.scaleDown.stabilizationWindowS=30',
      'behavior.scaleDown.tolerance=0.05',
      'behavior.scaleUp.selectPolicy=min',
      'strategy=threshold',
      'placement.strategy=binpack',
      'placement.cpuOvercommit=1.5',
      'predictive.mode=forecast-only',
      'predictive.seasonSlots=null',
      'metrics=cpu:60,rps:40',
      'scaling.controlPeriodMs=1000',
      'label=a=b',
      'flag=true',
      'rules=[{"metric":"cpu","scaleUpAbove":80,"scaleDownBelow":30}]',
    ]);
    expect(code).toBe(0);
    expect(vim.requests).toHaveLength(1);
    expect(vim.requests[0]).toMatchObject({ method: 'PUT', path: '/api/v1/services/web/policy', auth: 'Bearer tok' });
    expect(vim.requests[0]!.body).toEqual({
      scaling: {
        minReplicas: 2,
        maxReplicas: 8,
        behavior: { scaleDown: { stabilizationWindowS: 30, tolerance: 0.05 }, scaleUp: { selectPolicy: 'min' } },
        strategy: 'threshold',
        metrics: [
          { metric: 'cpu', target: 60 },
          { metric: 'rps', target: 40 },
        ],
        controlPeriodMs: 1000,
        label: 'a=b',
        flag: true,
        rules: [{ metric: 'cpu', scaleUpAbove: 80, scaleDownBelow: 30 }],
      },
      placement: { strategy: 'binpack', cpuOvercommit: 1.5 },
      predictive: { mode: 'forecast-only', seasonSlots: null },
    });
    expect(out.join('\n')).toContain('placement.strategy=spread');
  });

  test('only the groups named are sent: a placement-only change has no scaling key', async () => {
    vim.on('PUT', '/api/v1/services/web/policy', { body: POLICY });
    const { code, out } = await acs(['--api', vim.api, 'policy', 'set', 'placement.maxHostCpuPct=80', '--json']);
    expect(code).toBe(0);
    expect(vim.requests[0]!.body).toEqual({ placement: { maxHostCpuPct: 80 } });
    expect(JSON.parse(out.join('\n'))).toEqual(POLICY);
  });

  test.each([
    [['minReplicas'], 'expected key=value, got "minReplicas"'],
    [['=2'], 'expected key=value, got "=2"'],
    [['minReplicas=2', 'behavior..tolerance=1'], '"behavior..tolerance" is not a policy key'],
    [['behavior.scaleUp.=1'], 'is not a policy key'],
    [['placement=binpack'], 'placement is a group, not a setting'],
    [['metrics=cpu'], 'metrics takes metric:target pairs like cpu:60,rps:40, got "cpu"'],
    [['metrics=cpu:60,'], 'got ""'],
    [['rules=[{oops'], 'starts like JSON but is not'],
    [['behavior=1', 'behavior.scaleUp.cooldownS=2'], 'is set both as a value and as a group'],
    [['behavior.scaleUp.cooldownS=2', 'behavior.scaleUp=1'], 'is set both as a value and as a group'],
  ])('malformed pairs %j are a usage error before any request', async (pairs, message) => {
    const { code, out, err } = await acs(['--api', vim.api, 'policy', 'set', ...pairs]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(message);
    expect(vim.requests).toEqual([]);
  });

  test('a 422 prints the message, then every problem on its own line, and exits 1', async () => {
    vim.on('PUT', '/api/v1/services/web/policy', {
      status: 422,
      body: {
        error: 'invalid-policy',
        message: 'the policy is not valid',
        problems: [
          { path: 'scaling.minReplicas', message: 'must be at most maxReplicas (8)' },
          { path: 'placement.strategy', message: 'unknown strategy "packed"; expected spread, binpack' },
        ],
      },
    });
    const { code, out, err } = await acs(['--api', vim.api, 'policy', 'set', 'minReplicas=9', 'maxReplicas=8', 'placement.strategy=packed']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'acs: the policy is not valid (HTTP 422, invalid-policy)',
      '  scaling.minReplicas: must be at most maxReplicas (8)',
      '  placement.strategy: unknown strategy "packed"; expected spread, binpack',
    ]);
  });

  test('malformed problems in an error body are skipped, not a crash', async () => {
    vim.on('PUT', '/api/v1/services/web/policy', { status: 422, body: { error: 'invalid', message: 'no', problems: [null, 7, { path: 3, message: 'kept' }] } });
    const { code, err } = await acs(['--api', vim.api, 'policy', 'set', 'minReplicas=1']);
    expect(code).toBe(1);
    expect(err).toEqual(['acs: no (HTTP 422, invalid)', '  kept']);
  });
});

describe('acs drain', () => {
  test('drain VM posts, --undo deletes, both on /vms/:id/drain', async () => {
    vim.on('POST', '/api/v1/vms/vmm%202/drain', { body: { vm: 'vmm 2', draining: true } });
    vim.on('DELETE', '/api/v1/vms/vmm%202/drain', { body: { vm: 'vmm 2', draining: false } });
    const drained = await acs(['--api', vim.api, '--token', 'k', 'drain', 'vmm 2']);
    const undone = await acs(['--api', vim.api, '--token', 'k', 'drain', 'vmm 2', '--undo']);
    expect([drained.code, undone.code]).toEqual([0, 0]);
    expect(vim.requests.map((r) => [r.method, r.path, r.auth])).toEqual([
      ['POST', '/api/v1/vms/vmm%202/drain', 'Bearer k'],
      ['DELETE', '/api/v1/vms/vmm%202/drain', 'Bearer k'],
    ]);
    expect(drained.out[0]).toMatch(/^vmm 2 is draining: no new containers go there/);
    expect(undone.out).toEqual(['vmm 2 is not draining: it takes new containers again']);
  });

  test('--json prints the exact response; an unknown VM is the VIM’s 404', async () => {
    vim.on('POST', '/api/v1/vms/vmm1/drain', { body: { vm: 'vmm1', draining: true } });
    vim.on('POST', '/api/v1/vms/nope/drain', { status: 404, body: { error: 'vm-not-found', message: 'no VM nope' } });
    const ok = await acs(['--api', vim.api, 'drain', 'vmm1', '--json']);
    expect(JSON.parse(ok.out.join('\n'))).toEqual({ vm: 'vmm1', draining: true });
    const missing = await acs(['--api', vim.api, 'drain', 'nope']);
    expect(missing).toEqual({ code: 1, out: [], err: ['acs: no VM nope (HTTP 404, vm-not-found)'] });
  });
});

describe('acs events', () => {
  const log: EventListResponse = {
    events: [
      event(7, 'vm-up', 'vmm1 connected', { service: null }),
      event(9, 'decision', 'web: 2 → 3 (scale-up)\nsecond line'),
    ],
    lastId: 12,
  };

  test('prints one line per event: local time, kind, service, message', async () => {
    vim.on('GET', '/api/v1/events', { body: log });
    const { code, out } = await acs(['--api', vim.api, 'events']);
    expect(code).toBe(0);
    expect(out).toEqual([
      `${hms(log.events[0]!.at)}  vm-up                  -         vmm1 connected`,
      `${hms(log.events[1]!.at)}  decision               web       web: 2 → 3 (scale-up) second line`,
    ]);
    expect(vim.requests[0]!.query).toEqual({ limit: '20' });
  });

  test('--kind, --service and --limit go into the query; --json prints the exact response', async () => {
    vim.on('GET', '/api/v1/events', { body: log });
    const { code, out } = await acs(['--api', vim.api, 'events', '--kind', 'decision', '--service', 'web', '--limit', '5', '--json']);
    expect(code).toBe(0);
    expect(vim.requests[0]!.query).toEqual({ kind: 'decision', service: 'web', limit: '5' });
    expect(JSON.parse(out.join('\n'))).toEqual(log);
  });

  test('an empty log says so', async () => {
    vim.on('GET', '/api/v1/events', { body: { events: [], lastId: 0 } });
    expect((await acs(['--api', vim.api, 'events'])).out).toEqual(['No events yet.']);
    expect((await acs(['--api', vim.api, 'events', '--kind', 'error'])).out).toEqual(['No matching events.']);
  });

  test('an unknown --kind is a usage error listing every kind, before any request', async () => {
    const { code, err } = await acs(['--api', vim.api, 'events', '--kind', 'decisions']);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(`Allowed choices are ${EVENT_KINDS.join(', ')}.`);
    expect(vim.requests).toEqual([]);
  });

  test.each([['0'], ['x'], ['1001']])('--limit %s is a usage error', async (limit) => {
    const { code } = await acs(['--api', vim.api, 'events', '--limit', limit]);
    expect(code).toBe(1);
    expect(vim.requests).toEqual([]);
  });
});

describe('acs events --follow', () => {
  /**
   * Pages by `since`: 2 → e3; 3 → e4 while lastId says 5 (an event the filter hides), so the next poll must
   * ask from 4, not 5; then an empty page moves on to 5.
   */
  function serveGrowingLog(onPoll: (since: string | undefined) => void = () => undefined): void {
    const e = [event(1, 'decision', 'first'), event(2, 'placement', 'second'), event(3, 'command', 'third'), event(4, 'decision', 'fourth')];
    vim.on('GET', '/api/v1/events', ({ query }) => {
      onPoll(query['since']);
      switch (query['since']) {
        case undefined:
          return { body: { events: e.slice(0, 2), lastId: 2 } };
        case '2':
          return { body: { events: [e[2]], lastId: 3 } };
        case '3':
          return { body: { events: [e[3]], lastId: 5 } };
        default:
          return { body: { events: [], lastId: 5 } };
      }
    });
  }

  test('prints the backlog, then new events across polls with since=<last id>, and exits 0 when stopped', async () => {
    const stop = new AbortController();
    serveGrowingLog((since) => {
      if (since === '5') stop.abort();
    });
    const { code, out, err } = await acs(['--api', vim.api, 'events', '--follow', '--kind', 'decision', '--limit', '2'], {
      interrupted: () => stop.signal,
      pollIntervalMs: 10,
    });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out.map((line) => line.split(/\s+/).slice(1).join(' '))).toEqual(['decision web first', 'placement web second', 'command web third', 'decision web fourth']);
    expect(vim.requests.map((r) => r.query)).toEqual([
      { kind: 'decision', limit: '2' },
      { kind: 'decision', since: '2' },
      { kind: 'decision', since: '3' },
      { kind: 'decision', since: '4' },
      { kind: 'decision', since: '5' },
    ]);
  });

  test('with --json prints one event object a line (NDJSON)', async () => {
    const stop = new AbortController();
    serveGrowingLog((since) => {
      if (since === '4') stop.abort();
    });
    const { code, out } = await acs(['--api', vim.api, 'events', '-f', '--json'], { interrupted: () => stop.signal, pollIntervalMs: 10 });
    expect(code).toBe(0);
    expect(out.every((line) => !line.includes('\n'))).toBe(true);
    expect(out.map((line) => (JSON.parse(line) as EventView).message)).toEqual(['first', 'second', 'third', 'fourth']);
  });

  test('keeps following while the VIM is away: one note on err when it goes, one when it is back', async () => {
    const stop = new AbortController();
    let failures = 0;
    vim.on('GET', '/api/v1/events', ({ query }) => {
      if (query['since'] === undefined) return { body: { events: [event(1, 'decision', 'before')], lastId: 1 } };
      failures++;
      if (failures === 1) return 'hang-up';
      if (failures === 2) return { status: 503, body: { error: 'not-ready', message: 'starting' } };
      if (failures === 3) return 'hang-up';
      return { body: { events: [event(2, 'decision', 'after')], lastId: 2 } };
    });
    const printed: string[] = [];
    const { code, err } = await acs(['--api', vim.api, 'events', '--follow'], {
      interrupted: () => stop.signal,
      pollIntervalMs: 10,
      out: (line) => {
        printed.push(line);
        if (line.endsWith('after')) stop.abort();
      },
    });
    expect(code).toBe(0);
    expect(printed.map((line) => line.split(/\s+/).at(-1))).toEqual(['before', 'after']);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/^acs: cannot reach the VIM admin API at .*; still following, retrying every 10 ms \(Ctrl-C to stop\)$/);
    expect(err[1]).toBe('acs: the VIM answers again; following');
  });
  test('a 4xx while following will not fix itself: exit 1', async () => {
    vim.on('GET', '/api/v1/events', ({ query }) =>
      query['since'] === undefined ? { body: { events: [], lastId: 0 } } : { status: 400, body: { error: 'bad-request', message: 'since is odd' } },
    );
    const { code, err } = await acs(['--api', vim.api, 'events', '--follow'], { interrupted: () => new AbortController().signal, pollIntervalMs: 10 });
    expect(code).toBe(1);
    expect(err).toEqual(['acs: since is odd (HTTP 400, bad-request)']);
  });

  test('stopping before the first answer exits 0 quietly', async () => {
    const stop = new AbortController();
    vim.on('GET', '/api/v1/events', () => {
      stop.abort();
      return { body: { events: [event(1, 'decision', 'late')], lastId: 1 } };
    });
    const { code, out, err } = await acs(['--api', vim.api, 'events', '--follow'], { interrupted: () => stop.signal });
    expect({ code, out, err }).toEqual({ code: 0, out: [], err: [] });
  });

  test('the real binary exits 0 on SIGINT (runs dist/, which `npm test` builds first)', async () => {
    vim.on('GET', '/api/v1/events', { body: { events: [event(1, 'decision', 'hello')], lastId: 1 } });
    const child = spawn(process.execPath, [join(__dirname, '../bin/acs.js'), '--api', vim.api, 'events', '--follow'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        stdout += text;
        if (stdout.includes('hello')) resolve();
      });
      child.once('exit', () => reject(new Error(`acs exited early: ${stderr}`)));
    });
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });
});

describe('acs why', () => {
  function serveDecision(decision: EventView | undefined, later: EventView[]): void {
    vim.on('GET', '/api/v1/events', ({ query }) =>
      query['kind'] === 'decision'
        ? { body: { events: decision ? [decision] : [], lastId: 99 } }
        : { body: { events: later, lastId: 99 } },
    );
  }

  test('a steady decision: when, what, the VIM’s reasoning, and that nothing had to change', async () => {
    const decision = event(41, 'decision', 'web stays at 3', {
      at: ago(7000),
      data: {
        desired: 3,
        currentReplicas: 3,
        reason: 'within-tolerance',
        summary: 'CPU 52% against a 60% target over 3 ready containers is inside the 10% tolerance.',
      },
    });
    serveDecision(decision, []);
    const { code, out } = await acs(['--api', vim.api, 'why']);
    expect(code).toBe(0);
    expect(out).toEqual([
      `At ${hms(decision.at)} (7s ago) the autoscaler kept web at 3 containers (within-tolerance): CPU 52% against a 60% target over 3 ready containers is inside the 10% tolerance. Nothing had to be started or stopped.`,
    ]);
    expect(vim.requests.map((r) => r.query)).toEqual([
      { kind: 'decision', service: 'web', limit: '1' },
      { since: '41', service: 'web', limit: '100' },
    ]);
  });

  test('a scale-up tells what followed, by kind, and ignores what a newer decision caused', async () => {
    const decision = event(50, 'decision', 'web 3 → 5', {
      at: ago(2000),
      service: 'api',
      data: { desired: 5, current: 3, reason: 'scale-up', summary: 'CPU 84% of 60% target over 3 ready containers → 5' },
    });
    serveDecision(decision, [
      event(51, 'operator', 'policy changed by hand'),
      event(52, 'placement', 'api-4 on vmm1 (spread: fewest containers).'),
      event(53, 'command', 'start api-4 on vmm1: ok'),
      event(54, 'placement', 'api-5 on vmm2'),
      event(55, 'command', 'start api-5 on vmm2: ok'),
      event(56, 'insufficient-capacity', 'no VM can take a container for api'),
      event(57, 'decision', 'a newer decision'),
      event(58, 'command', 'caused by the newer decision'),
    ]);
    const { code, out } = await acs(['--api', vim.api, 'why', '--service', 'api']);
    expect(code).toBe(0);
    expect(out).toEqual([
      `At ${hms(decision.at)} (2s ago) the autoscaler scaled api up from 3 to 5 containers (scale-up): CPU 84% of 60% target over 3 ready containers → 5. ` +
        'Since then the VIM placed 2 containers (api-4 on vmm1 (spread: fewest containers); api-5 on vmm2), ' +
        'sent 2 commands to VMMs (start api-4 on vmm1: ok; start api-5 on vmm2: ok) and found no VM with room once (no VM can take a container for api).',
    ]);
    expect(vim.requests[1]!.query).toMatchObject({ since: '50', service: 'api' });
  });

  test('a scale-down held by unserved demand: kept, the reason named, and the sentence saying what waits', async () => {
    // The summary as the VIM records it: the predictive combination's clause around the recommender's.
    const summary =
      'the forecast has no opinion, not above the reactive 2 → 2 (CPU 24% of 60% target over 2 ready containers → 1; ' +
      'held at 2 while 9 requests wait for a free container and p99 latency is over the SLO: no scale-down with demand unserved)';
    const decision = event(70, 'decision', summary, { at: ago(3000), data: { desired: 2, current: 2, reason: 'unserved-demand', summary } });
    serveDecision(decision, []);
    const { code, out } = await acs(['--api', vim.api, 'why']);
    expect(code).toBe(0);
    expect(out).toEqual([`At ${hms(decision.at)} (3s ago) the autoscaler kept web at 2 containers (unserved-demand): ${summary}. Nothing had to be started or stopped.`]);
  });

  test('a scale-down with many commands quotes three and counts the rest', async () => {
    const decision = event(60, 'decision', 'down', { data: { desired: 1, current: 6, reason: 'scale-down' } });
    serveDecision(decision, [1, 2, 3, 4, 5].map((n) => event(60 + n, 'command', `stop web-${n}: ok`)));
    const { out } = await acs(['--api', vim.api, 'why']);
    expect(out[0]).toContain('the autoscaler scaled web down from 6 to 1 container (scale-down): down. ');
    expect(out[0]).toContain('Since then the VIM sent 5 commands to VMMs (stop web-1: ok; stop web-2: ok; stop web-3: ok; and 2 more).');
  });

  test.each([
    ['no data at all', {}, 'the autoscaler made a decision for web: the VIM said so. No container has been placed, started or stopped since.'],
    ['data of the wrong types', { desired: 'three', current: -1, reason: 7, summary: 42 }, 'the autoscaler made a decision for web: the VIM said so.'],
    ['desired without current', { desired: 4 }, 'the autoscaler set web to 4 containers: the VIM said so. No container has been placed'],
    ['data that is not an object', null, 'the autoscaler made a decision for web: the VIM said so.'],
  ])('uses what the decision has, with %s', async (_what, data, expected) => {
    serveDecision(event(5, 'decision', 'the VIM said so.', { data: data as Record<string, unknown> }), []);
    const { code, out } = await acs(['--api', vim.api, 'why']);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(expected);
  });

  test('no decision yet: one clear sentence, exit 0, one request', async () => {
    serveDecision(undefined, []);
    const { code, out } = await acs(['--api', vim.api, 'why', '--service', 'api']);
    expect(code).toBe(0);
    expect(out).toEqual(['The autoscaler has not made a decision for api yet: it decides once a control period while autoscale is on (see acs status).']);
    expect(vim.requests).toHaveLength(1);
  });
});

describe('an unreachable VIM', () => {
  test.each([
    [['status']],
    [['scale', '3']],
    [['autoscale', 'on']],
    [['policy']],
    [['policy', 'set', 'minReplicas=2']],
    [['drain', 'vmm1']],
    [['drain', 'vmm1', '--undo']],
    [['events']],
    [['events', '--follow']],
    [['why']],
  ])('`acs %j` exits 2 with one line on err', async (argv) => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { code, out, err } = await acs(['--api', api, ...argv], { interrupted: () => new AbortController().signal });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^acs: cannot reach the VIM admin API at http:\/\/127\.0\.0\.1:\d+: /);
  });
});
