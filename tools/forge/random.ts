/**
 * Seeded, deterministic pseudo-random numbers for the whole forge (weights, synthetic merges).
 * The same seed always yields the same stream on every platform: only 32-bit integer maths
 * (Math.imul) and IEEE doubles are used, never Math.random.
 *
 * Example:
 *   const rng = createRng(42);
 *   rng.next();   // uniform in [0, 1)
 *   rng.normal(); // standard normal N(0, 1)
 *   rng.int(10);  // integer in 0..9
 */

export interface Rng {
  /** Uniform double in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Standard normal N(0, 1) via Box-Muller. */
  normal(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

const TWO_POW_32 = 4294967296;

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`createRng: seed must be a finite number, got ${seed}`);
  // mulberry32: tiny state, good enough statistics for weights, and trivially reproducible.
  let state = Math.trunc(seed) >>> 0;
  // Box-Muller yields two independent normals per draw; keeping the second halves the cost,
  // which matters when the forge fills 100M+ weights.
  let spare: number | null = null;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };

  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // 1 - next() lies in (0, 1], so the logarithm is always finite.
    const u1 = 1 - next();
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  const int = (maxExclusive: number): number => {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0 || maxExclusive > TWO_POW_32) {
      throw new Error(`rng.int: maxExclusive must be an integer in 1..2^32, got ${maxExclusive}`);
    }
    return Math.floor(next() * maxExclusive);
  };

  return { next, normal, int };
}
