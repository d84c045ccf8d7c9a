import type { DashboardSnapshot, EventView } from '@acs/api-types';
import { ENTER_SCREEN, LEAVE_SCREEN, type Terminal } from '../src/terminal';
import { bar, fit, renderTop, type TopView } from '../src/top-render';
import { acs, FakeVim } from './fake-vim';

const NOW = Date.parse('2026-11-23T07:00:00Z');

function event(id: number, message: string, data: Record<string, unknown> = {}): EventView {
  return { id, at: new Date(NOW - id * 1000).toISOString(), kind: 'decision', service: 'web', message, data };
}

function snapshot(vmCount = 2, containersPerVm = 2): DashboardSnapshot {
  return {
    sample: { t: NOW, offeredRps: 15, servedRps: 14.5, errorRps: 0.5, latencyMs: { p50: 20, p99: 200 }, replicas: { desired: 3, ready: 2, starting: 1 }, vms: {} },
    services: [{ name: 'web', autoscale: true, desired: 3, ready: 2, starting: 1, draining: 0, minReplicas: 1, maxReplicas: 6, strategy: 'reactive', placement: 'spread', lastDecision: null, actionsInProgress: [] }],
    vms: Array.from({ length: vmCount }, (_, v) => ({
      id: `vm-${v}`,
      status: 'ready' as const,
      draining: false,
      dockerUp: true,
      cpuPct: 50,
      maxContainers: 4,
      requestsPerSecond: 7.5,
      queued: v,
      containers: Array.from({ length: containersPerVm }, (_, c) => ({ id: `c${v}${c}`, name: `acs-web-vm-${v}-${c}`, service: 'web', state: 'running', ready: true, draining: false, cpuPct: 25 * c, inflight: c })),
    })),
    totalVms: vmCount,
    forecasts: [],
    events: [event(1, 'web: scale out from 2 to 3', { reason: 'cpu above target' }), event(2, 'web: steady at 2')],
  };
}

function view(snap: DashboardSnapshot | null = snapshot(), problem: TopView['problem'] = null): TopView {
  return { api: 'http://127.0.0.1:9090', snapshot: snap, problem, now: NOW };
}

