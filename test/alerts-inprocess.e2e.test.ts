/**
 * In-process VIMs with hand-driven agents and real webhook receivers on 127.0.0.1: several VIMs in one
 * process keep separate metrics; alerts reach a receiver once per rate-limit window and are events in
 * the log; dead and hanging receivers leave the admin API, tier 1 and the control loop as they were.
 */
import type { EventView } from '@acs/api-types';
import { createLogger } from '@acs/daemon';
import type { Message } from '@acs/protocol';
import { startVim, type RunningVim, type VimOptions } from '@acs/vim';
import { eventually, inProcessVimOptions } from './support/lab';
import { metricSum, metricValue, promtoolCheckMetrics } from './support/promtool';
import { RawAgent } from './support/raw-agent';
import { deadReceiverUrl, startHangingReceiver, startWebhookReceiver } from './support/webhook-receiver';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const log = createLogger('test', 'silent');
const cleanups: Array<() => unknown> = [];

jest.setTimeout(60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function newVim(options: Partial<VimOptions> = {}): Promise<RunningVim> {
  const vim = await startVim(inProcessVimOptions(SECRET, options), log);
  cleanups.push(() => vim.close());
  return vim;
}

/**
 * An agent driven by hand: reports every 100 ms (with the containers given, and `docker.up` when set,
 * read at each report) and answers every startContainer with a failure, counting them.
 */
async function fakeAgent(
  vim: RunningVim,
  agentId: string,
  containers: Array<{ name: string; requestsTotal: number }> = [],
  docker: { up?: boolean } = {},
): Promise<{ raw: RawAgent; starts: () => number; close(): void }> {
  const raw = await RawAgent.open(vim.agentAddress.port);
  const answer = await raw.handshake(SECRET, agentId);
  if (answer.type !== 'welcome') throw new Error(`agent ${agentId} not welcomed: ${JSON.stringify(answer)}`);
  let seq = 0;
  let handled = 0;
  let starts = 0;
  const timer = setInterval(() => {
    if (raw.socket.destroyed) return;
    raw.send({
      type: 'report',
      seq: ++seq,
      at: Date.now(),
      host: { cpuPct: 5, memUsedBytes: 1, memTotalBytes: 2, load1: 0 },
      containers: containers.map((c) => ({ id: `${agentId}-${c.name}`, name: c.name, service: 'web', state: 'running', ready: true, draining: false, cpuPct: 1, memBytes: 1, inflight: 0, requestsTotal: c.requestsTotal, hostPort: 1, errorsTotal: 0, latencyMs: { p50: 2, p99: 20, count: 5 } })),
      ...(docker.up === undefined ? {} : { dockerUp: docker.up }),
    });
    for (; handled < raw.received.length; handled++) {
      const m: Message = raw.received[handled]!;
      if (m.type !== 'startContainer') continue;
      starts++;
      raw.send({ type: 'result', id: m.id, ok: false, error: { code: 'start-failed', message: 'refused by the test agent' } });
    }
  }, 100);
  const close = (): void => {
    clearInterval(timer);
    raw.close();
  };
  cleanups.push(close);
  return { raw, starts: () => starts, close };
}

async function scrape(vim: RunningVim): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${vim.adminAddress.port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

function alertEvents(vim: RunningVim, alert: string): EventView[] {
  return vim.events.query({ kind: 'alert', limit: 1000 }).events.filter((e) => e.data['alert'] === alert);
}

test('two VIMs in one process each serve their own metrics, and both scrapes pass promtool', async () => {
  const one = await newVim();
  const two = await newVim();
  await fakeAgent(one, 'metrics-a', [{ name: 'web-1', requestsTotal: 42 }]);
  await eventually(async () => metricValue(await scrape(one), 'acs_tier2_requests_total{vm="metrics-a",container="web-1",service="web"}') === 42, 10_000, 'the reported container in VIM one');
  const first = await scrape(one);
  const second = await scrape(two);
  expect(metricValue(first, 'acs_agent_up{vm="metrics-a"}')).toBe(1);
  expect(metricValue(first, 'acs_tier2_request_duration_seconds{vm="metrics-a",container="web-1",service="web",quantile="0.99"}')).toBeCloseTo(0.02);
  expect(second).not.toContain('metrics-a');
  // This agent's reports carry no tier-2 queue count (as from an older agent): no series, not a made-up 0.
  expect(first).not.toContain('acs_tier2_queued_requests{');
  // Node process metrics, on each VIM's own registry.
  expect(first).toContain('process_cpu_user_seconds_total');
  expect(second).toContain('nodejs_heap_size_used_bytes');
  for (const text of [first, second]) expect(promtoolCheckMetrics(text)).toEqual({ ok: true, output: '' });
});

test('a VM lost twice within the rate-limit window alerts once; another VM alerts on its own; each alert is an event', async () => {
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  const vim = await newVim({ alertWebhooks: [receiver.url], alertMinIntervalMs: 600_000 });
  const vmDowns = (): number => vim.events.query({ kind: 'vm-down', limit: 1000 }).events.length;

  for (let i = 1; i <= 2; i++) {
    const agent = await fakeAgent(vim, 'lost-x');
    await eventually(() => Promise.resolve(vim.cluster.get('lost-x')?.status === 'ready' && vim.cluster.get('lost-x')?.lastReportAt !== null), 10_000, 'lost-x up');
    agent.close();
    await eventually(() => Promise.resolve(vmDowns() === i), 10_000, `lost-x down (${i})`);
  }
  const y = await fakeAgent(vim, 'lost-y');
  await eventually(() => Promise.resolve(vim.cluster.get('lost-y')?.status === 'ready'), 10_000, 'lost-y up');
  y.close();
  // One delivery at a time per webhook, in order: once lost-y's alert is in, every earlier one is too.
  await eventually(() => Promise.resolve(receiver.received.some((a) => a['vm'] === 'lost-y')), 10_000, "lost-y's alert");
  const lost = receiver.received.filter((a) => a['kind'] === 'vm-lost');
  expect(lost.map((a) => a['vm'])).toEqual(['lost-x', 'lost-y']);
  expect(lost[0]).toMatchObject({ kind: 'vm-lost', severity: 'critical', service: null, vm: 'lost-x', details: { reason: 'peer-closed' } });
  expect(typeof lost[0]!['message']).toBe('string');
  expect(new Date(String(lost[0]!['time'])).getTime()).toBeGreaterThan(0);
  expect(alertEvents(vim, 'vm-lost').map((e) => e.data['vm'])).toEqual(['lost-x', 'lost-y']);
  const text = await scrape(vim);
  expect(metricValue(text, 'acs_alerts_total{kind="vm-lost",outcome="sent"}')).toBe(2);
  expect(metricValue(text, 'acs_alerts_total{kind="vm-lost",outcome="suppressed"}')).toBe(1);
  expect(metricValue(text, 'acs_agent_up{vm="lost-x"}')).toBe(0);
});

test("a VM's Docker Engine going down is a docker-down event, a docker-unavailable alert once per window, and acs_vm_docker_up 0; back up is a docker-up event and 1", async () => {
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  const vim = await newVim({ alertWebhooks: [receiver.url], alertMinIntervalMs: 600_000 });
  const dockerEvents = (): EventView[] => vim.events.query({ limit: 1000 }).events.filter((e) => e.kind === 'docker-down' || e.kind === 'docker-up');
  const docker = { up: true };
  await fakeAgent(vim, 'dkr-a', [{ name: 'web-1', requestsTotal: 0 }], docker);
  // An older agent says nothing of Docker: no series, no event.
  await fakeAgent(vim, 'dkr-old');
  const first = await eventually(async () => {
    const text = await scrape(vim);
    return metricValue(text, 'acs_vm_docker_up{vm="dkr-a"}') === 1 && metricValue(text, 'acs_agent_up{vm="dkr-old"}') === 1 ? text : undefined;
  }, 10_000, 'dkr-a reporting Docker up');
  expect(first).not.toMatch(/acs_vm_docker_up\{vm="dkr-old"\}/);
  // Up from the first report is not news.
  expect(dockerEvents()).toEqual([]);

  docker.up = false;
  await eventually(() => Promise.resolve(receiver.received.some((a) => a['kind'] === 'docker-unavailable')), 10_000, 'the docker-unavailable alert');
  expect(receiver.received.find((a) => a['kind'] === 'docker-unavailable')).toMatchObject({ severity: 'warning', service: null, vm: 'dkr-a', details: { containers: 1 } });
  expect(dockerEvents().map((e) => [e.kind, e.data['vm']])).toEqual([['docker-down', 'dkr-a']]);
  expect(metricValue(await scrape(vim), 'acs_vm_docker_up{vm="dkr-a"}')).toBe(0);
  expect(vim.cluster.get('dkr-a')?.dockerUp).toBe(false);

  docker.up = true;
  await eventually(() => Promise.resolve(dockerEvents().length === 2), 10_000, 'the docker-up event');
  expect(dockerEvents().map((e) => e.kind)).toEqual(['docker-down', 'docker-up']);
  expect(metricValue(await scrape(vim), 'acs_vm_docker_up{vm="dkr-a"}')).toBe(1);

  // Down again within the window: a second event, but the alert is held back and counted.
  docker.up = false;
  await eventually(async () => metricValue(await scrape(vim), 'acs_alerts_total{kind="docker-unavailable",outcome="suppressed"}') === 1, 10_000, 'the second alert suppressed');
  expect(dockerEvents().map((e) => e.kind)).toEqual(['docker-down', 'docker-up', 'docker-down']);
  const text = await scrape(vim);
  expect(metricValue(text, 'acs_alerts_total{kind="docker-unavailable",outcome="sent"}')).toBe(1);
  expect(receiver.received.filter((a) => a['kind'] === 'docker-unavailable')).toHaveLength(1);
  expect(alertEvents(vim, 'docker-unavailable').map((e) => e.data['vm'])).toEqual(['dkr-a']);
  expect(promtoolCheckMetrics(text)).toEqual({ ok: true, output: '' });
});

test('with a dead and a hanging receiver the admin API, tier 1 and the control loop carry on; the healthy receiver gets capacity-exhausted and scaling-action-failed', async () => {
  const good = await startWebhookReceiver();
  const hanging = await startHangingReceiver();
  cleanups.push(() => good.close(), () => hanging.close());
  const vim = await newVim({ reconcile: true, alertWebhooks: [await deadReceiverUrl(), hanging.url, good.url], alertMinIntervalMs: 600_000, scalingPolicy: { controlPeriodMs: 250 } });
  // No VM at all: the service's one replica has nowhere to go.
  await eventually(() => Promise.resolve(good.received.some((a) => a['kind'] === 'capacity-exhausted')), 15_000, 'capacity-exhausted');
  expect(good.received.find((a) => a['kind'] === 'capacity-exhausted')).toMatchObject({ severity: 'critical', service: 'web', details: { unplaced: 1 } });
  // A VM whose agent refuses every start: the action fails, the loop backs off and tries again, period after period.
  const agent = await fakeAgent(vim, 'refuser');
  await eventually(() => Promise.resolve(good.received.some((a) => a['kind'] === 'scaling-action-failed')), 15_000, 'scaling-action-failed');
  expect(good.received.find((a) => a['kind'] === 'scaling-action-failed')).toMatchObject({ severity: 'warning', service: 'web', vm: 'refuser', details: { command: 'start', code: 'start-failed' } });
  await eventually(() => Promise.resolve(hanging.open() >= 1), 10_000, 'the hanging receiver holding a delivery');
  await eventually(() => Promise.resolve(agent.starts() >= 3), 30_000, 'the control loop retrying the start while a receiver hangs');
  // Still answering at once: the admin API, its metrics, and tier 1 (503: no container is ready).
  expect((await fetch(`http://127.0.0.1:${vim.adminAddress.port}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
  await eventually(async () => metricSum(await scrape(vim), 'acs_container_commands_total', { command: 'start', outcome: 'failed' }) >= 3, 10_000, 'three failed starts counted');
  const tier1 = await fetch(`http://127.0.0.1:${vim.httpAddress.port}/`, { signal: AbortSignal.timeout(5000) });
  expect(tier1.status).toBe(503);
  await tier1.arrayBuffer();
  // Rate-limited: many failures, one alert of each kind for this subject.
  expect(good.received.filter((a) => a['kind'] === 'scaling-action-failed' && a['vm'] === 'refuser')).toHaveLength(1);
  expect(alertEvents(vim, 'scaling-action-failed').length).toBeGreaterThanOrEqual(1);
});
