/**
 * A Docker Engine outage on one VM, end to end with real parts: acs-vim with its control loop and a
 * webhook receiver on 127.0.0.1, one acs-vmm on a private dockerd of this test's own (own socket, data
 * dir and link-local bridge, live restore on; the machine's shared engine is never touched) and one on
 * the shared engine. Stopping the private dockerd must show in the VM view, the event log, an alert, `acs
 * vms` and `acs status`, and keep new containers off that VM without moving the one already there; starting
 * it again must make the VM take containers again. Skipped (with a line saying why) without root or dockerd.
 */
import type { VmListResponse } from '@acs/api-types';
import { ChaosCluster } from './support/chaos-cluster';
import { eventually } from './support/lab';
import { PrivateDockerd, privateDockerdUnavailable } from './support/private-dockerd';
import { BIN, runCli } from './support/processes';
import { metricValue, promtoolCheckMetrics } from './support/promtool';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const RUN = `dkr${process.pid}`;
// The private VM has the lower id, so spread's last tie-break would pick it: placing elsewhere is the rule at work.
const PRIVATE_VM = `${RUN}-a`;
const SHARED_VM = `${RUN}-b`;
/** How long the outage and the recovery may take to show: far above the ~2 s they take. */
const NOTICE_MS = 30_000;
const unavailable = privateDockerdUnavailable();
const maybe = unavailable ? test.skip : test;
let engine: PrivateDockerd | undefined;
let receiver: WebhookReceiver | undefined;
let cluster: ChaosCluster | undefined;

jest.setTimeout(180_000);

if (unavailable) console.log(`docker outage e2e SKIPPED: ${unavailable}`);

beforeAll(async () => {
  if (unavailable) return;
  receiver = await startWebhookReceiver();
  engine = new PrivateDockerd(String(process.pid % 10_000));
  await engine.start();
  await engine.loadImage('acs-workload:latest');
  cluster = new ChaosCluster({ run: RUN, vms: 2, vimArgs: ['--alert-webhook', receiver.url, '--alert-min-interval-ms', '600000'] });
  await cluster.startVim();
  cluster.startAgent(PRIVATE_VM, { args: ['--docker-socket', engine.socket] });
  cluster.startAgent(SHARED_VM);
  await cluster.waitForVms(2, 30_000);
}, 120_000);

afterAll(async () => {
  await cluster?.cleanup();
  await engine?.destroy();
  await receiver?.close();
}, 90_000);

async function dockerUpOf(vm: string): Promise<boolean | null | undefined> {
  return (await cluster!.vms()).find((v) => v.id === vm)?.dockerUp;
}

/**
 * Stops or starts the private engine and waits for the VM view to show `dockerUp` as `expected`: how long the
 * engine took (to exit, or to answer), and how long until the view showed it, both from the beginning.
 */
async function changeEngine(change: () => Promise<void>, expected: boolean): Promise<{ engineMs: number; seenMs: number }> {
  const begun = Date.now();
  await change();
  const engineMs = Date.now() - begun;
  await eventually(async () => (await dockerUpOf(PRIVATE_VM)) === expected, NOTICE_MS, `${PRIVATE_VM} dockerUp ${expected}`, 50);
  return { engineMs, seenMs: Date.now() - begun };
}

