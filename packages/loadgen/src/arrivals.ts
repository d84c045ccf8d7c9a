import { seededRandom } from '@acs/balancing';
import type { RateFn } from './patterns';

export const ARRIVAL_MODES = ['poisson', 'constant'] as const;
export type ArrivalMode = (typeof ARRIVAL_MODES)[number];

/** Integration step for a time-varying rate; a rate of 0 is skipped over in steps of this size too. */
const STEP_S = 0.01;
/** Summing 1/rate drifts by ulps: an arrival this close to the end belongs past it (400, not 401, in 2 s at 200/s). */
const END_EPSILON_S = 1e-9;

/**
 * Intended send times, in seconds from the start, for an open-loop run. An arrival falls where the integrated
 * rate Λ(t) = ∫ rate crosses the next threshold: thresholds 1 apart for constant spacing (the first at t = 0),
 * Exp(1)-distributed gaps for Poisson (a non-homogeneous Poisson process by time change). The times depend only
 * on the rate, the mode and the seed, never on how the server answers: that is what makes the load open.
 */
export class ArrivalSchedule {
  private t = 0;
  private readonly random: () => number;
  private first = true;

  constructor(
    private readonly rate: RateFn,
    private readonly mode: ArrivalMode,
    private readonly durationS: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** The next intended time, or undefined once past the duration. */
  next(): number | undefined {
    let need = this.gap();
    while (this.t < this.durationS) {
      const r = this.rate(this.t);
      if (r > 0 && need / r <= STEP_S) {
        this.t += need / r;
        return this.t < this.durationS - END_EPSILON_S ? this.t : undefined;
      }
      if (r > 0) need -= r * STEP_S;
      this.t += STEP_S;
    }
    return undefined;
  }

  private gap(): number {
    if (this.mode === 'constant') {
      const g = this.first ? 0 : 1;
      this.first = false;
      return g;
    }
    return -Math.log(1 - this.random());
  }
}
