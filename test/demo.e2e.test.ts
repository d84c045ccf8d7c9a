/**
 * `npm run demo` end to end: a real acs-vim (reconcile on, fast lab policy), two real acs-vmm agents and
 * real Docker containers; the demo runs a short scenario through the VIM's front and writes its report.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterResponse } from '@acs/api-types';
import { removeAgentContainers } from './support/docker';
import { eventually, getJson, startVimProcess, startVmmProcess, type VimProcess } from './support/lab';
import { ProcessGroup, REPO_ROOT, runCli } from './support/processes';

const RUN = `demo${process.pid}`;
const VMS = [`${RUN}-a`, `${RUN}-b`];
const DEMO = join(REPO_ROOT, 'scripts/demo/main.ts');
const group = new ProcessGroup();
let vim: VimProcess;

jest.setTimeout(180_000);

// Lab timings: reports every 250 ms, decisions every 500 ms, 6 req/s per container, scale-in after 3 s.
const POLICY = {
  minReplicas: 1,
  maxReplicas: 4,
  controlPeriodMs: 500,
  metrics: [{ metric: 'rps', target: 6 }],
  behavior: { scaleDown: { stabilizationWindowS: 3 } },
};

beforeAll(async () => {
  vim = await startVimProcess(group, {
    reconcile: true,
    args: ['--report-interval-ms', '250', '--scaling-policy', JSON.stringify(POLICY)],
  });
  for (const id of VMS) startVmmProcess(group, vim, id, ['--max-containers', '3', '--stop-grace-seconds', '1']);
  await eventually(async () => {
    const { services } = await getJson<ClusterResponse>(`${vim.api}/api/v1/cluster`);
    return services.find((s) => s.name === 'web')?.ready === 1;
  }, 60_000, 'two VMs and the first web container');
});

afterAll(async () => {
  await group.cleanup();
  removeAgentContainers(VMS);
});

test('a short scenario scales the service out and back, and the report shows and explains it', async () => {
  const dir = group.tempDir('acs-demo-report-');
  const out = join(dir, 'report.md');
  // 0.15 x 4 minutes = 36 s of load: 2 -> 12 req/s, hold, a 24 req/s spike, back down to 2 req/s.
  // The demo is TypeScript run through ts-node, as `npm run demo` does.
  const result = await runCli(DEMO, [
    '--api', vim.api, '--target', `http://127.0.0.1:${vim.httpPort}/`, '--scale', '0.15',
    '--low-rps', '2', '--rps', '12', '--peak-rps', '24', '--out', out, '--data-dir', dir,
  ], { NODE_OPTIONS: '--require ts-node/register/transpile-only', ACS_ADMIN_TOKEN: undefined }, 120_000);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`demo: wrote ${out} and ${join(dir, 'report.png')}`);

  const png = readFileSync(join(dir, 'report.png'));
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1600, 1100]);
  expect(statSync(join(dir, 'report.png')).size).toBeGreaterThan(20_000);

  const md = readFileSync(out, 'utf8');
  expect(md).toContain('![offered load, p99 latency and containers per VM](report.png)');
  for (const phase of ['ramp up', 'hold', 'spike', 'settle', 'ramp down']) expect(md).toContain(`| ${phase} |`);
  for (const vm of VMS) expect(md).toContain(vm);
  // The scale-out, with the autoscaler's reason, and the commands that carried it out.
  expect(md).toMatch(/\| decision \| desired 1 -> [2-4] containers \| [a-z-]+: /);
  expect(md).toMatch(/\| placement \| web: new container on demo\d+-[ab]/);
  expect(md).toMatch(/\| command \| started \S+ on demo\d+-[ab] for web/);
  const answered = /\| answered 2xx \| (\d+) \|/.exec(md);
  expect(Number(answered?.[1])).toBeGreaterThan(100);
});
