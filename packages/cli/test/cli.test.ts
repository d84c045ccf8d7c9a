import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContainerListResponse, VmListResponse } from '@acs/api-types';
import type { ContainerReport } from '@acs/protocol';
import { createLogger } from '@acs/daemon';
import { startVim, type RunningVim } from '@acs/vim';
import { age, bytes, pct, table } from '../src/format';
import { run } from '../src/main';

interface CliRun {
  code: number;
  out: string[];
  err: string[];
}

async function acs(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (text: string) => out.push(text), err: (text: string) => err.push(text) });
  return { code, out, err };
}

/** A loopback port with nothing listening on it: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('acs command line', () => {
  test('--help exits 0 and lists the vms command', async () => {
    const { code, out, err } = await acs(['--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^\s+vms\b/m);
    expect(out.join('\n')).toContain('--api <url>');
    expect(err).toEqual([]);
  });

  test('bare `acs` prints help on stdout and exits 0', async () => {
    const { code, out, err } = await acs([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Usage: acs');
    expect(err).toEqual([]);
  });

  test('vms --help exits 0 and describes --json', async () => {
    const { code, out } = await acs(['vms', '--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('Usage: acs vms');
    expect(out.join('\n')).toContain('--json');
  });

  test('an unknown command exits 1 with a message', async () => {
    const { code, out, err } = await acs(['frobnicate']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toContain("unknown command 'frobnicate'");
  });

  test.each([[['--bogus']], [['vms', '--bogus']]])('an unknown option (%j) exits 1 with a message', async (argv) => {
    const { code, err } = await acs(argv);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain("unknown option '--bogus'");
  });

  test.each([
    ['nothing listening', async (): Promise<string> => `http://127.0.0.1:${await closedPort()}`],
    ['a port fetch refuses', (): Promise<string> => Promise.resolve('http://127.0.0.1:1')],
  ])('an unreachable API (%s) exits 2 with exactly one line on err', async (_what, api) => {
    const base = await api();
    const { code, out, err } = await acs(['--api', base, 'vms']);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^acs: cannot reach/);
    expect(err[0]).toContain(base);
    expect(err[0]).not.toContain('\n');
  });
});

describe('acs against a fake admin API that misbehaves', () => {
  let server: Server;
  let api: string;
  let answer: { status: number; body: string };

  beforeEach(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('an API error body exits 1 with its message and code', async () => {
    answer = { status: 503, body: JSON.stringify({ error: 'not-ready', message: 'the VIM is starting' }) };
    const { code, err } = await acs(['--api', api, 'vms']);
    expect(code).toBe(1);
    expect(err).toEqual(['acs: the VIM is starting (HTTP 503, not-ready)']);
  });

  test('an answer that is not JSON exits 1 and says so', async () => {
    answer = { status: 200, body: '<html>hello</html>' };
    const { code, err } = await acs(['--api', api, 'vms']);
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('something other than JSON');
    expect(err[0]).toContain('bad-response');
  });
});

describe('acs vms against an in-process VIM', () => {
  let vim: RunningVim;
  let api: string;

  beforeEach(async () => {
    vim = await startVim(
      {
        agentListen: { host: '127.0.0.1', port: 0 },
        adminListen: { host: '127.0.0.1', port: 0 },
        httpListen: { host: '127.0.0.1', port: 0 },
        balancerPolicy: 'p2c',
        upstreamTimeoutMs: 5000,
        secret: Buffer.from('0123456789abcdef0123456789abcdef'),
        reportIntervalMs: 200,
        heartbeatTimeoutMs: 600,
        pingIntervalMs: 200,
        handshakeTimeoutMs: 1000,
        requestTimeoutMs: 1000,
      },
      createLogger('test', 'silent'),
    );
    api = `http://127.0.0.1:${vim.adminAddress.port}`;
  });

  afterEach(async () => {
    await vim.close();
  });

  test('with no agents, `vms` prints the hint on how to start one', async () => {
    const { code, out, err } = await acs(['--api', api, 'vms']);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^No VMs have connected yet/);
    expect(out[0]).toContain('acs-vmm --vim');
  });

  test('with no agents, `vms --json` prints {vms: []}', async () => {
    const { code, out } = await acs(['--api', api, 'vms', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({ vms: [] });
  });

  test('the API address can come from ACS_API in the environment', async () => {
    const saved = process.env['ACS_API'];
    process.env['ACS_API'] = api;
    try {
      const { code, out } = await acs(['vms', '--json']);
      expect(code).toBe(0);
      expect(JSON.parse(out.join('\n'))).toEqual({ vms: [] });
    } finally {
      if (saved === undefined) delete process.env['ACS_API'];
      else process.env['ACS_API'] = saved;
    }
  });

  test('`vms` says when a ready VM\'s Docker Engine is down, and nothing when an older agent does not say', async () => {
    const now = Date.now();
    const capacity = { maxContainers: 4, cpus: 2, memoryBytes: 2 ** 31 };
    const host = { cpuPct: 5, memUsedBytes: 2 ** 20, memTotalBytes: 2 ** 30, load1: 0 };
    const report = (vm: string, dockerUp?: boolean): void => {
      const record = vim.cluster.vmUp({ id: vm, hostname: vm, agentVersion: '0.1.0', address: '127.0.0.1:40001', capacity, front: null }, now);
      vim.cluster.applyReport(record, { type: 'report', seq: 1, at: now, host, containers: [], ...(dockerUp === undefined ? {} : { dockerUp }) }, now);
    };
    report('dkr-down', false);
    report('dkr-old');
    report('dkr-up', true);
    const { code, out } = await acs(['--api', api, 'vms']);
    expect(code).toBe(0);
    const lines = out.join('\n').split('\n');
    expect(lines[1]).toMatch(/^dkr-down\s+ready \(docker down\)\s+127\.0\.0\.1:40001\s/);
    expect(lines[2]).toMatch(/^dkr-old\s+ready\s+127\.0\.0\.1:40001\s/);
    expect(lines[3]).toMatch(/^dkr-up\s+ready\s+127\.0\.0\.1:40001\s/);
    const json = JSON.parse((await acs(['--api', api, 'vms', '--json'])).out.join('\n')) as VmListResponse;
    expect(json.vms.map((vm) => [vm.id, vm.dockerUp])).toEqual([['dkr-down', false], ['dkr-old', null], ['dkr-up', true]]);
  });

  test('`vms` renders a table of ready and down VMs in id order', async () => {
    const now = Date.now();
    const capacity = { maxContainers: 4, cpus: 2, memoryBytes: 2 ** 31 };
    const up = (id: string): ReturnType<RunningVim['cluster']['vmUp']> =>
      vim.cluster.vmUp({ id, hostname: id, agentVersion: '0.1.0', address: `127.0.0.1:4000${id.length}`, capacity, front: null }, now);
    const vmm10 = up('vmm10');
    const vmm2 = up('vmm2');
    vim.cluster.applyReport(
      vmm2,
      { type: 'report', seq: 1, at: now, host: { cpuPct: 12.34, memUsedBytes: 512 * 2 ** 20, memTotalBytes: 2 * 2 ** 30, load1: 0.5 }, containers: [], queued: 7 },
      now,
    );
    vim.cluster.vmDown(vmm10.id, 'heartbeat-timeout', now);

    const { code, out } = await acs(['--api', api, 'vms']);
    expect(code).toBe(0);
    const lines = out.join('\n').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+ADDRESS\s+CPU\s+MEMORY\s+LOAD\s+CONTAINERS\s+INFLIGHT\s+QUEUED\s+REQ\/S\s+ERRORS\s+LAST REPORT$/);
    // vmm2's agent says 7 requests wait in its tier 2; vmm10 never reported, so nobody knows.
    expect(lines[1]).toMatch(/^vmm2\s+ready\s+127\.0\.0\.1:40004\s+12\.3%\s+512MiB\/2\.0GiB\s+0\.50\s+0\/4\s+0\s+7\s+0\.0\s+0\s+\d+(ms|s)$/);
    expect(lines[2]).toMatch(/^vmm10\s+down \(heartbeat-timeout\)\s+127\.0\.0\.1:40005\s+-\s+-\s+-\s+0\/4\s+0\s+-\s+0\.0\s+0\s+-$/);

    const json = await acs(['--api', api, 'vms', '--json']);
    const parsed = JSON.parse(json.out.join('\n')) as VmListResponse;
    expect(parsed.vms.map((vm) => [vm.id, vm.status, vm.downReason])).toEqual([
      ['vmm2', 'ready', null],
      ['vmm10', 'down', 'heartbeat-timeout'],
    ]);
  });

  test('`containers` shows in-flight against the limit tier 2 reports, and the bare count from agents that do not', async () => {
    const now = Date.now();
    const vm = vim.cluster.vmUp(
      { id: 'vmm-limits', hostname: 'vmm-limits', agentVersion: '0.1.0', address: '127.0.0.1:40100', capacity: { maxContainers: 4, cpus: 2, memoryBytes: 2 ** 31 }, front: null },
      now,
    );
    const container = (name: string, inflight: number, inflightLimit?: number): ContainerReport => ({
      id: `${name}-id`,
      name,
      service: 'web',
      state: 'running',
      ready: true,
      draining: false,
      cpuPct: 10,
      memBytes: 2 ** 20,
      inflight,
      requestsTotal: 5,
      hostPort: 40200,
      ...(inflightLimit === undefined ? {} : { inflightLimit }),
    });
    vim.cluster.applyReport(
      vm,
      { type: 'report', seq: 1, at: now, host: { cpuPct: 1, memUsedBytes: 2 ** 20, memTotalBytes: 2 ** 30, load1: 0 }, containers: [container('opened', 3, 16), container('older-agent', 1)] },
      now,
    );
    const { code, out } = await acs(['--api', api, 'containers', '--vm', 'vmm-limits']);
    expect(code).toBe(0);
    const lines = out.join('\n').split('\n');
    const column = lines[0]!.indexOf('INFLIGHT');
    expect(column).toBeGreaterThan(0);
    const inflightOf = (name: string): string => lines.find((l) => l.includes(` ${name} `))!.slice(column).split(/\s+/)[0]!;
    expect(inflightOf('opened')).toBe('3/16');
    expect(inflightOf('older-agent')).toBe('1');
    const json = JSON.parse((await acs(['--api', api, 'containers', '--vm', 'vmm-limits', '--json'])).out.join('\n')) as ContainerListResponse;
    expect(json.containers.map((c) => c.inflightLimit)).toEqual([16, undefined]);
  });
});

describe('format helpers', () => {
  test('table pads columns to the widest cell, two spaces apart, without trailing spaces', () => {
    expect(table(['ID', 'STATUS'], [['vmm1', 'ready'], ['a-long-id', 'down']])).toBe(
      ['ID         STATUS', 'vmm1       ready', 'a-long-id  down'].join('\n'),
    );
    expect(table(['A', 'B', 'C'], [['x', '', '']])).toBe('A  B  C\nx');
    expect(table(['ONLY'], [])).toBe('ONLY');
  });

  test.each([
    [0, '0B'],
    [1, '1B'],
    [1023, '1023B'],
    [1024, '1.0KiB'],
    [1536, '1.5KiB'],
    [10 * 1024, '10KiB'],
    [512 * 2 ** 20, '512MiB'],
    [1.5 * 2 ** 30, '1.5GiB'],
    [2 ** 40, '1.0TiB'],
    [2 ** 50, '1024TiB'],
    [1048575, '1.0MiB'],
    [10239, '10KiB'],
  ])('bytes(%d) is %s', (n, expected) => {
    expect(bytes(n)).toBe(expected);
  });

  test.each([
    [null, '-'],
    [0, '0ms'],
    [850, '850ms'],
    [-20, '0ms'],
    [1000, '1s'],
    [12_400, '12s'],
    [60_000, '1m'],
    [4 * 60_000, '4m'],
    [3_600_000, '1h'],
    [3 * 3_600_000, '3h'],
    [999.6, '1s'],
    [59_600, '1m'],
    [3_599_999, '1h'],
  ])('age(%p) is %s', (ms, expected) => {
    expect(age(ms)).toBe(expected);
  });

  test('pct shows one decimal, or - when unknown', () => {
    expect(pct(undefined)).toBe('-');
    expect(pct(0)).toBe('0.0%');
    expect(pct(12.34)).toBe('12.3%');
    expect(pct(100)).toBe('100.0%');
  });
});
