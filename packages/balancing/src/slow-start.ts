/**
 * Slow start, as in NGINX's `slow_start` and Envoy's slow-start mode: a backend that has just become ready
 * has cold caches, JIT and connection pools, and a least-connections or weighted policy would otherwise hand
 * it a full share (or, with zero inflight, a burst) at once. Ramping its weight lets it warm up on real
 * traffic without being swamped.
 */

/**
 * Weight to use for a backend that became ready at `readySince`: ramps linearly from `floor` (a small share,
 * never 0) to `weight` over `periodMs`; `periodMs` 0 disables.
 *
 * The floor is `weight × floorFraction`. It is never 0 because weight 0 means drained to every policy: a
 * backend at 0 would get no traffic, and so could never show it is fine. For the same reason a backend that
 * is already drained (weight ≤ 0) is returned as is, not revived at the floor.
 */
export function slowStartWeight(weight: number, readySince: number, now: number, periodMs: number, floorFraction = 0.1): number {
  if (!(periodMs >= 0) || !Number.isFinite(periodMs)) {
    throw new RangeError(`slow start periodMs must be a finite number ≥ 0, got ${periodMs}`);
  }
  if (!(floorFraction > 0 && floorFraction <= 1)) {
    throw new RangeError(`slow start floorFraction must be in (0, 1], got ${floorFraction}`);
  }
  if (periodMs === 0 || !(weight > 0)) return weight;
  const elapsed = now - readySince;
  if (elapsed >= periodMs) return weight;
  // Before readySince (clock skew between whoever stamped it and this clock) or an unknown time (NaN):
  // the backend is treated as just ready, the cautious end of the ramp.
  const progress = elapsed > 0 ? elapsed / periodMs : 0;
  const ramped = weight * (floorFraction + (1 - floorFraction) * progress);
  // Only a subnormal weight could underflow to 0 here; the full weight is still a tiny positive share.
  return ramped > 0 ? ramped : weight;
}