describe('renderTop', () => {
  test.each([20, 40, 60, 80, 120, 200])('every line fits %i columns', (columns) => {
    for (const rows of [5, 10, 24, 60, Infinity]) {
      const lines = renderTop(view(snapshot(5, 3)), { columns, rows });
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
      if (Number.isFinite(rows)) expect(lines.length).toBeLessThanOrEqual(rows);
    }
  });

  test('shows traffic, replicas, each VM and container with CPU and in-flight, and the events with their reasons', () => {
    const text = renderTop(view(), { columns: 120, rows: Infinity }).join('\n');
    expect(text).toContain('offered 15.0 req/s');
    expect(text).toContain('served 14.5 req/s');
    expect(text).toContain('p99 200 ms');
    expect(text).toMatch(/web\s+replicas 2\/3 ready\s+desired 3\s+starting 1\s+autoscale on/);
    const vmBar = /^vm-1 +\[(█+)(░+)\]\s+50%\s+2\/4\s+1\s+7\.5\s+1$/m.exec(text);
    expect(vmBar?.[1]?.length).toBe(vmBar?.[2]?.length);
    const containerBar = /^ {2}acs-web-vm-1-1 +\[(█+)(░+)\]\s+25%\s+ready\s+1$/m.exec(text);
    expect(containerBar?.[2]?.length).toBe(3 * containerBar![1]!.length);
    expect(text).toContain('web: scale out from 2 to 3 (reason: cpu above target)');
  });

  test('each VM row shows the requests waiting in its tier-2 queue, - when the agent does not say', () => {
    const snap = snapshot(2, 1);
    snap.vms[0]!.queued = 12;
    snap.vms[1]!.queued = null;
    const lines = renderTop(view(snap), { columns: 120, rows: Infinity });
    const header = lines.find((l) => l.startsWith('VM / CONTAINER'))!;
    expect(header).toMatch(/REQ\/S\s+QUEUED$/);
    const queuedAt = header.length;
    expect(lines.find((l) => l.startsWith('vm-0'))).toMatch(/ 12$/);
    expect(lines.find((l) => l.startsWith('vm-0'))!.length).toBe(queuedAt);
    expect(lines.find((l) => l.startsWith('vm-1'))).toMatch(/ -$/);
    expect(lines.find((l) => l.startsWith('  acs-web-vm-0-0'))).not.toMatch(/ 12$/);
  });

  test.each<[string, { draining?: boolean; dockerUp?: boolean | null; status?: 'down' }, RegExp]>([
    ['a VM whose Docker Engine is down says so, with its containers', { dockerUp: false }, /^vm-0 +\[[█░]+\]\s+50%\s+docker down 2\/4\s+1\s+7\.5\s+\S+$/m],
    ['Docker down is named over draining', { dockerUp: false, draining: true }, /^vm-0 +\[[█░]+\]\s+50%\s+docker down 2\/4\s+1/m],
    ['a draining VM says so', { draining: true }, /^vm-0 +\[[█░]+\]\s+50%\s+draining 2\/4\s+1/m],
    ['an unknown Docker state (an older agent) adds nothing', { dockerUp: null }, /^vm-0 +\[[█░]+\]\s+50%\s+2\/4\s+1/m],
    ['a down VM is down, whatever it said of Docker', { status: 'down', dockerUp: false }, /^vm-0 +\[[█░]+\]\s+50%\s+down\s+1/m],
  ])('%s', (_name, patch, line) => {
    const snap = snapshot(1, 2);
    Object.assign(snap.vms[0]!, patch);
    const lines = renderTop(view(snap), { columns: 120, rows: Infinity });
    expect(lines.join('\n')).toMatch(line);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
  });

  test('long names are cut with an ellipsis, keeping the columns aligned', () => {
    const snap = snapshot(1, 1);
    snap.vms[0]!.containers[0]!.name = 'acs-web-' + 'x'.repeat(200);
    const lines = renderTop(view(snap), { columns: 80, rows: Infinity });
    const container = lines.find((l) => l.startsWith('  acs-web-xxx'))!;
    const vm = lines.find((l) => l.startsWith('vm-0'))!;
    expect(container).toContain('…');
    expect(container.indexOf('[')).toBe(vm.indexOf('['));
    expect(container.length).toBeLessThanOrEqual(80);
  });

  test('on a short terminal the tree is cut with a note, and events stay in view', () => {
    const lines = renderTop(view(snapshot(10, 4)), { columns: 100, rows: 20 });
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(lines.some((l) => /more lines \(enlarge the terminal\)/.test(l))).toBe(true);
    expect(lines).toContain('LAST EVENTS');
    expect(lines.some((l) => l.includes('scale out from 2 to 3'))).toBe(true);
  });

  test('an unreachable VIM is said, with how long, while the last snapshot stays shown', () => {
    const lines = renderTop(view(snapshot(), { message: 'cannot reach the VIM admin API at http://127.0.0.1:9090: ECONNREFUSED', since: NOW - 12_000 }), { columns: 120, rows: 40 });
    expect(lines[0]).toMatch(/VIM unreachable for 12 s, retrying$/);
    expect(lines[1]).toContain('ECONNREFUSED');
    expect(lines.some((l) => l.startsWith('vm-0'))).toBe(true);
  });

  test('before the first snapshot it says it is waiting', () => {
    expect(renderTop(view(null), { columns: 80, rows: 24 }).join('\n')).toContain('Waiting for the first snapshot');
  });

  test('--ascii draws bars and cuts with ASCII only', () => {
    const snap = snapshot(1, 1);
    snap.vms[0]!.id = 'v'.repeat(300);
    const text = renderTop(view(snap), { columns: 80, rows: Infinity }, { ascii: true }).join('\n');
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
  });
});

describe('bar and fit', () => {
  test('bars scale with the percentage, clamped to 0..100', () => {
    expect(bar(0, 10)).toBe('░'.repeat(10));
    expect(bar(50, 10)).toBe('█'.repeat(5) + '░'.repeat(5));
    expect(bar(100, 10)).toBe('█'.repeat(10));
    expect(bar(250, 10)).toBe('█'.repeat(10));
    expect(bar(-20, 10)).toBe('░'.repeat(10));
    expect(bar(null, 4)).toBe('░░░░');
    expect(bar(33, 30)).toBe('█'.repeat(10) + '░'.repeat(20));
    expect(bar(75, 4, true)).toBe('###.');
  });

  test('fit cuts only what is too long', () => {
    expect(fit('short', 10)).toBe('short');
    expect(fit('exactly10!', 10)).toBe('exactly10!');
    expect(fit('much too long', 5)).toBe('much…');
    expect(fit('abc', 1)).toBe('…');
    expect(fit('abc', 0)).toBe('');
  });
});

