/**
 * The dashboard for real: headless Chromium (Debian's package) opens the page the VIM's admin API serves,
 * while acs-vim's control loop runs two acs-vmm agents with workload containers in Docker and traffic goes
 * through the front. Saves a screenshot to test-artifacts/dashboard.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { removeAgentContainers } from './support/docker';
import { callApi, eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { ProcessGroup, REPO_ROOT } from './support/processes';

const CHROMIUM = process.env['ACS_CHROMIUM'] ?? '/usr/bin/chromium';
const RUN = `dash${process.pid}`;
const VMS = [`${RUN}-a`, `${RUN}-b`];
const group = new ProcessGroup();
let vim: VimProcess;
let browser: Browser | undefined;
let page: Page;
const consoleErrors: string[] = [];

jest.setTimeout(180_000);

const POLICY = { minReplicas: 1, maxReplicas: 4, controlPeriodMs: 500, metrics: [{ metric: 'rps', target: 10 }], behavior: { scaleDown: { stabilizationWindowS: 5 } } };

/** Bounded paced GETs through the front (loopback), so the charts have traffic to show. */
async function traffic(ratePerSecond: number, seconds: number): Promise<void> {
  const url = `http://127.0.0.1:${vim.httpPort}/work`;
  const pending: Array<Promise<unknown>> = [];
  const started = Date.now();
  for (let i = 0; i < ratePerSecond * seconds; i++) {
    const wait = started + (i * 1000) / ratePerSecond - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(fetch(url, { signal: AbortSignal.timeout(15_000) }).then((res) => res.arrayBuffer(), () => undefined));
  }
  await Promise.all(pending);
}

function points(chartId: string): Promise<number> {
  return page.getAttribute(`#${chartId}`, 'data-points').then((n) => Number(n ?? '0'));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium is missing at ${CHROMIUM}: the dashboard test drives a real headless Chromium; install it with scripts/setup-test-tools.sh (apt-get install chromium) or set ACS_CHROMIUM`);
  }
  vim = await startVimProcess(group, { reconcile: true, args: ['--report-interval-ms', '250', '--scaling-policy', JSON.stringify(POLICY), '--startup-grace-ms', '20000'] });
  for (const id of VMS) startVmmProcess(group, vim, id, ['--max-containers', '3', '--stop-grace-seconds', '1']);
  await eventually(async () => (await getJson<{ vms: Array<{ status: string }> }>(`${vim.api}/api/v1/vms`)).vms.filter((v) => v.status === 'ready').length === 2, 20_000, 'two VMs');
  expect((await callApi(vim.api, 'PUT', '/api/v1/services/web/policy', { predictive: { mode: 'forecast-only' } })).status).toBe(200);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await group.cleanup();
  removeAgentContainers(VMS);
});

test('the page loads with its charts and no console errors, and the charts fill with live points', async () => {
  const response = await page.goto(vim.api + '/', { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.waitForSelector('#connection.pill-live', { timeout: 20_000 });
  // uPlot drew a canvas in every time chart.
  for (const id of ['chart-rps', 'chart-latency', 'chart-replicas', 'chart-cpu', 'chart-containers']) {
    expect(await page.$(`#${id} canvas`)).not.toBeNull();
  }
  await eventually(async () => (await points('chart-rps')) >= 3, 20_000, 'points in the request chart');
  await eventually(async () => (await page.$$('#tree .ctr')).length >= 1, 60_000, 'a container in the VM tree');
  const load = traffic(15, 10);
  try {
    await eventually(async () => Number(/([\d.]+)\s*offered/.exec((await page.textContent('#summary')) ?? '')?.[1] ?? 0) > 0, 20_000, 'offered req/s above zero in the summary');
  } finally {
    await load;
  }
  expect(await points('chart-cpu')).toBeGreaterThan(0);
  expect(await points('chart-containers')).toBeGreaterThan(0);
  await eventually(async () => (await points('chart-forecast')) > 0, 60_000, 'the forecast chart (predictive forecast-only)');
  expect(consoleErrors).toEqual([]);
});

test('a scaling change shows in the events list, the replicas chart and the tree', async () => {
  expect((await callApi(vim.api, 'POST', '/api/v1/services/web/scale', { replicas: 3 })).status).toBe(200);
  await eventually(async () => (await page.locator('#events li').allTextContents()).some((text) => /operator.*scaled by hand from \d+ to 3/.test(text)), 20_000, 'the scale event in the events list');
  await eventually(async () => (await page.$$('#tree .ctr')).length >= 3, 60_000, 'three containers in the VM tree');
  await eventually(async () => /3\/3\s*ready\/desired/.test((await page.textContent('#summary')) ?? ''), 60_000, '3/3 ready/desired in the summary');
  await traffic(15, 4);
  mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: join(REPO_ROOT, 'test-artifacts/dashboard.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
});
