/** Every predictive-scaling default in one place, units in the names. */

export const DEFAULT_WIDE_RELATIVE_WIDTH = 0.5;
export const DEFAULT_HEADROOM_FRACTION = 0.2;

/** CPU below this says little about capacity: fixed per-container overhead dominates it. */
export const DEFAULT_CAPACITY_MIN_UTILISATION_PCT = 20;
export const DEFAULT_CAPACITY_MIN_SAMPLES = 10;
/** EWMA weight per sample: about the last 20 samples (40 s of 2 s periods) dominate. */
export const DEFAULT_CAPACITY_SMOOTHING = 0.05;
/** A sample more than this factor away from the estimate is clipped to it before averaging. */
export const CAPACITY_OUTLIER_FACTOR = 2;

export const DEFAULT_STARTUP_WINDOW = 50;
export const DEFAULT_STARTUP_MIN_SAMPLES = 5;
/** Until 5 starts are seen: on the slow side of a container start in the lab, so the first horizons err long. */
export const DEFAULT_STARTUP_P90_MS = 10_000;
