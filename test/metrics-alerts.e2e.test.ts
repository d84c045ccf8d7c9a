/**
 * /metrics and alerts for real: acs-vim with its control loop, two acs-vmm agents running workload
 * containers in Docker, requests through the tier-1 port, a webhook receiver on 127.0.0.1. The scrape
 * moves with what happens (requests, replicas, an agent killed) and passes `promtool check metrics`;
 * a slow service breaches the SLO and alerts once per window; a SIGKILLed agent is a vm-lost alert.
 */
import type { EventListResponse } from '@acs/api-types';
import { removeAgentContainers } from './support/docker';
import { callApi, eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { ProcessGroup, type Daemon } from './support/processes';
import { metricSum, metricValue, promtoolCheckMetrics } from './support/promtool';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const RUN = `metrics${process.pid}`;
const VMS = [`${RUN}-a`, `${RUN}-b`];
const group = new ProcessGroup();
const agents = new Map<string, Daemon>();
let vim: VimProcess;
let receiver: WebhookReceiver;

jest.setTimeout(120_000);

async function scrape(): Promise<string> {
  const res = await fetch(`${vim.api}/metrics`, { signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  return res.text();
}

/** `count` requests through tier 1, one after another; every one must succeed. */
async function sendRequests(count: number, path = '/work?ms=0'): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`http://127.0.0.1:${vim.httpPort}${path}`, { signal: AbortSignal.timeout(30_000) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  vim = await startVimProcess(group, {
    reconcile: true,
    args: [
      '--report-interval-ms', '250',
      '--scaling-policy', '{"minReplicas":1,"maxReplicas":4,"controlPeriodMs":500}',
      '--alert-webhook', receiver.url,
      '--alert-min-interval-ms', '600000',
      '--slo-p99-ms', '30',
      '--slo-breach-seconds', '2',
    ],
  });
  for (const id of VMS) agents.set(id, startVmmProcess(group, vim, id, ['--max-containers', '2', '--stop-grace-seconds', '1']));
});

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers(VMS);
  await receiver.close();
});

