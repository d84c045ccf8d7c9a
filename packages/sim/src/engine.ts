import { placeMany, type PlacementSettings, type ScalingPolicy } from '@acs/scaling';
import { round3, RunRecorder } from './accounting';
import type { SimConfig } from './config';
import type { ContainerStartup, Decider, LoadObservation, ServiceModel } from './control/decider';
import { Reconciler } from './control/reconciler';
import { ArrivalProcess } from './model/arrivals';
import { ShortestQueueBalancer } from './model/balancer';
import { Cluster, SERVICE } from './model/cluster';
import type { SimContainer } from './model/container';
import { LatencyRing } from './model/latency';
import { Prng } from './prng';
import type { ContainerRecord, SimResult } from './result';
import type { LoadProfile } from './trace/load-profile';

export interface SimulationSetup {
  /** From resolveSimConfig. */
  config: SimConfig;
  /** From validateScalingPolicy; its controlPeriodMs paces the decisions. */
  policy: ScalingPolicy;
  /** From resolvePlacementSettings. */
  placement: PlacementSettings;
  load: LoadProfile;
}

/**
 * Runs one simulation. Every tick of `tickMs`, in this order:
 *
 *   1. lifecycle   starting containers whose delay is over become ready; drained ones stop
 *   2. report      every reportIntervalMs: each container's CPU, in-flight and rate, as the VMM sends them
 *   3. control     every controlPeriodMs (first at one period): the decider picks a count from the
 *                  VIM-shaped snapshot, then the VIM's reconcile places or drains containers
 *   4. arrivals    this tick's requests go one by one to the ready container with the shortest queue,
 *                  or are rejected (none ready, or every queue at queueLimit)
 *   5. account     requests completing in this tick: served count, exact p99, SLO, container-seconds
 *
 * Deterministic: no clock, no Math.random, ties broken by id or creation order.
 */
