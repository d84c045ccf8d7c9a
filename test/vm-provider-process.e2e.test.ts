/**
 * The `process` provider's failure paths with a real acs-vim: a "VMM" command that exits at once is an
 * error event naming its log, and one that cannot be run at all is too; the loop then backs that VM off.
 * (Its success path, real acs-vmm processes with Docker, is in lab.e2e.test.ts.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmScalingView } from '@acs/api-types';
import { eventually, getJson, startVimProcess, type VimProcess } from './support/lab';
import { ProcessGroup } from './support/processes';
import { eventsOfKind, ReportingAgents, scaleWebTo, webContainer } from './support/reporting-agent';

const group = new ProcessGroup();
const agents = new ReportingAgents();

jest.setTimeout(60_000);

afterEach(async () => {
  agents.closeAll();
  await group.cleanup();
});

async function vimWithProcessProvider(provider: Record<string, unknown>): Promise<VimProcess> {
  const dir = group.tempDir('acs-process-provider-');
  const config = join(dir, 'vm-provider.json');
  writeFileSync(config, JSON.stringify({ logDir: join(dir, 'logs'), ...provider }));
  return startVimProcess(group, { reconcile: true, args: ['--vm-provider', 'process', '--vm-provider-config', config, '--startup-grace-ms', '0', '--report-interval-ms', '500'] });
}

test('a VMM that exits on its own is an error event pointing at its log; that VM backs off', async () => {
  // sh -c takes what follows as $0, $1…: the acs-vmm flags the provider appends are ignored.
  const vim = await vimWithProcessProvider({ vms: ['pv4'], vmm: ['sh', '-c', 'echo "no docker here" >&2; exit 3'] });
  await agents.open(vim, 'base1', [webContainer('c1')]);
  await scaleWebTo(vim, 2);

  const exited = await eventually(async () => (await eventsOfKind(vim, 'error')).find((e) => e.data['vm'] === 'pv4'), 30_000, 'an error event for pv4');
  expect(exited.message).toMatch(/^pv4 exited on its own \(exit code 3\); see .*pv4\.log; pv4 is not started again for 15 s$/);
  // Its output reaches the log through a pipe, possibly just after the exit was noticed.
  await eventually(() => Promise.resolve(readFileSync(String(exited.data['logFile']), 'utf8').includes('no docker here')), 5000, 'its stderr in its log');
  const view = await getJson<VmScalingView>(`${vim.api}/api/v1/vm-scaling`);
  expect(view.inProgress).toBeNull();
  expect(view.vms[0]).toMatchObject({ name: 'pv4', state: 'standby', pid: null });
  expect(view.vms[0]?.backoffUntil).toEqual(expect.any(String));
  expect(vim.daemon.running).toBe(true);
});

test('a VMM command that cannot be run is an error event', async () => {
  const vim = await vimWithProcessProvider({ vms: ['pv4'], vmm: ['/nonexistent/acs-vmm'] });
  await agents.open(vim, 'base1', [webContainer('c1')]);
  await scaleWebTo(vim, 2);
  const failed = await eventually(async () => (await eventsOfKind(vim, 'error')).find((e) => e.data['vm'] === 'pv4'), 30_000, 'an error event for pv4');
  expect(failed.message).toMatch(/^starting pv4 failed: could not run \/nonexistent\/acs-vmm .*ENOENT/);
  expect(failed.data).toMatchObject({ code: 'spawn-failed' });
});
