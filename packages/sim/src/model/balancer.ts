import type { SimContainer } from './container';

/**
 * Join-the-shortest-queue over the ready containers: each request goes to the container with the least
 * work left, which, with one service time for all, is the one with the fewest requests in flight. Ties go
 * to the container idle the longest (then the oldest), so idle ones share the load in turn. A binary heap
 * on `freeAt` makes a pick O(log n).
 *
 * The real system balances in two tiers (VIM → VM, VMM → container, with p2c by default); a single
 * least-loaded tier is the idealised version of both and keeps the model about capacity, not balancing.
 */
export class ShortestQueueBalancer {
  private heap: SimContainer[] = [];

  /** Replaces the pool (after containers became ready or started draining). */
  reset(ready: readonly SimContainer[]): void {
    this.heap = [...ready];
    for (let i = (this.heap.length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get size(): number {
    return this.heap.length;
  }

  /** The container the next request goes to, or undefined with none ready. */
  peek(): SimContainer | undefined {
    return this.heap[0];
  }

  /** Call after giving peek()'s container a request: its `freeAt` grew. */
  updated(): void {
    this.siftDown(0);
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i];
    if (item === undefined) return;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right]!, heap[left]!)) child = right;
      if (!before(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}

function before(a: SimContainer, b: SimContainer): boolean {
  return a.freeAt < b.freeAt || (a.freeAt === b.freeAt && a.seq < b.seq);
}
