/**
 * Fixed, seedless string hashing for ip-hash. A client must land on the same backend after a balancer
 * restart or upgrade, so nothing here may depend on process state, and changing any constant reshuffles
 * every client (the golden-mapping test guards that).
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * 32-bit FNV-1a over UTF-16 code units rather than UTF-8 bytes: identical to the reference for ASCII
 * (IPs, ids) and needs no TextEncoder, which this package's lib-only build does not have. `state` lets a
 * caller continue a hash, so hashing "a" then "b" equals hashing "ab" without building the string.
 */
export function fnv1a32(text: string, state: number = FNV_OFFSET_BASIS): number {
  let h = state;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * MurmurHash3's finaliser. FNV-1a alone barely changes its output for inputs that differ only in the last
 * character (vm1, vm2, ...), and rendezvous hashing needs the per-backend values to look independent.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV state after `key` and a NUL separator: computed once per pick, then continued per backend. */
export function keyState(key: string): number {
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  return fnv1a32('\u0000', fnv1a32(key));
}

/** A uniform value strictly inside (0, 1) for (key, backend id), so its logarithm is finite and negative. */
export function pairHash01(state: number, backendId: string): number {
  return (fmix32(fnv1a32(backendId, state)) + 0.5) / 0x1_0000_0000;
}
