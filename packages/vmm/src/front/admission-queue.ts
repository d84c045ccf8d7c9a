/**
 * Bounded FIFO of requests waiting for a container with a free in-flight slot. Pure bookkeeping: the
 * front decides when to admit; the queue only keeps order, limits size and reports who waited too long.
 */
export interface Waiting<T> {
  item: T;
  enqueuedAt: number;
}

export class AdmissionQueue<T> {
  private readonly items: Array<Waiting<T>> = [];

  constructor(readonly limit: number) {}

  get length(): number {
    return this.items.length;
  }

  /** False when full: the caller answers 503 rather than let the queue grow without bound. */
  push(item: T, now: number): boolean {
    if (this.items.length >= this.limit) return false;
    this.items.push({ item, enqueuedAt: now });
    return true;
  }

  /** The item first in line, left in place. */
  peek(): T | undefined {
    return this.items[0]?.item;
  }

  shift(): T | undefined {
    return this.items.shift()?.item;
  }

  remove(item: T): boolean {
    const index = this.items.findIndex((w) => w.item === item);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /** Removes and returns every item that has waited longer than `maxWaitMs`. */
  expire(now: number, maxWaitMs: number): T[] {
    const expired: T[] = [];
    while (this.items.length > 0 && now - this.items[0]!.enqueuedAt > maxWaitMs) expired.push(this.items.shift()!.item);
    return expired;
  }
}
