import type { DeciderFact } from './control/decider';

/**
 * What a run produces: plain JSON-safe data (no NaN: "no value" is null), built in a fixed key order from
 * deterministic arithmetic, so one seed gives byte-identical JSON.
 */

/** One row of the timeline: a control period (default) or a tick. Counts are over the row's interval. */
export interface TimelineRow {
  /** Start of the interval, simulated seconds. */
  t: number;
  /** Mean offered rate over the interval from the (scaled, compressed) trace, requests/s. */
  offeredRps: number;
  /** Requests that arrived in the interval. */
  arrived: number;
  /** Requests that completed in the interval. */
  served: number;
  /** Requests turned away in the interval: no ready container, or every queue full. */
  rejected: number;
  /** Exact (nearest-rank) p99 latency of the requests that completed in the interval; null when none did. */
  p99Ms: number | null;
  /** Ready containers at the end of the interval (draining ones excluded). */
  ready: number;
  /** All containers at the end of the interval: starting, ready and draining. */
  total: number;
  /** The desired count after the decision taken at the start of the interval (or carried over). */
  desired: number;
  /** The decision's reason code, when a decision was taken at the start of the interval. */
  reason?: string;
  /** The decider's annotations for that decision (e.g. a forecast). */
  notes?: Readonly<Record<string, number>>;
}

/** A stretch where the offered load exceeded what the ready containers can serve at 100 % CPU. */
export interface CapacityEpisode {
  /** When the offered load first exceeded capacity, simulated seconds. */
  atS: number;
  /** Until capacity was back at or above the offered load (scale-out or the load falling); null if never in the run. */
  durationS: number | null;
  /** Largest (offered − capacity) during the episode, requests/s. */
  peakShortfallRps: number;
}

export interface ContainerRecord {
  id: string;
  vm: string;
  startedAtS: number;
  readyAtS: number | null;
  drainingAtS: number | null;
  stoppedAtS: number | null;
  /** Requests it accepted. */
  requests: number;
  /** When it was given its first request; null if never. */
  firstRequestAtS: number | null;
}

export interface SimSummary {
  /** The decider's name. */
  policy: string;
  durationS: number;
  ticks: number;
  requests: {
    arrived: number;
    served: number;
    rejected: number;
    /** Accepted but not completed when the run ended (queued or in service). */
    inFlightAtEnd: number;
    /** arrived = served + rejected + inFlightAtEnd, cross-checked against the containers' own queues. */
    conserved: boolean;
  };
  /** Over every served request; percentiles to within `resolutionMs` (upper bucket edge), mean and max exact. */
  latencyMs: { mean: number | null; p50: number | null; p90: number | null; p99: number | null; max: number | null; resolutionMs: number };
  slo: {
    sloMs: number;
    /** Seconds of ticks with p99 > sloMs or any rejection. */
    violationS: number;
    /** Seconds of ticks with p99 > sloMs (overlaps byRejectionS). */
    byLatencyS: number;
    /** Seconds of ticks with a rejection (overlaps byLatencyS). */
    byRejectionS: number;
  };
  /** Σ containers alive × seconds, starting and draining ones included: what the cluster pays for. */
  containerSeconds: number;
  readyContainerSeconds: number;
  /** Utilisation the needed count is computed at, percent. */
  neededUtilisationPct: number;
  /** Σ max(0, total − needed) × seconds; needed = max(minReplicas, ⌈offered × workMs/1000 / (cpus × util)⌉). */
  overProvisionedContainerSeconds: number;
  /** Σ max(0, needed − ready) × seconds. */
  underProvisionedContainerSeconds: number;
  replicas: { initial: number; peak: number; meanTotal: number; final: number };
  scaling: {
    decisions: number;
    /** Decisions that changed the desired count. */
    actions: number;
    scaleUps: number;
    scaleDowns: number;
    containersStarted: number;
    containersStopped: number;
    /** Containers asked for that no VM could take, summed over periods (retried each period, as the VIM does). */
    unplaced: number;
    /** Decisions per reason code, keys sorted. */
    reasons: Record<string, number>;
  };
  timeToCapacity: {
    episodes: number;
    resolved: number;
    meanS: number | null;
    maxS: number | null;
    list: CapacityEpisode[];
  };
  /** The decider's own account of the run (`Decider.describe`), e.g. forecast accuracy; absent if it gives none. */
  decider?: Record<string, DeciderFact>;
}

export interface SimResult {
  summary: SimSummary;
  timeline: TimelineRow[];
  containers: ContainerRecord[];
}