/** A terminal that records what is written and lets the test press keys and send signals. */
class FakeTerminal implements Terminal {
  written = '';
  released = false;
  handlers: Parameters<Terminal['capture']>[0] | undefined;
  columns = (): number => 100;
  rows = (): number => 30;
  write(text: string): void {
    this.written += text;
  }
  capture(handlers: Parameters<Terminal['capture']>[0]): () => void {
    this.handlers = handlers;
    return () => (this.released = true);
  }
  /** Text written since the last frame started. */
  lastFrame(): string {
    return this.written.slice(this.written.lastIndexOf('\x1b[H'));
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('acs top', () => {
  let vim: FakeVim;
  afterEach(() => vim?.close());

  test('prints one snapshot when there is no terminal, and with --once', async () => {
    vim = await new FakeVim().on('GET', '/api/v1/dashboard/snapshot', { body: snapshot() }).start();
    for (const argv of [['top'], ['top', '--once']]) {
      const { code, out, err } = await acs(['--api', vim.api, ...argv]);
      expect({ code, err }).toEqual({ code: 0, err: [] });
      expect(out.join('\n')).toContain('acs-web-vm-1-1');
    }
    const once = await acs(['--api', vim.api, 'top', '--once'], { terminal: new FakeTerminal() });
    expect(once.code).toBe(0);
    expect(once.out.join('\n')).toContain('LAST EVENTS');
  });

  test('--once with no VIM there exits 2 naming the address', async () => {
    vim = await new FakeVim().start();
    const api = vim.api;
    await vim.close();
    const { code, err } = await acs(['--api', api, 'top', '--once']);
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(`cannot reach the VIM admin API at ${api}`);
  });

  test('bad flags are rejected with a clear message; --help describes it', async () => {
    const bad = await acs(['top', '--interval', '5']);
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toContain("unknown option '--interval'");
    const help = await acs(['top', '--help']);
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('Usage: acs top');
    expect(help.out.join('\n')).toContain('--once');
  });

  test('live: draws on the alternate screen, survives the VIM going away, and q gives the terminal back', async () => {
    vim = await new FakeVim().on('GET', '/api/v1/dashboard/snapshot', { body: snapshot() }).start();
    const terminal = new FakeTerminal();
    const running = acs(['--api', vim.api, 'top'], { terminal });
    await until(() => terminal.lastFrame().includes('acs-web-vm-1-1'), 'a frame with the containers');
    expect(terminal.written.startsWith(ENTER_SCREEN)).toBe(true);
    await vim.close();
    await until(() => terminal.lastFrame().includes('VIM unreachable'), 'the unreachable notice');
    expect(terminal.lastFrame()).toContain('acs-web-vm-1-1');
    terminal.handlers!.key('q');
    const { code } = await running;
    expect(code).toBe(0);
    expect(terminal.written.endsWith(LEAVE_SCREEN)).toBe(true);
    expect(terminal.released).toBe(true);
  });

  test('live: a stop signal (SIGTERM, SIGINT) ends it cleanly too', async () => {
    vim = await new FakeVim().on('GET', '/api/v1/dashboard/snapshot', { body: snapshot() }).start();
    const terminal = new FakeTerminal();
    const running = acs(['--api', vim.api, 'top'], { terminal });
    await until(() => terminal.handlers !== undefined, 'the terminal captured');
    terminal.handlers!.stop();
    expect((await running).code).toBe(0);
    expect(terminal.written.endsWith(LEAVE_SCREEN)).toBe(true);
  });

  test('live: a 4xx (a VIM without the live view) ends it with the error, terminal restored', async () => {
    vim = await new FakeVim().start();
    const terminal = new FakeTerminal();
    const { code, err } = await acs(['--api', vim.api, 'top'], { terminal });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('no route GET /api/v1/dashboard/snapshot');
    expect(terminal.written.endsWith(LEAVE_SCREEN)).toBe(true);
    expect(terminal.released).toBe(true);
  });
});
