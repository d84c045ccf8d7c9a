import type { Backend } from './types';

/**
 * Where to resume cycling after the previous pick, in a list that may have changed since.
 *
 * Remembering only an index would skip or repeat a backend whenever one before it joins or leaves;
 * remembering only the id would restart from the top whenever the last-picked backend leaves. So both are
 * kept: resume just after the last-picked id if it is still there, else at its old slot, which its
 * successor has slid into.
 */
export class Rotation {
  private lastId: string | undefined;
  private lastIndex = -1;

  /** Index in `list` (non-empty) at which the next scan should start. */
  start(list: readonly Backend[]): number {
    const n = list.length;
    if (this.lastId === undefined) return 0;
    // Checked first because the list is usually unchanged between picks, which makes this O(1).
    if (list[this.lastIndex]?.id === this.lastId) return (this.lastIndex + 1) % n;
    const found = list.findIndex((b) => b.id === this.lastId);
    if (found >= 0) return (found + 1) % n;
    return this.lastIndex % n;
  }

  record(list: readonly Backend[], index: number): void {
    this.lastId = list[index]?.id;
    this.lastIndex = index;
  }
}

/**
 * Picks the smallest eligible backend by `compare`, ties spread by `rotation`: the whole of the
 * comparator-based policies (least-connections, least-loaded), which differ only in `compare`.
 */
export function pickRotating(rotation: Rotation, live: readonly Backend[], compare: (a: Backend, b: Backend) => number): Backend | undefined {
  if (live.length === 0) return undefined;
  const index = argminFrom(live, rotation.start(live), compare);
  rotation.record(live, index);
  return live[index];
}

/**
 * The index of the smallest element by `compare`, scanning from `start` and wrapping, so among equal
 * elements the first one at or after `start` wins. Combined with `Rotation` this spreads ties instead of
 * always sending them to the head of the list.
 */
function argminFrom(list: readonly Backend[], start: number, compare: (a: Backend, b: Backend) => number): number {
  const n = list.length;
  let best = start;
  for (let step = 1; step < n; step++) {
    const index = (start + step) % n;
    if (compare(list[index]!, list[best]!) < 0) best = index;
  }
  return best;
}