/** The CLI's table row for `vm`, from a real `acs <command>` against the VIM. */
async function cliRow(command: 'vms' | 'status', vm: string): Promise<string> {
  const { code, stdout, stderr } = await runCli(BIN.acs, ['--api', cluster!.vim.api, command]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const row = stdout.split('\n').find((line) => line.startsWith(`${vm} `));
  if (row === undefined) throw new Error(`no row for ${vm} in acs ${command}:\n${stdout}`);
  return row;
}

/** Waits until the ready containers per VM are exactly `expected`, the desired count agreeing. */
async function waitForSpread(expected: Record<string, number>): Promise<void> {
  const total = Object.values(expected).reduce((a, b) => a + b, 0);
  await eventually(async () => {
    const [perVm, all, service] = await Promise.all([cluster!.readyPerVm(), cluster!.containers(), cluster!.service()]);
    return all.length === total && service.desired === total && Object.entries(expected).every(([vm, n]) => perVm[vm] === n);
  }, 90_000, `ready containers ${JSON.stringify(expected)}`, 200);
}

maybe('the private dockerd stops: the VM shows Docker down, an event and an alert record it, the CLI says so, and a scale-up places on the other VM without moving the container already there', async () => {
  const c = cluster!;
  await c.scale(2);
  await waitForSpread({ [PRIVATE_VM]: 1, [SHARED_VM]: 1 });
  expect(await dockerUpOf(PRIVATE_VM)).toBe(true);
  expect(await dockerUpOf(SHARED_VM)).toBe(true);
  // Up from the first report is not news.
  expect(await c.events('docker-down', 0)).toEqual([]);
  expect(await c.events('docker-up', 0)).toEqual([]);
  const onPrivate = (await c.containers()).filter((x) => x.vm === PRIVATE_VM).map((x) => x.id);
  const since = await c.lastEventId();

  const outage = await changeEngine(() => engine!.stop(), false);
  expect(await dockerUpOf(SHARED_VM)).toBe(true);

  const [down] = await eventually(async () => {
    const events = await c.events('docker-down', since);
    return events.length > 0 ? events : undefined;
  }, NOTICE_MS, 'the docker-down event');
  expect(down).toMatchObject({ service: null, data: { vm: PRIVATE_VM, containers: 1 } });
  const alert = await eventually(() => Promise.resolve(receiver!.received.find((a) => a['kind'] === 'docker-unavailable')), NOTICE_MS, 'the docker-unavailable alert at the webhook');
  expect(alert).toMatchObject({ severity: 'warning', vm: PRIVATE_VM, service: null });
  expect((await c.events('alert', since)).filter((e) => e.data['alert'] === 'docker-unavailable').map((e) => e.data['vm'])).toEqual([PRIVATE_VM]);
  expect(await cliRow('vms', PRIVATE_VM)).toMatch(new RegExp(`^${PRIVATE_VM}\\s+ready \\(docker down\\)\\s`));
  expect(await cliRow('vms', SHARED_VM)).toMatch(new RegExp(`^${SHARED_VM}\\s+ready\\s+127\\.0\\.0\\.1:`));
  expect(await cliRow('status', PRIVATE_VM)).toMatch(new RegExp(`^${PRIVATE_VM}\\s+ready \\(docker down\\)\\s+no\\s`));
  const scrape = await (await fetch(`${c.vim.api}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  expect([metricValue(scrape, `acs_vm_docker_up{vm="${PRIVATE_VM}"}`), metricValue(scrape, `acs_vm_docker_up{vm="${SHARED_VM}"}`)]).toEqual([0, 1]);
  expect(promtoolCheckMetrics(scrape)).toEqual({ ok: true, output: '' });

  // Spread would put one of the two new containers on each VM; both go to the shared one.
  await c.scale(4);
  await waitForSpread({ [PRIVATE_VM]: 1, [SHARED_VM]: 3 });
  const placements = await c.events('placement', since);
  expect(placements.length).toBeGreaterThanOrEqual(2);
  expect(placements.map((e) => e.data['winner']).every((w) => w === SHARED_VM)).toBe(true);
  for (const p of placements) expect(p.data['candidates']).toContainEqual({ vmId: PRIVATE_VM, eligible: false, reason: 'docker-down', detail: 'Docker Engine not answering' });
  // The container already there stays, and no stop was sent for the outage.
  expect((await c.containers()).filter((x) => x.vm === PRIVATE_VM).map((x) => x.id)).toEqual(onPrivate);
  expect((await c.events('command', since)).filter((e) => e.data['command'] === 'stop')).toEqual([]);
  expect(engine!.answers()).toBe(false);
  console.log(`docker outage: dockerd took ${outage.engineMs} ms to exit; dockerUp false in the VM view ${outage.seenMs} ms after the stop began (${outage.seenMs - outage.engineMs} ms after dockerd exited)`);
});

maybe('the private dockerd answers again: the VM shows Docker up, an event records it, and it takes the next container', async () => {
  const c = cluster!;
  const since = await c.lastEventId();
  const recovery = await changeEngine(() => engine!.start(), true);
  const up = await eventually(async () => (await c.events('docker-up', since))[0], NOTICE_MS, 'the docker-up event');
  expect(up).toMatchObject({ service: null, data: { vm: PRIVATE_VM } });
  expect(await cliRow('vms', PRIVATE_VM)).toMatch(new RegExp(`^${PRIVATE_VM}\\s+ready\\s+127\\.0\\.0\\.1:`));
  const view = await c.vms();
  expect(view.map((v: VmListResponse['vms'][number]) => [v.id, v.dockerUp])).toEqual([[PRIVATE_VM, true], [SHARED_VM, true]]);

  // Spread takes the VM with the fewest replicas: the private one again.
  await c.scale(5);
  await waitForSpread({ [PRIVATE_VM]: 2, [SHARED_VM]: 3 });
  expect((await c.events('placement', since)).map((e) => e.data['winner'])).toContain(PRIVATE_VM);
  // Down once, one alert: coming back raises none.
  expect(receiver!.received.filter((a) => a['kind'] === 'docker-unavailable')).toHaveLength(1);
  // The agent retries every 0.5 s while the engine is down, so it may see it before `start` has.
  console.log(`docker outage: dockerd answered ${recovery.engineMs} ms after it was started; dockerUp true in the VM view ${recovery.seenMs} ms after the start`);
});