test('agents up, replicas by state and the desired count follow the cluster; a scale by hand is counted as an action', async () => {
  await eventually(async () => {
    const text = await scrape();
    return VMS.every((vm) => metricValue(text, `acs_agent_up{vm="${vm}"}`) === 1) && metricValue(text, 'acs_service_replicas{service="web",state="ready"}') === 1;
  }, 60_000, 'both agents up and the first replica ready');
  const before = await scrape();
  expect(metricValue(before, 'acs_service_desired_replicas{service="web"}')).toBe(1);
  for (const vm of VMS) expect(metricValue(before, `acs_agent_report_age_seconds{vm="${vm}"}`)).toBeLessThan(5);
  for (const vm of VMS) expect(metricValue(before, `acs_vm_docker_up{vm="${vm}"}`)).toBe(1);

  expect((await callApi(vim.api, 'POST', '/api/v1/services/web/scale', { replicas: 3 })).status).toBe(200);
  await eventually(async () => metricValue(await scrape(), 'acs_service_replicas{service="web",state="ready"}') === 3, 60_000, 'three ready replicas');
  const after = await scrape();
  expect(metricValue(after, 'acs_service_desired_replicas{service="web"}')).toBe(3);
  expect(metricValue(after, 'acs_service_replicas{service="web",state="starting"}')).toBe(0);
  expect(metricValue(after, 'acs_scaling_actions_total{service="web",direction="up",reason="operator"}')).toBe(1);
  expect(metricSum(after, 'acs_container_commands_total', { command: 'start', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
  expect(metricValue(after, 'acs_service_autoscale_enabled{service="web"}')).toBe(0);
  // Batches in progress come and go; once the three are ready, none is left.
  expect(metricSum(after, 'acs_service_actions_in_progress')).toBe(0);
  expect(after).toContain('# TYPE acs_service_actions_in_progress gauge');
});

test('requests through tier 1 raise both tiers\' totals and the latency histogram; the scrape passes promtool', async () => {
  const before = await scrape();
  await sendRequests(100);
  // Tier 1 counts as it forwards; tier 2's counts arrive with the agents' next reports.
  await eventually(async () => metricSum(await scrape(), 'acs_tier2_requests_total') >= metricSum(before, 'acs_tier2_requests_total') + 100, 10_000, 'tier-2 totals up by 100');
  const after = await scrape();
  expect(metricSum(after, 'acs_tier1_requests_total') - metricSum(before, 'acs_tier1_requests_total')).toBe(100);
  expect(metricValue(after, 'acs_tier1_arrivals_total')! - (metricValue(before, 'acs_tier1_arrivals_total') ?? 0)).toBe(100);
  expect(metricSum(after, 'acs_tier1_request_duration_seconds_count') - metricSum(before, 'acs_tier1_request_duration_seconds_count')).toBe(100);
  expect(metricSum(after, 'acs_tier1_request_duration_seconds_bucket', { le: '+Inf' })).toBe(metricSum(after, 'acs_tier1_request_duration_seconds_count'));
  expect(metricSum(after, 'acs_tier1_request_errors_total')).toBe(0);
  expect(metricSum(after, 'acs_tier1_requests_in_flight')).toBe(0);
  // One request at a time never waits in tier 2; each agent says so.
  for (const vm of VMS) expect(metricValue(after, `acs_tier2_queued_requests{vm="${vm}"}`)).toBe(0);
  expect(after).toContain('process_resident_memory_bytes');
  expect(promtoolCheckMetrics(after)).toEqual({ ok: true, output: '' });
});

test('the forecast of the arrival rate, with its interval and horizon, appears once the forecaster has a model', async () => {
  // A model needs 10 control periods of arrival history (5 s at 500 ms); requests keep the rate non-zero.
  const text = await eventually(async () => {
    await sendRequests(10);
    const t = await scrape();
    return metricValue(t, 'acs_forecast_requests_per_second{service="web",bound="mean"}') !== undefined ? t : undefined;
  }, 60_000, 'a forecast');
  const [mean, lower, upper] = ['mean', 'lower', 'upper'].map((bound) => metricValue(text, `acs_forecast_requests_per_second{service="web",bound="${bound}"}`)!);
  expect(lower).toBeLessThanOrEqual(mean!);
  expect(mean).toBeLessThanOrEqual(upper!);
  expect(metricValue(text, 'acs_forecast_horizon_seconds{service="web"}')).toBeGreaterThan(0);
});

test('tier-1 p99 over the objective for the breach time: one slo-breach alert per window, and an event', async () => {
  // Each request burns 60 ms of CPU in a half-CPU container: p99 well over 30 ms, for a bounded 8 s.
  const deadline = Date.now() + 8000;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) await sendRequests(1, '/work?ms=60');
  };
  await Promise.all([worker(), worker()]);
  await eventually(() => Promise.resolve(receiver.received.some((a) => a['kind'] === 'slo-breach')), 15_000, 'an slo-breach alert');
  const breaches = receiver.received.filter((a) => a['kind'] === 'slo-breach');
  // Breached for several samples (a second each), alerted once: the window is 10 minutes.
  expect(breaches).toHaveLength(1);
  expect(breaches[0]).toMatchObject({ severity: 'critical', service: null, vm: null, details: { p99LimitMs: 30, breachSeconds: 2 } });
  expect((breaches[0]!['details'] as { p99Ms: number }).p99Ms).toBeGreaterThan(30);
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=alert`);
  expect(events.filter((e) => e.data['alert'] === 'slo-breach')).toHaveLength(1);
  const text = await scrape();
  expect(metricValue(text, 'acs_alerts_total{kind="slo-breach",outcome="sent"}')).toBe(1);
  expect(metricValue(text, 'acs_alerts_total{kind="slo-breach",outcome="suppressed"}')).toBeGreaterThanOrEqual(1);
});

test('an agent SIGKILLed: agent up drops to 0, a vm-lost alert reaches the webhook, and the alert is in the event log', async () => {
  const [, lost] = VMS as [string, string];
  await agents.get(lost)!.kill('SIGKILL');
  await eventually(async () => metricValue(await scrape(), `acs_agent_up{vm="${lost}"}`) === 0, 15_000, 'agent up 0');
  await eventually(() => Promise.resolve(receiver.received.some((a) => a['kind'] === 'vm-lost' && a['vm'] === lost)), 15_000, 'the vm-lost alert');
  expect(receiver.received.find((a) => a['kind'] === 'vm-lost')).toMatchObject({ severity: 'critical', vm: lost, service: null });
  const { events } = await getJson<EventListResponse>(`${vim.api}/api/v1/events?kind=alert`);
  expect(events.filter((e) => e.data['alert'] === 'vm-lost').map((e) => e.data['vm'])).toEqual([lost]);
  const text = await scrape();
  expect(metricValue(text, `acs_agent_up{vm="${VMS[0]}"}`)).toBe(1);
  // What a lost VM last said of its Docker Engine is stale: no series.
  expect(metricValue(text, `acs_vm_docker_up{vm="${VMS[0]}"}`)).toBe(1);
  expect(metricValue(text, `acs_vm_docker_up{vm="${lost}"}`)).toBeUndefined();
  // The lost VM's containers are gone from the tier-2 series; its tier-1 totals stay (counters never vanish).
  expect(text).not.toMatch(new RegExp(`acs_tier2_requests_total\\{vm="${lost}"`));
  expect(text).not.toMatch(new RegExp(`acs_tier2_queued_requests\\{vm="${lost}"`));
  expect(metricValue(text, `acs_tier1_requests_total{vm="${lost}"}`)).toBeGreaterThan(0);
  expect(promtoolCheckMetrics(text)).toEqual({ ok: true, output: '' });
});
