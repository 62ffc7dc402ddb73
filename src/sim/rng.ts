/**
 * Deterministic randomness for the simulator: the same seed gives the same fleet, values and faults, so a run can
 * be reproduced and a collector can regenerate its own history on request instead of storing it.
 */

/** A pseudo-random source in [0, 1). */
export type Rng = () => number;

/** mulberry32: tiny, fast and good enough for load generation (not for anything secret). */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit FNV-1a of a string: seeds per collector and per factor. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A uniform number in [0, 1) that depends only on its inputs (random access into a noise sequence). */
export function noise(seed: number, index: number): number {
  return createRng((seed ^ Math.imul(index | 0, 0x9e3779b1)) >>> 0)();
}
