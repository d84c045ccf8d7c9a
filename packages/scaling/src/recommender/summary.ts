import type {
  MetricName,
  RatePolicy,
  ReactiveExplanation,
  ReactiveMetricExplanation,
  ThresholdExplanation,
  ThresholdMetricExplanation,
  UnservedDemand,
} from './types';

/**
 * The one sentence `acs why` prints. Built only from the explanation's own fields, so the sentence can never
 * say something the recorded numbers do not.
 */

type Unsummarised<T> = Omit<T, 'summary'>;

const LABELS: Record<MetricName, string> = { cpu: 'CPU', rps: 'rps', inflight: 'in-flight' };

function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function ratio(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function pct(fraction: number): string {
  return `${num(fraction * 100)}%`;
}

/** A metric value with its unit: "84%", "240 req/s", "12" (the label already says in-flight). */
function amount(metric: MetricName, value: number): string {
  switch (metric) {
    case 'cpu':
      return `${num(value)}%`;
    case 'rps':
      return `${num(value)} req/s`;
    case 'inflight':
      return num(value);
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function describeRatePolicy(policy: RatePolicy): string {
  const amountText = policy.type === 'containers' ? plural(policy.value, 'container') : `${policy.value}%`;
  return `${amountText} per ${policy.periodS} s`;
}

function reactiveMetricHead(m: ReactiveMetricExplanation): string {
  if (m.observed === null) return `no ${LABELS[m.metric]} data from any ready container`;
  const label = LABELS[m.metric];
  return `${label} ${amount(m.metric, m.observed)} of ${amount(m.metric, m.target)} target over ${plural(m.ready, 'ready container')}`;
}

/** Which gaps were filled, and with what, when HPA recomputed the ratio. */
function fills(m: ReactiveMetricExplanation): string {
  if (m.adjustedRatio === null || m.usageRatio === null) return '';
  const parts: string[] = [];
  if (m.usageRatio > 1) {
    if (m.unready > 0) parts.push(`${m.unready} starting/unready`);
    if (m.missing > 0) parts.push(`${m.missing} without data`);
    return parts.length > 0 ? ` with ${parts.join(' and ')} counted as idle` : '';
  }
  if (m.usageRatio < 1 && m.missing > 0) {
    return ` with ${m.missing} without data counted as ${m.metric === 'cpu' ? 'fully busy' : 'at target'}`;
  }
  return '';
}

function tolerance(t: { up: number; down: number }): string {
  return t.up === t.down ? `±${pct(t.up)}` : `−${pct(t.down)}/+${pct(t.up)}`;
}

function reactiveHead(e: Unsummarised<ReactiveExplanation>): string {
  const current = e.currentReplicas;
  if (e.reason === 'no-metrics') {
    const names = e.metrics.map((m) => LABELS[m.metric]).join(' or ');
    return `no ${names} data from any ready container → stay at ${current}`;
  }
  const deciding = e.metrics.find((m) => m.metric === e.decidingMetric);
  if (deciding === undefined) return `→ ${e.raw}`;
  const others = e.metrics
    .filter((m) => m !== deciding)
    .map((m) => (m.recommendation === null ? `no ${LABELS[m.metric]} data` : `${LABELS[m.metric]} → ${m.recommendation}`));
  const aside = others.length > 0 ? ` (${others.join('; ')})` : '';
  const head = reactiveMetricHead(deciding);

  if (e.reason === 'partial-metrics') {
    const blind = e.metrics.filter((m) => m.recommendation === null).map((m) => LABELS[m.metric]);
    return `${head} → ${e.raw}, but no ${blind.join(' or ')} data from any ready container, so no scale-down → stay at ${current}`;
  }
  switch (deciding.outcome) {
    case 'within-tolerance':
      return `${head}${aside} is within tolerance (${tolerance(e.tolerance)}) → stay at ${current}`;
    case 'direction-reversed': {
      const adjusted = deciding.adjustedRatio ?? deciding.usageRatio ?? 1;
      const why = `the ratio is ${ratio(adjusted)}, against the direction or within tolerance`;
      return `${head}${aside}, but${fills(deciding)} ${why} → stay at ${current}`;
    }
    default:
      return `${head}${fills(deciding)}${aside} → ${e.raw === current ? `stay at ${current}` : e.raw}`;
  }
}

/** "3 requests wait for a free container and p99 latency is over the SLO". */
function describeDemand(demand: UnservedDemand): string {
  const parts: string[] = [];
  if (demand.queued > 0) parts.push(`${num(demand.queued)} request${demand.queued === 1 ? ' waits' : 's wait'} for a free container`);
  if (demand.latencyBreached) parts.push('p99 latency is over the SLO');
  return parts.join(' and ');
}

/** What each later stage did to the count, appended after the strategy's own clause. */
function stages(e: Unsummarised<ReactiveExplanation> | Unsummarised<ThresholdExplanation>): string {
  const notes: string[] = [];
  if (e.strategy === 'reactive' && e.stabilisation !== null && e.stabilised !== e.raw) {
    const s = e.stabilisation;
    notes.push(
      e.raw < e.currentReplicas
        ? `held at ${e.stabilised} by the highest recommendation (${s.highestInDownWindow}) of the last ${s.downWindowS} s`
        : `held at ${e.stabilised} by the lowest recommendation (${s.lowestInUpWindow}) of the last ${s.upWindowS} s`,
    );
  }
  switch (e.reason) {
    case 'cooldown': {
      const direction = e.stabilised > e.currentReplicas ? 'scale-up' : 'scale-down';
      const leftS = e.cooldownUntil === null ? 0 : Math.ceil((e.cooldownUntil - e.at) / 1000);
      notes.push(`held at ${e.currentReplicas} by the ${direction} cooldown (${leftS} s left)`);
      break;
    }
    case 'rate-limited': {
      const r = e.rateLimit;
      if (r === null) break;
      const direction = r.direction === 'up' ? 'scale-up' : 'scale-down';
      if (r.policy === null) {
        notes.push(`held at ${e.currentReplicas}: ${direction} is disabled`);
        break;
      }
      const since = r.periodStartReplicas === e.currentReplicas ? '' : `, counted from ${r.periodStartReplicas} at the start of the period`;
      notes.push(`limited to ${e.clamped} by the ${direction} rate (${describeRatePolicy(r.policy)}${since})`);
      break;
    }
    case 'clamped-max':
      notes.push(`capped at maxReplicas ${e.maxReplicas}`);
      break;
    case 'clamped-min':
      notes.push(`kept at minReplicas ${e.minReplicas}`);
      break;
    case 'unserved-demand':
      if (e.unservedDemand === null) break;
      notes.push(`held at ${e.currentReplicas} while ${describeDemand(e.unservedDemand)}: no scale-down with demand unserved`);
      break;
    default:
      break;
  }
  return notes.map((n) => `; ${n}`).join('');
}

/** The count was forced into [min, max] before any metric was looked at, or scaling is off. */
function forcedHead(e: Unsummarised<ReactiveExplanation> | Unsummarised<ThresholdExplanation>): string | null {
  if (e.reason === 'scaling-disabled') return `the service asks for 0 containers, which switches autoscaling off → stay at 0`;
  if (e.metrics.length > 0 || e.raw !== e.currentReplicas || e.desired === e.currentReplicas) return null;
  if (e.reason === 'clamped-max') return `${e.currentReplicas} is above maxReplicas ${e.maxReplicas} → ${e.desired}`;
  if (e.reason === 'clamped-min') return `${e.currentReplicas} is below minReplicas ${e.minReplicas} → ${e.desired}`;
  return null;
}

export function summariseReactive(e: Unsummarised<ReactiveExplanation>): string {
  return forcedHead(e) ?? `${reactiveHead(e)}${stages(e)}`;
}

function thresholdRule(m: ThresholdMetricExplanation): string {
  const label = LABELS[m.metric];
  if (m.observed === null) return `no ${label} data from any ready container`;
  const value = `${label} ${amount(m.metric, m.observed)}`;
  if (m.breach === null) return `${value} between ${amount(m.metric, m.scaleDownBelow)} and ${amount(m.metric, m.scaleUpAbove)}`;
  const threshold = m.breach === 'above' ? m.scaleUpAbove : m.scaleDownBelow;
  const needed = m.breachForS >= m.requiredS ? '' : ` of the ${m.requiredS} s needed`;
  return `${value} ${m.breach} ${amount(m.metric, threshold)} for ${num(m.breachForS)} s${needed}`;
}

export function summariseThreshold(e: Unsummarised<ThresholdExplanation>): string {
  const forced = forcedHead(e);
  if (forced !== null) return forced;
  const rules = e.metrics.map(thresholdRule).join(', ');
  if (e.raw === e.currentReplicas) {
    const suffix = e.reason === 'partial-metrics' ? ', so no scale-down' : '';
    return `${rules}${suffix} → stay at ${e.currentReplicas}`;
  }
  const change = Math.abs(e.raw - e.currentReplicas);
  const step = `${e.currentReplicas} ${e.raw > e.currentReplicas ? '+' : '−'} ${change}`;
  return `${rules} → ${step} = ${e.raw}${stages(e)}`;
}
