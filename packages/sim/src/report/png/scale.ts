/**
 * Axis arithmetic: "nice" tick steps (1, 2 or 5 × 10^k, or whole clock units for durations) and compact
 * labels. Pure functions, so that the ticks a chart shows can be tested without drawing it.
 */

/** Tick count aimed at when none is given. */
export const DEFAULT_TICK_TARGET = 5;

const SECOND = 1;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

// Clock-friendly steps: a 7 h step would put ticks at 7h, 14h, 21h, which no one reads at a glance.
const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY];

/** The smallest of 1, 2, 5 × 10^k that is ≥ `raw` (1 for a non-positive or non-finite `raw`). */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  // The slack absorbs log10's rounding, so that exactly 10^k stays 10^k and does not become 2 × 10^k.
  const slack = 1 + 1e-9;
  const nice = fraction <= slack ? 1 : fraction <= 2 * slack ? 2 : fraction <= 5 * slack ? 5 : 10;
  return clean(nice * power);
}

/** Smallest clock step (1 s … 1 d, then nice multiples of a day) ≥ `raw` seconds. */
export function niceTimeStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  if (raw < SECOND) return niceStep(raw);
  for (const step of TIME_STEPS_S) if (step >= raw) return step;
  return niceStep(raw / DAY) * DAY;
}

/**
 * Ticks at multiples of `step` covering [min, max]: the first at or below `min`, the last at or above
 * `max`. Used for a y axis, whose range then runs from the first tick to the last.
 */
export function ticksCovering(min: number, max: number, step: number): number[] {
  return multiples(Math.floor(min / step + 1e-9), Math.ceil(max / step - 1e-9), step);
}

/** Multiples of `step` inside [min, max]: an x axis spans exactly its data, so its ticks stay inside. */
export function ticksWithin(min: number, max: number, step: number): number[] {
  return multiples(Math.ceil(min / step - 1e-9), Math.floor(max / step + 1e-9), step);
}

/** Nice ticks covering [min, max], about `target` intervals: 0..7 → 0, 2, 4, 6, 8. */
export function niceTicks(min: number, max: number, target = DEFAULT_TICK_TARGET): number[] {
  const [lo, hi] = widen(min, max);
  return ticksCovering(lo, hi, niceStep((hi - lo) / Math.max(1, target)));
}

function multiples(first: number, last: number, step: number): number[] {
  const ticks: number[] = [];
  // Bounded so that a degenerate step can never make a runaway loop.
  for (let i = first; i <= last && ticks.length <= 1000; i++) ticks.push(clean(i * step));
  return ticks;
}

/** A usable range for any input: finite, and not empty (a single value gets room around it). */
export function widen(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) return [0, 1];
  if (min < max && Number.isFinite(max - min)) return [min, max];
  if (min !== max) return [0, 1];
  const pad = min === 0 ? 1 : Math.abs(min) / 10;
  return [min - pad, max + pad];
}

// 0.1 + 0.2 style residue would otherwise show up in labels and in tick equality.
function clean(v: number): number {
  const r = Number(v.toPrecision(12));
  return r === 0 ? 0 : r;
}

const UNITS: ReadonlyArray<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/**
 * A short label: 1500 → "1.5k", 12000 → "12k", 2500000 → "2.5M", 0.25 → "0.25". With `step` (the tick
 * spacing) enough digits are kept to tell neighbouring ticks apart (1.0005M next to 1.001M); otherwise 4
 * significant digits.
 */
export function formatNumber(value: number, step?: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  let digits = 4;
  if (step !== undefined && step > 0 && Number.isFinite(step)) {
    digits = Math.min(15, Math.max(digits, Math.floor(Math.log10(abs)) - Math.floor(Math.log10(step)) + 2));
  }
  const rounded = Number(abs.toPrecision(digits));
  const unit = UNITS.find(([size]) => rounded >= size);
  const shown = unit === undefined ? rounded : Number((rounded / unit[0]).toPrecision(digits));
  return `${value < 0 ? '-' : ''}${String(shown)}${unit?.[1] ?? ''}`;
}

/**
 * A duration in seconds as clock units, largest first: 21600 → "6h", 172800 → "2d", 5400 → "1h30m",
 * 129600 → "1d12h". Fractions of a second below a minute keep their decimals ("0.5s").
 */
export function formatSeconds(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs < MINUTE && !Number.isInteger(abs)) return `${sign}${formatNumber(abs)}s`;
  let rest = Math.round(abs);
  let out = '';
  for (const [size, suffix] of [[DAY, 'd'], [HOUR, 'h'], [MINUTE, 'm'], [SECOND, 's']] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    // Zero units are kept only between two non-zero ones, so 1d0h30m stays unambiguous but 2d0h0m0s is 2d.
    if (n > 0 || (out !== '' && rest > 0)) out += `${n}${suffix}`;
  }
  return sign + (out === '' ? '0' : out);
}
