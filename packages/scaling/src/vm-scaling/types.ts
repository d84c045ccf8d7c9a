/**
 * VM-level scaling: when the service needs containers that no VM can take, bring a standby VM up; when a
 * VM has stood empty for a cool-down, stop it. Pure types: the VIM gathers a {@link VmScalingSnapshot},
 * calls `decideVmScaling`, and hands the decision to its VM provider.
 */

export interface VmScalingSettings {
  /** Never stop a VM when that would leave fewer ready VMs than this. @default 1 */
  minVms: number;
  /** Never start a VM when this many are ready (or starting) already. */
  maxVms: number;
  /** A VM counts as busy at or above this host CPU %. @default 80 */
  cpuThresholdPct: number;
  /** A VM the provider may stop is stopped after standing empty this long. @default 300000 (5 min) */
  idleCooldownMs: number;
}

export interface VmScalingVm {
  id: string;
  status: 'ready' | 'down';
  /** An operator drained it: it takes no containers, so it neither counts as room nor gets stopped here. */
  draining: boolean;
  /**
   * Whether its Docker Engine answered the agent's last check; null when unknown (no report yet, or an
   * older agent), which counts as up. A VM with the engine down is not room for containers.
   */
  dockerUp: boolean | null;
  /** Host CPU % from its last report; null before the first. */
  cpuPct: number | null;
  /** Containers on it that are not gone (starting, ready or draining). */
  containers: number;
  maxContainers: number;
  /** Since when it has had no container; null while it has some. */
  emptySince: number | null;
  /** The provider can stop it (a VM it started, or one of its configured standby VMs). */
  stoppable: boolean;
}

/** A standby VM the provider could bring up, unless it is backing off after a failure. */
export interface StandbyVm {
  name: string;
  /** After a failed start: not tried again before this time. */
  backoffUntil: number | null;
}

export interface PendingVmAction {
  kind: 'start' | 'stop';
  vm: string;
  startedAt: number;
}

export interface VmScalingSnapshot {
  now: number;
  vms: readonly VmScalingVm[];
  /** Containers the service wants that placement could not fit on any VM (0 when all fit). */
  unmetReplicas: number;
  /** Standby VMs not running now, in the order to try them. */
  standby: readonly StandbyVm[];
  /** The VM action in flight (at most one); the decision waits for it. */
  pending: PendingVmAction | null;
}

export type VmScalingDecision =
  | { action: 'none'; reason: string }
  | { action: 'start'; vm: string; reason: string }
  | { action: 'stop'; vm: string; reason: string };
