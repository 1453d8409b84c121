/**
 * A deterministic shuffle keyed by a string, independent of any global
 * random state (the reference's GPQA order depended on Python's global RNG).
 *
 * @module
 */

/** Returns a shuffled copy of `items`, the same for the same `key`. */
export function seededShuffle<T>(items: readonly T[], key: string): T[] {
  const random = seededRandom(key);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A generator of uniform numbers in [0, 1), the same sequence for the same `key`. */
export function seededRandom(key: string): () => number {
  return mulberry32(fnv1a(key));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
