import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runValidation, validationTrace } from '../bench/validate-sim';

// npm run validate:sim, shortened: the validation trace at a sixth of its length (41 s, 4 → 20 req/s) through a
// real lab (acs-vim, 3 acs-vmm, Docker, acs-load) and the simulator. What is checked is that the pipeline
// measures and compares, not how close the two are: that depends on the machine's load (docs/elasticity-report.md).
const out = mkdtempSync(join(tmpdir(), 'acs-validate-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('runs one trace in the real lab and the simulator and writes the comparison', async () => {
  const trace = validationTrace(20, 0.15);
  expect(trace.durationS).toBe(41);
  const run = await runValidation(out, trace);
  expect(run.rows).toHaveLength(trace.durationS);
  // One sample a second, a few lost to a busy machine at most.
  expect(run.labSamples).toBeGreaterThan(trace.durationS / 2);
  expect(run.comparison.lab.peakReady).toBeGreaterThanOrEqual(1);
  expect(run.comparison.sim.peakReady).toBeGreaterThanOrEqual(1);
  expect(run.comparison.lab.containerSeconds).toBeGreaterThanOrEqual(trace.durationS);
  expect(Number.isFinite(run.comparison.meanAbsReadyGap)).toBe(true);
  for (const file of run.written) expect(existsSync(file)).toBe(true);
}, 150_000);
