import { chooseVictims, countServiceReplicas, placeMany, type PlacementSettings } from '@acs/scaling';
import { SERVICE, type Cluster } from '../model/cluster';
import type { SimContainer } from '../model/container';

export interface ReconcileOutcome {
  started: number;
  /** Containers told to stop (starting ones stop at once, ready ones drain first). */
  stopped: number;
  /** Containers wanted that no VM could take this period. */
  unplaced: number;
}

/**
 * The VIM's ServiceController.reconcile, level-triggered, against the simulated cluster:
 *
 *   counts = countServiceReplicas(snapshot)
 *   usable < desired  →  placeMany(snapshot, request, desired − usable)       start on each winner
 *   usable > desired  →  chooseVictims(snapshot, service, usable − desired)   drain each victim
 *
 * As in the VIM, one scale-in batch runs at a time: the next waits until every container of the last one
 * has stopped (drained). Starts take effect at once (the VIM's start command answers in about 0.2 s,
 * well inside a tick), so there is no pending-start bookkeeping; the start-up delay is the container's.
 */
export class Reconciler {
  private scaleInBatch: SimContainer[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly placement: PlacementSettings,
    private readonly containerCpus: number,
    /** Starts a container on the VM at `now`, with its start-up delay drawn. */
    private readonly startOn: (vmId: string, now: number) => void,
  ) {}

  reconcile(now: number, desired: number): ReconcileOutcome {
    const outcome: ReconcileOutcome = { started: 0, stopped: 0, unplaced: 0 };
    const snapshot = this.cluster.placementSnapshot();
    const { usable } = countServiceReplicas(snapshot, SERVICE);
    this.scaleInBatch = this.scaleInBatch.filter((c) => c.stoppedAt === null);
    if (usable < desired) {
      const result = placeMany(snapshot, { service: SERVICE, cpus: this.containerCpus }, desired - usable, this.placement);
      for (const vmId of result.winners) this.startOn(vmId, now);
      outcome.started = result.winners.length;
      outcome.unplaced = result.unplaced;
    } else if (usable > desired && this.scaleInBatch.length === 0) {
      const byId = new Map(this.cluster.containers.map((c) => [c.id, c]));
      for (const victim of chooseVictims(snapshot, SERVICE, usable - desired, this.placement.strategy)) {
        const c = byId.get(victim.containerId);
        if (c === undefined) continue;
        stopOrDrain(c, now);
        this.scaleInBatch.push(c);
        outcome.stopped++;
      }
    }
    return outcome;
  }
}

/** A starting container has nothing to finish; a ready one leaves the balancer and stops once its queue is empty. */
export function stopOrDrain(c: SimContainer, now: number): void {
  if (c.state === 'starting' || c.inflightAt(now) === 0) {
    if (c.state !== 'starting') c.drainingSince = now;
    c.stoppedAt = now;
    c.state = 'draining';
    return;
  }
  c.state = 'draining';
  c.drainingSince = now;
}
