import { COMPLETION_SLACK_MS } from './time';

/**
 * Latencies grouped by the tick in which their request completes. A request's latency is known the
 * moment it is dispatched (FIFO at a fixed speed), but it belongs to the tick it finishes in, which can be
 * several ticks later; with a bounded queue it is at most `horizonTicks` ahead, so a ring of that many
 * slots suffices and nothing grows with the run.
 */
export class LatencyRing {
  private readonly values: Float64Array[];
  private readonly lengths: Int32Array;
  private readonly size: number;
  /** Requests recorded and not yet taken: what is in flight. */
  pending = 0;

  constructor(
    private readonly tickMs: number,
    horizonTicks: number,
  ) {
    this.size = horizonTicks + 2;
    this.values = Array.from({ length: this.size }, () => new Float64Array(64));
    this.lengths = new Int32Array(this.size);
  }

  /** Completion exactly on a tick boundary belongs to the tick that ends there. */
  tickOf(completionMs: number): number {
    return Math.max(0, Math.ceil((completionMs - COMPLETION_SLACK_MS) / this.tickMs) - 1);
  }

  record(tick: number, currentTick: number, latencyMs: number): void {
    if (tick - currentTick >= this.size) throw new Error(`internal: a request completes ${tick - currentTick} ticks ahead, beyond the ring of ${this.size}`);
    const slot = tick % this.size;
    let buf = this.values[slot]!;
    const n = this.lengths[slot]!;
    if (n === buf.length) {
      const grown = new Float64Array(buf.length * 2);
      grown.set(buf);
      this.values[slot] = grown;
      buf = grown;
    }
    buf[n] = latencyMs;
    this.lengths[slot] = n + 1;
    this.pending++;
  }

  /** The latencies of requests completing in `tick`, valid until the slot is next written; clears the slot. */
  take(tick: number): Float64Array {
    const slot = tick % this.size;
    const n = this.lengths[slot]!;
    this.lengths[slot] = 0;
    this.pending -= n;
    return this.values[slot]!.subarray(0, n);
  }
}

/** A growable buffer of latencies over several ticks (a control period). */
export class LatencyBuffer {
  private buf = new Float64Array(256);
  length = 0;

  append(values: Float64Array): void {
    if (this.length + values.length > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.length + values.length) size *= 2;
      const grown = new Float64Array(size);
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(values, this.length);
    this.length += values.length;
  }

  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

/**
 * The nearest-rank percentile (the value at rank ⌈q·n⌉ of the sorted values), exact; reorders `values`.
 * NaN for an empty set. Quickselect: linear on average, and a tick holds at most a few thousand values.
 */
export function percentile(values: Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const k = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // Median of three keeps already sorted input (common: one container, FIFO) linear.
    const mid = (lo + hi) >>> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * Whole-run latency distribution in fixed-width buckets: exact counts, percentiles to within one bucket
 * (reported as the bucket's upper edge, so never optimistic). Latency is bounded by the queue limit, so
 * the range is known up front; the width is 0.1 ms or the range / 100,000, whichever is larger.
 */
export class LatencyHistogram {
  private readonly counts: Float64Array;
  readonly resolutionMs: number;
  count = 0;
  sum = 0;
  max = 0;

  constructor(maxLatencyMs: number) {
    this.resolutionMs = Math.max(0.1, maxLatencyMs / 100_000);
    this.counts = new Float64Array(Math.ceil(maxLatencyMs / this.resolutionMs) + 2);
  }

  addAll(values: Float64Array): void {
    const last = this.counts.length - 1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const b = Math.min(last, Math.floor(v / this.resolutionMs));
      this.counts[b] = this.counts[b]! + 1;
      this.sum += v;
      if (v > this.max) this.max = v;
    }
    this.count += values.length;
  }

  /** Upper edge of the bucket holding the nearest-rank percentile; NaN when empty. */
  percentile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(this.max, (b + 1) * this.resolutionMs);
    }
    return this.max;
  }
}
