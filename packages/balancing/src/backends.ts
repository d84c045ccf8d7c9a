import type { Backend } from './types';

/**
 * Every policy treats a backend without positive finite capacity as absent. Filtering once, up front,
 * means no policy can leak a drained backend (weight 0) through a tie-break or a cursor position, and an
 * infinite or NaN weight (a caller bug) cannot poison weighted arithmetic.
 */
export function eligible(backends: readonly Backend[]): readonly Backend[] {
  // Fast path: usually every backend is live, and then the caller's array can be used as is.
  if (backends.every(isEligible)) return backends;
  return backends.filter(isEligible);
}

function isEligible(backend: Backend): boolean {
  return Number.isFinite(backend.weight) && backend.weight > 0;
}

/** Inflight per unit of capacity: how busy a backend is relative to what it can take. */
export function loadRatio(backend: Backend): number {
  return backend.inflight / backend.weight;
}

/** An index in [0, n) from a [0,1) source; clamped so a source that returns exactly 1 cannot overrun. */
export function randomIndex(random: () => number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(random() * n)));
}
