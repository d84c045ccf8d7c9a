import type { RunOutput } from '../run';
import type { SimSummary } from '../result';

/** The human summary: a few context lines, then one column per run so policies compare side by side. */
export function formatReport(output: RunOutput, wallS: number): string {
  const { trace, config, policy, placement, runs } = output;
  const perContainerRps = (config.containerCpus * 1000) / config.workMs;
  const simulatedS = runs[0]?.summary.durationS ?? 0;
  const policyText =
    policy.strategy === 'reactive'
      ? `HPA on ${policy.metrics.map((m) => `${m.metric} ${m.target}${m.metric === 'cpu' ? '%' : ''}`).join(', ')}, scale-down window ${policy.behavior.scaleDown.stabilizationWindowS} s`
      : `threshold rules on ${policy.rules.map((r) => r.metric).join(', ')}`;
  const lines = [
    `trace     ${trace.name}: rate ×${trace.rateScale}, time ÷${trace.timeCompress}; mean ${fixed(trace.meanRps, 1)} rps, max ${fixed(trace.maxRps, 1)} rps; ${fmtInt(simulatedS)} s simulated`,
    `cluster   ${config.vms} VMs × ${config.maxContainersPerVm} containers (${config.vmCpus} cores each); container ${config.containerCpus} CPU, ${config.workMs} ms/request = ${fixed(perContainerRps, 1)} rps; start-up ${config.startupS} s${config.startupJitterS > 0 ? ` + [0, ${config.startupJitterS}] s` : ''}; queue ${config.queueLimit}`,
    `policy    ${policyText}; replicas ${policy.minReplicas}–${policy.maxReplicas}; control every ${policy.controlPeriodMs / 1000} s; placement ${placement.strategy}`,
    `run       seed ${config.seed}, ${config.arrivals} arrivals, tick ${config.tickMs} ms, SLO p99 ≤ ${config.sloMs} ms`,
    '',
  ];
  const rows: Array<[string, (s: SimSummary) => string]> = [
    ['requests arrived', (s) => fmtInt(s.requests.arrived)],
    ['  served', (s) => fmtInt(s.requests.served)],
    ['  rejected', (s) => `${fmtInt(s.requests.rejected)} (${pct(s.requests.rejected, s.requests.arrived)})`],
    ['  in flight at end', (s) => fmtInt(s.requests.inFlightAtEnd)],
    ['  conserved', (s) => (s.requests.conserved ? 'yes' : 'NO')],
    ['latency p50 / p99 / max, ms', (s) => `${opt(s.latencyMs.p50)} / ${opt(s.latencyMs.p99)} / ${opt(s.latencyMs.max)}`],
    ['SLO violation, s', (s) => `${fmtNum(s.slo.violationS)} (${pct(s.slo.violationS, s.durationS)})`],
    ['  by p99 / by rejection, s', (s) => `${fmtNum(s.slo.byLatencyS)} / ${fmtNum(s.slo.byRejectionS)}`],
    ['container-seconds', (s) => fmtNum(s.containerSeconds)],
    ['  over-provisioned', (s) => `${fmtNum(s.overProvisionedContainerSeconds)} (needed at ${s.neededUtilisationPct}% CPU)`],
    ['  under-provisioned', (s) => fmtNum(s.underProvisionedContainerSeconds)],
    ['replicas peak / mean / final', (s) => `${s.replicas.peak} / ${fixed(s.replicas.meanTotal, 2)} / ${s.replicas.final}`],
    ['scaling actions (up / down)', (s) => `${s.scaling.actions} (${s.scaling.scaleUps} / ${s.scaling.scaleDowns})`],
    ['containers started / stopped', (s) => `${s.scaling.containersStarted} / ${s.scaling.containersStopped}`],
    ['  not placed (no VM room)', (s) => fmtInt(s.scaling.unplaced)],
    ['time to capacity: rises', (s) => `${s.timeToCapacity.episodes} (${s.timeToCapacity.resolved} resolved)`],
    ['  mean / max, s', (s) => `${opt(s.timeToCapacity.meanS)} / ${opt(s.timeToCapacity.maxS)}`],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length)) + 2;
  const columns = runs.map((r) => [r.summary.policy, ...rows.map(([, cell]) => cell(r.summary))]);
  const widths = columns.map((col) => Math.max(...col.map((c) => c.length)) + 2);
  const line = (label: string, cells: string[]): string => (label.padEnd(labelWidth) + cells.map((c, i) => c.padStart(widths[i]!)).join('')).trimEnd();
  lines.push(line('', columns.map((c) => c[0]!)));
  rows.forEach(([label], i) => lines.push(line(label, columns.map((c) => c[i + 1]!))));
  lines.push('', `simulated ${fmtInt(simulatedS)} s × ${runs.length} run${runs.length === 1 ? '' : 's'} in ${wallS.toFixed(2)} s of wall time`);
  return lines.join('\n');
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fmtNum(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function fixed(n: number, digits: number): string {
  return n.toFixed(digits);
}

function opt(n: number | null): string {
  return n === null ? '–' : fmtNum(n);
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
}
