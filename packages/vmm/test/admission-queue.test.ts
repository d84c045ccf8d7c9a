import { AdmissionQueue } from '../src/front/admission-queue';

describe('AdmissionQueue', () => {
  test('shift returns items in the order they were pushed', () => {
    const queue = new AdmissionQueue<string>(10);
    expect(queue.push('a', 1)).toBe(true);
    expect(queue.push('b', 2)).toBe(true);
    expect(queue.push('c', 3)).toBe(true);
    expect(queue.length).toBe(3);
    expect(queue.shift()).toBe('a');
    expect(queue.shift()).toBe('b');
    expect(queue.shift()).toBe('c');
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
  });

  test('push refuses once the limit is reached and accepts again after a shift', () => {
    const queue = new AdmissionQueue<number>(2);
    expect(queue.limit).toBe(2);
    expect(queue.push(1, 0)).toBe(true);
    expect(queue.push(2, 0)).toBe(true);
    expect(queue.push(3, 0)).toBe(false);
    expect(queue.length).toBe(2);
    expect(queue.shift()).toBe(1);
    expect(queue.push(4, 0)).toBe(true);
    expect([queue.shift(), queue.shift(), queue.shift()]).toEqual([2, 4, undefined]);
  });

  test('a limit of 0 admits nothing', () => {
    const queue = new AdmissionQueue<string>(0);
    expect(queue.push('a', 0)).toBe(false);
    expect(queue.length).toBe(0);
    expect(queue.peek()).toBeUndefined();
  });

  test('peek shows the first item without removing it', () => {
    const queue = new AdmissionQueue<string>(5);
    expect(queue.peek()).toBeUndefined();
    queue.push('first', 0);
    queue.push('second', 1);
    expect(queue.peek()).toBe('first');
    expect(queue.peek()).toBe('first');
    expect(queue.length).toBe(2);
    queue.shift();
    expect(queue.peek()).toBe('second');
  });

  test('remove takes an item out of the middle and keeps the others in order', () => {
    const a = { id: 'a' };
    const b = { id: 'b' };
    const c = { id: 'c' };
    const queue = new AdmissionQueue<{ id: string }>(5);
    queue.push(a, 0);
    queue.push(b, 1);
    queue.push(c, 2);
    expect(queue.remove(b)).toBe(true);
    expect(queue.length).toBe(2);
    expect(queue.remove(b)).toBe(false);
    expect(queue.remove({ id: 'a' })).toBe(false); // identity, not structural equality
    expect(queue.shift()).toBe(a);
    expect(queue.shift()).toBe(c);
  });

  test('remove frees a place under the limit', () => {
    const queue = new AdmissionQueue<string>(1);
    queue.push('a', 0);
    expect(queue.push('b', 0)).toBe(false);
    expect(queue.remove('a')).toBe(true);
    expect(queue.push('b', 0)).toBe(true);
    expect(queue.peek()).toBe('b');
  });

  test('expire removes and returns only the items that waited longer than maxWaitMs, oldest first', () => {
    const queue = new AdmissionQueue<string>(10);
    queue.push('t0', 1000);
    queue.push('t100', 1100);
    queue.push('t250', 1250);
    queue.push('t400', 1400);
    // At 1500 with 200 ms allowed: t0 (500) and t100 (400) are too old, t250 (250) too, t400 (100) is not.
    expect(queue.expire(1500, 200)).toEqual(['t0', 't100', 't250']);
    expect(queue.length).toBe(1);
    expect(queue.peek()).toBe('t400');
    expect(queue.expire(1500, 200)).toEqual([]);
  });

  test('an item that has waited exactly maxWaitMs is not yet expired', () => {
    const queue = new AdmissionQueue<string>(10);
    queue.push('a', 1000);
    expect(queue.expire(1200, 200)).toEqual([]);
    expect(queue.expire(1201, 200)).toEqual(['a']);
    expect(queue.length).toBe(0);
  });

  test('expire on an empty queue returns nothing', () => {
    const queue = new AdmissionQueue<string>(3);
    expect(queue.expire(Number.MAX_SAFE_INTEGER, 0)).toEqual([]);
  });

  test('expired items free their places for new ones', () => {
    const queue = new AdmissionQueue<string>(2);
    queue.push('a', 0);
    queue.push('b', 10);
    expect(queue.push('c', 20)).toBe(false);
    expect(queue.expire(100, 50)).toEqual(['a', 'b']);
    expect(queue.push('c', 100)).toBe(true);
    expect(queue.push('d', 100)).toBe(true);
    expect(queue.shift()).toBe('c');
  });
});
