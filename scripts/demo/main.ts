/**
 * `npm run demo`: a short, bounded scaling story against the running local lab. It offers load through the
 * VIM's front (ramp up, hold, spike, settle, ramp down) with acs-load's runner, samples the cluster every
 * second, and writes demo-report.md with a PNG chart and the events that explain each change.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type SecondRow } from '@acs/loadgen';
import { DemoUsageError, LabApiError, LabClient, loopbackUrl, NoLabError } from './lab-client';
import { demoChart, demoMarkdown } from './report';
import { sampleUntil } from './sampler';
import { BASE_TOTAL_S, DEFAULT_RATES, demoPhases, ScenarioError, scenarioLengthS, scenarioRate } from './scenario';

const USAGE = `Usage: npm run demo -- [options]

Runs a short scaling scenario against the local lab (npm start) and writes a report with a chart.
  --api URL         the VIM admin API (default http://127.0.0.1:9090; loopback only)
  --target URL      the VIM traffic front (default http://127.0.0.1:8080/; loopback only)
  --minutes M       length of the scenario (default ${BASE_TOTAL_S / 60})
  --scale F         or: phase lengths times F (1 = ${BASE_TOTAL_S / 60} minutes; 0.25 = one minute)
  --low-rps N       rate at the start and end of the ramps (default ${DEFAULT_RATES.lowRps})
  --rps N           the plateau (default ${DEFAULT_RATES.baseRps})
  --peak-rps N      the spike (default ${DEFAULT_RATES.peakRps})
  --out FILE        the report (default demo-report.md); the chart next to it, .md -> .png
  --data-dir DIR    the lab's data dir, for its admin-token if it has one (default .acs)
  --token-file F    admin token file (or ACS_ADMIN_TOKEN); only sent along, the demo changes nothing
  --seed N          arrival times' seed (default 1)`;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function numberFlag(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new DemoUsageError(`${flag} must be a number of 0 or more, got '${raw}'`);
  return n;
}

function readToken(tokenFile: string | undefined, dataDir: string): string | undefined {
  const fromEnv = process.env['ACS_ADMIN_TOKEN']?.trim();
  if (fromEnv) return fromEnv;
  const file = tokenFile ?? join(dataDir, 'admin-token');
  if (tokenFile === undefined && !existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    throw new DemoUsageError(`cannot read the admin token file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function progress(row: SecondRow): string {
  return `demo: t=${String(row.t).padStart(3)} s  offered ${String(row.offered).padStart(3)}/s  ok ${String(row.ok).padStart(3)}  errors ${row.errors}  p99 ${row.p99.toFixed(0)} ms`;
}

async function main(argv: string[]): Promise<number> {
  const { values: o } = parseArgs({
    args: argv,
    options: {
      api: { type: 'string', default: 'http://127.0.0.1:9090' },
      target: { type: 'string', default: 'http://127.0.0.1:8080/' },
      minutes: { type: 'string' },
      scale: { type: 'string' },
      'low-rps': { type: 'string' },
      rps: { type: 'string' },
      'peak-rps': { type: 'string' },
      out: { type: 'string', default: 'demo-report.md' },
      'data-dir': { type: 'string', default: '.acs' },
      'token-file': { type: 'string' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (o.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const api = loopbackUrl(o.api, '--api').origin;
  const target = loopbackUrl(o.target, '--target');
  if (o.minutes !== undefined && o.scale !== undefined) throw new DemoUsageError('give --minutes or --scale, not both');
  const scale = o.scale !== undefined ? numberFlag(o.scale, '--scale', 1) : (numberFlag(o.minutes, '--minutes', BASE_TOTAL_S / 60) * 60) / BASE_TOTAL_S;
  const rates = {
    lowRps: numberFlag(o['low-rps'], '--low-rps', DEFAULT_RATES.lowRps),
    baseRps: numberFlag(o.rps, '--rps', DEFAULT_RATES.baseRps),
    peakRps: numberFlag(o['peak-rps'], '--peak-rps', DEFAULT_RATES.peakRps),
  };
  const seed = numberFlag(o.seed, '--seed', 1);
  const phases = demoPhases(rates, scale);
  const durationS = scenarioLengthS(phases);
  const out = resolve(o.out);
  const chartPath = out.replace(/\.md$/i, '') + '.png';
  const client = new LabClient(api, readToken(o['token-file'], o['data-dir']));

  const cluster = await client.cluster();
  const web = cluster.services.find((s) => s.name === 'web');
  const readyVms = cluster.vms.filter((vm) => vm.status === 'ready').length;
  process.stdout.write(`demo: lab at ${api}: ${readyVms} VM(s) ready; web desired ${web?.desired ?? '-'}, autoscale ${web?.autoscale === true ? 'on' : 'off'}\n`);
  if (readyVms === 0) process.stderr.write('demo: no VM is ready: the load will fail until agents connect\n');
  if (web !== undefined && !web.autoscale) process.stderr.write('demo: autoscale is off (a manual scale pins the count): `npx acs autoscale on` to see it scale\n');
  process.stdout.write(`demo: ${phases.map((p) => `${p.name} ${p.toS - p.fromS} s`).join(', ')}: ${durationS.toFixed(0)} s of load to ${target.href}\n`);

  const firstEventId = await client.lastEventId();
  const stop = new AbortController();
  const stopSampling = new AbortController();
  const interrupt = (): void => stop.abort();
  process.once('SIGINT', interrupt);
  const startedAt = Date.now();
  const sampling = sampleUntil(client, startedAt, stopSampling.signal);
  let load;
  try {
    load = await runLoad(
      { url: target, durationS, maxInflight: 256, timeoutMs: 10_000, rate: scenarioRate(phases), arrivals: 'poisson', seed },
      { signal: stop.signal, onSecond: (row) => process.stdout.write(`${progress(row)}\n`) },
    );
  } finally {
    stopSampling.abort();
    process.removeListener('SIGINT', interrupt);
  }
  const { samples, failures } = await sampling;
  let events: Awaited<ReturnType<LabClient['eventsSince']>>['events'] = [];
  try {
    ({ events } = await client.eventsSince(firstEventId));
  } catch (error) {
    // The load and the samples are still worth a report.
    process.stderr.write(`demo: could not read the events (${(error as Error).message}); the report lists none\n`);
  }

  const run = { api, target: target.href, startedAt, phases, load, samples, sampleFailures: failures, events };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(chartPath, demoChart(run));
  writeFileSync(out, demoMarkdown(run, basename(chartPath)));
  process.stdout.write(`demo: ${load.ok} of ${load.sent} requests answered 2xx, p99 ${load.latencyMs.p99.toFixed(0)} ms; ${events.length} events\n`);
  process.stdout.write(`demo: wrote ${out} and ${chartPath}\n`);
  return load.interrupted ? 130 : EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof DemoUsageError || error instanceof ScenarioError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`demo: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exit(EXIT.usage);
    }
    if (error instanceof NoLabError || error instanceof LabApiError) {
      process.stderr.write(`demo: ${error.message}\n`);
      process.exit(EXIT.failed);
    }
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
