import { recommend, type RecommenderState, type ScalingPolicy, type ScalingSnapshot } from '@acs/scaling';

/**
 * The decision hook. Once per control period the engine builds the snapshot exactly as the VIM's
 * reconcile loop does and asks the decider for a replica count; placement and scale-in then follow the
 * VIM's rules whatever the decider is. A decider is pure: everything it remembers goes out in `state`
 * and comes back next period, so a run is a function of its inputs and a new policy plugs in without
 * touching the engine.
 */

/** What the balancer saw over one control period: the history a forecaster learns from. */
export interface LoadObservation {
  /** End of the period, ms of simulated time. */
  at: number;
  /** Requests that reached the balancer per second, rejected ones included (the tier-1 front counts them). */
  offeredRps: number;
  /** Requests completed per second. */
  servedRps: number;
  /** Requests turned away per second (no ready container, or every queue full). */
  rejectedRps: number;
}

/** Facts about the service a decider may plan with, e.g. a forecast horizon of start-up + one period. */
export interface ServiceModel {
  /** Start-to-ready delay of a new container (without jitter). */
  startupMs: number;
  controlPeriodMs: number;
  /** Each container's CPU limit. */
  cpus: number;
  workMs: number;
  /** Requests/s one container serves at 100 % of its limit: cpus × 1000 / workMs. */
  containerCapacityRps: number;
}

export interface DecisionInput<S> {
  /** Simulated ms, as the snapshot's `now`. */
  now: number;
  /** As the VIM builds it: currentReplicas is the desired count so far, containers are the live non-draining ones. */
  snapshot: ScalingSnapshot;
  policy: ScalingPolicy;
  /** What this decider returned last period; undefined on the first call. */
  state: S | undefined;
  /** One entry per earlier control period, oldest first (this period's is the last). Do not modify. */
  history: readonly LoadObservation[];
  /**
   * Containers that became ready since the previous decision, as the VIM learns of them from the VMM's
   * events: start-up is measured, not assumed, so start-up jitter reaches a decider that plans with it.
   * The warm-start containers (ready at t = 0) are not in it.
   */
  startups: readonly ContainerStartup[];
  model: ServiceModel;
}

/** One container's start: asked for at `startedAt`, took requests from `readyAt` (simulated ms). */
export interface ContainerStartup {
  id: string;
  startedAt: number;
  readyAt: number;
}

/** The part of an explanation the engine reads; @acs/scaling's ScalingExplanation has both. */
export interface DecisionExplanation {
  /** A short stable code, counted per run (e.g. 'scale-up', 'stabilised'). */
  reason: string;
  summary: string;
}

export interface Decision<S> {
  desired: number;
  state: S;
  explanation: DecisionExplanation;
  /** Numbers worth plotting (a forecast, its upper bound), copied into this period's timeline row. */
  annotations?: Readonly<Record<string, number>>;
}

export interface Decider<S> {
  readonly name: string;
  decide(input: DecisionInput<S>): Decision<S>;
  /**
   * What the decider learned over the run, from its last state (undefined if it never decided), for the
   * summary's `decider` field: e.g. a forecaster's accuracy or a learned capacity. Optional.
   */
  describe?(state: S | undefined): Readonly<Record<string, DeciderFact>>;
}

/** A value in a decider's own summary; null for "not known". */
export type DeciderFact = number | string | boolean | null;

/** The VIM's policy: @acs/scaling's `recommend` (HPA, or the threshold rules if the policy says so). */
export const reactiveDecider: Decider<RecommenderState> = {
  name: 'reactive',
  decide: ({ snapshot, policy, state }) => recommend(snapshot, policy, state),
};