export function simulate<S>(setup: SimulationSetup, decider: Decider<S>): SimResult {
  const { config, policy, placement, load } = setup;
  const T = config.tickMs;
  const tickS = T / 1000;
  const durationS = config.durationS ?? load.durationS;
  const ticks = Math.ceil((durationS * 1000) / T - 1e-9);
  const serviceMs = config.workMs / config.containerCpus;
  const containerCapacityRps = (config.containerCpus * 1000) / config.workMs;
  const neededUtilisationPct = config.neededUtilisationPct ?? defaultUtilisationPct(policy);
  const neededPerContainerRps = containerCapacityRps * (neededUtilisationPct / 100);
  const model: ServiceModel = { startupMs: config.startupS * 1000, controlPeriodMs: policy.controlPeriodMs, cpus: config.containerCpus, workMs: config.workMs, containerCapacityRps };

  const cluster = new Cluster(config);
  const startupPrng = new Prng(config.seed, 'startup');
  const startOn = (vmId: string, now: number): void => {
    const jitterMs = config.startupJitterS > 0 ? config.startupJitterS * 1000 * startupPrng.float() : 0;
    cluster.start(vmId, now, now + config.startupS * 1000 + jitterMs);
  };
  const reconciler = new Reconciler(cluster, placement, config.containerCpus, startOn);
  const arrivals = new ArrivalProcess(config.arrivals, config.seed);
  const balancer = new ShortestQueueBalancer();
  // A request accepted behind queueLimit − 1 others finishes at most queueLimit service times later.
  const maxLatencyMs = config.queueLimit * serviceMs;
  const ring = new LatencyRing(T, Math.ceil(maxLatencyMs / T) + 1);

  // Warm start at the count the highest rate before a first start could be ready needs (one start-up
  // plus one control period): no policy can change capacity before then, so an overload there would say
  // nothing about the policy. Placed as the VIM would, and ready at once.
  let firstPeakRps = 0;
  const settleTicks = Math.max(1, Math.ceil((config.startupS * 1000 + policy.controlPeriodMs) / T));
  for (let k = 0; k < Math.min(settleTicks, ticks); k++) firstPeakRps = Math.max(firstPeakRps, load.requestsBetween(k * tickS, (k + 1) * tickS) / tickS);
  const firstNeed = Math.ceil(firstPeakRps / neededPerContainerRps - 1e-9);
  const initial = config.initialReplicas ?? Math.min(policy.maxReplicas, Math.max(policy.minReplicas, firstNeed));
  for (const vmId of placeMany(cluster.placementSnapshot(), { service: SERVICE, cpus: config.containerCpus }, initial, placement).winners) {
    const c = cluster.start(vmId, 0, 0);
    c.state = 'ready';
    c.becameReadyAt = 0;
  }

  const recorder = new RunRecorder({
    tickMs: T,
    timeline: config.timeline,
    sloMs: config.sloMs,
    minReplicas: policy.minReplicas,
    containerCapacityRps,
    neededPerContainerRps,
    neededUtilisationPct,
    maxLatencyMs,
    initialReplicas: initial,
  });
  let desired = initial;
  let state: S | undefined;
  const history: LoadObservation[] = [];
  let startups: ContainerStartup[] = [];
  let nextReportAt = 0;
  let nextControlAt = policy.controlPeriodMs;
  let poolDirty = true;

  for (let k = 0; k < ticks; k++) {
    const now = k * T;

    // 1. lifecycle
    let drained = false;
    for (const c of cluster.containers) {
      if (c.state === 'starting' && c.readyAt <= now) {
        c.state = 'ready';
        c.becameReadyAt = now;
        startups.push({ id: c.id, startedAt: c.startedAt, readyAt: now });
        poolDirty = true;
      } else if (c.state === 'draining' && c.inflightAt(now) === 0) {
        c.stoppedAt = now;
        drained = true;
      }
    }
    if (drained) recorder.containersStopped(cluster.removeStopped());

    // 2. report
    if (now >= nextReportAt) {
      cluster.report(now);
      while (nextReportAt <= now) nextReportAt += config.reportIntervalMs;
    }

    // 3. control
    if (now >= nextControlAt) {
      history.push(recorder.closePeriod(now));
      // No tier 2 here: a request waits in its container's own queue, already counted in its in-flight, and
      // the SLO is judged afterwards by the report, not fed back as the VIM's --slo-p99-ms. Nothing is ever
      // shown as unserved, so the unserved-demand hold never acts and the figures stay the reactive rule's.
      const snapshot = { now, currentReplicas: desired, containers: cluster.scalingContainers(), queued: 0, latencyBreached: false };
      const decision = decider.decide({ now, snapshot, policy, state, history, startups, model });
      startups = [];
      if (!Number.isSafeInteger(decision.desired) || decision.desired < 0) {
        throw new RangeError(`decider ${decider.name} asked for ${String(decision.desired)} containers at ${now} ms; a count must be a whole number ≥ 0`);
      }
      state = decision.state;
      const outcome = reconciler.reconcile(now, decision.desired);
      recorder.decision(now, desired, decision.desired, decision.explanation.reason, decision.annotations, outcome);
      desired = decision.desired;
      if (outcome.stopped > 0) {
        recorder.containersStopped(cluster.removeStopped());
        poolDirty = true;
      }
      while (nextControlAt <= now) nextControlAt += policy.controlPeriodMs;
    }

    // 4. arrivals
    if (poolDirty) {
      balancer.reset(cluster.containers.filter((c) => c.state === 'ready'));
      poolDirty = false;
    }
    const expected = load.requestsBetween(now / 1000, (now + T) / 1000);
    const times = arrivals.generate(now, T, expected);
    let rejected = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      const c = balancer.peek();
      // The shortest queue is full only when all are: the balancer has nowhere to send it.
      if (c === undefined || c.inflightAt(t) >= config.queueLimit) {
        rejected++;
        continue;
      }
      const done = (c.freeAt > t ? c.freeAt : t) + c.serviceMs;
      c.freeAt = done;
      c.accepted++;
      if (c.firstDispatchAt === null) c.firstDispatchAt = t;
      ring.record(ring.tickOf(done), k, done - t);
      balancer.updated();
    }

    // 5. account
    recorder.tick(now, expected, times.length, rejected, ring.take(k), cluster.byState(), desired);
  }

  const endMs = ticks * T;
  const queuedInContainers = cluster.containers.reduce((sum, c) => sum + c.inflightAt(endMs), 0);
  return {
    summary: recorder.summary(decider.name, ring.pending, queuedInContainers, decider.describe?.(state)),
    timeline: recorder.timeline(),
    containers: cluster.everStarted.map(containerRecord),
  };
}

/** The CPU target of a reactive policy, else 100 % (the needed count is then pure capacity). */
function defaultUtilisationPct(policy: ScalingPolicy): number {
  if (policy.strategy === 'reactive') {
    const cpu = policy.metrics.find((m) => m.metric === 'cpu');
    if (cpu !== undefined) return cpu.target;
  }
  return 100;
}

function containerRecord(c: SimContainer): ContainerRecord {
  const s = (ms: number | null): number | null => (ms === null ? null : round3(ms / 1000));
  return {
    id: c.id,
    vm: c.vmId,
    startedAtS: round3(c.startedAt / 1000),
    readyAtS: s(c.becameReadyAt),
    drainingAtS: s(c.drainingSince),
    stoppedAtS: s(c.stoppedAt),
    requests: c.accepted,
    firstRequestAtS: s(c.firstDispatchAt),
  };
}
