import type { ScalingSnapshot, UnservedDemand } from './types';

/**
 * The last stage of a decision: no scale-down while the service shows demand it is not serving.
 *
 * The metrics say how busy the containers are, not whether requests are being served: on an overloaded
 * host a container throttled by its CPU quota or starved by its neighbours reports little CPU while
 * requests queue in front of it for seconds. A scale-down then removes capacity that is already short, so
 * it is refused (the count stays) for as long as requests wait in line or latency is over its objective,
 * and taken on the first period without either. A scale-up is never touched: it adds capacity, which is
 * what unserved demand needs.
 *
 * Only the outcome is held, not the evidence: the strategy's own recommendation is still recorded (the
 * stabilisation window and the threshold's breach runs see it), because the queue is sampled at one
 * instant per report and a lone waiting request in a burst must not restart a 300 s window.
 */

/** What the snapshot shows of unserved demand, or null when it shows none (so the explanation stays small). */
export function unservedDemandOf(snapshot: ScalingSnapshot): UnservedDemand | null {
  const queued = snapshot.queued ?? 0;
  const latencyBreached = snapshot.latencyBreached ?? false;
  return queued > 0 || latencyBreached ? { queued, latencyBreached } : null;
}

/** The count to ask for: `wanted`, unless it is a scale-down and demand is unserved; then the current one. */
export function holdScaleDown(currentReplicas: number, wanted: number, demand: UnservedDemand | null): { desired: number; held: boolean } {
  const held = demand !== null && wanted < currentReplicas;
  return { desired: held ? currentReplicas : wanted, held };
}
