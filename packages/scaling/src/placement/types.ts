/**
 * The vocabulary of placement and scale-in selection. Every decision is a pure function of a snapshot of
 * plain data that the VIM builds from its cluster view (and the simulator from its model) just before it
 * decides, so the same code runs in both and tests need no agents.
 */

export const PLACEMENT_STRATEGY_NAMES = ['spread', 'binpack', 'least-loaded'] as const;

export type PlacementStrategyName = (typeof PLACEMENT_STRATEGY_NAMES)[number];

/**
 * `starting`: started but not ready yet (the agent's `starting`, or `running` and not yet `ready`).
 * `ready`: serving. `draining`: being stopped (the agent's `draining` or `stopping`); exited containers are
 * left out of the snapshot.
 */
export type PlacementContainerState = 'starting' | 'ready' | 'draining';

export interface PlacementContainer {
  id: string;
  service: string;
  /** CPU limit in cores; 0 means no limit, which commits nothing. */
  cpus: number;
  state: PlacementContainerState;
  /** Requests in flight right now; unknown counts as 0. */
  inflight?: number;
  /** When it was started, in ms on any clock the whole snapshot shares; used to stop the newest first. */
  startedAt?: number;
}

export interface PlacementVm {
  id: string;
  /** The agent's connection status. Only `ready` takes containers; anything else (`down`, `connecting`) is treated as down. */
  status: string;
  /** Cordoned by an operator: takes no new containers, and its containers are moved elsewhere. */
  draining: boolean;
  /**
   * Whether the VM's container runtime (its Docker Engine) answered the agent's last check. `false`: the VM
   * takes no new container and none of its containers is chosen to stop (the stop could not run), but its
   * replicas still count and are not moved, like a Kubernetes node that is NotReady before eviction.
   * Undefined (an older agent, or no report yet) counts as up.
   */
  dockerUp?: boolean;
  /** The agent refuses to start more than this many containers, counting every state. */
  maxContainers: number;
  /** CPU cores the VM offers to containers. */
  cpuCapacity: number;
  /** Last reported busy share of all host CPUs, 0–100; undefined (or NaN) before the first report. */
  hostCpuPct?: number;
  containers: readonly PlacementContainer[];
}

export type PlacementSnapshot = readonly PlacementVm[];

export interface PlacementRequest {
  service: string;
  /** The new container's CPU limit in cores (0: no limit). */
  cpus: number;
  /** VMs never to use for this request, e.g. the one where a start just failed. Excluded strictly, see README. */
  avoid?: readonly string[];
}

export interface PlacementSettings {
  /** @default 'spread' */
  strategy: PlacementStrategyName;
  /** Committed CPU limits may reach the VM's cores times this. @default 1 */
  cpuOvercommit: number;
  /** A VM whose reported host CPU is at or above this (0–100] takes no new containers. @default 90 */
  maxHostCpuPct: number;
}

/** Why a VM cannot take the new container; listed in the order they are checked, the first that applies is reported. */
export const PLACEMENT_EXCLUSION_REASONS = [
  'not-ready',
  'docker-down',
  'draining',
  'avoided',
  'max-containers',
  'cpu-committed',
  'cpu-busy',
] as const;

export type PlacementExclusionReason = (typeof PLACEMENT_EXCLUSION_REASONS)[number];

export interface EligibleCandidate {
  vmId: string;
  eligible: true;
  /** The strategy's first criterion, lower is better (see README); ties are settled by the tie-breaks, as `rank` shows. */
  score: number;
  /** 1 for the winner, then 2, 3… in the order the strategy prefers. */
  rank: number;
}

export interface ExcludedCandidate {
  vmId: string;
  eligible: false;
  reason: PlacementExclusionReason;
  /** The numbers behind the reason, for people reading the event log ("8 of 8 containers"). */
  detail: string;
}

export type PlacementCandidate = EligibleCandidate | ExcludedCandidate;

export interface PlacementResult {
  strategy: PlacementStrategyName;
  /** The VM to start the container on; undefined when none can take it (the caller logs `insufficient-capacity`). */
  winner: string | undefined;
  /** Every VM of the snapshot: eligible ones by rank (the winner first), then excluded ones in snapshot order. */
  candidates: PlacementCandidate[];
}

/** A VM's load as the strategies see it. Counts leave out `draining` containers, which are on their way out. */
export interface PlacementVmLoad {
  vm: PlacementVm;
  /** Starting and ready containers of the service being placed or scaled in. */
  serviceContainers: number;
  /** Starting and ready containers of every service. */
  totalContainers: number;
  /** Sum of the CPU limits of every container on the VM, draining ones included, in cores. */
  committedCpus: number;
  /** Reported host CPU, or undefined when unknown. */
  hostCpuPct: number | undefined;
}

/** Why a container was chosen to stop. */
export type VictimReason = 'starting' | 'most-replicas' | 'fewest-containers' | 'most-loaded';

export interface VictimPick {
  containerId: string;
  vmId: string;
  reason: VictimReason;
}

/**
 * A strategy orders VMs by sort keys: arrays compared element by element, lower first, with the VM id
 * as the last tie-break so every decision is deterministic.
 */
export interface PlacementStrategy {
  readonly name: PlacementStrategyName;
  /** Orders candidate VMs for a new container of `cpus` cores. The first element is reported as the score. */
  placementKey(load: PlacementVmLoad, cpus: number): readonly number[];
  /** Orders VMs to take the next scale-in victim from. */
  victimVmKey(load: PlacementVmLoad): readonly number[];
  /** The reason recorded for a victim this strategy chose (starting containers are always taken first, reason `starting`). */
  readonly victimReason: Exclude<VictimReason, 'starting'>;
}
