/**
 * Token vectors → one sentence vector: mean over the real tokens, the first ([CLS]) token, or the last
 * real token, then optionally L2-normalized. Padding is read from the attention mask, so every sentence
 * of a padded batch pools only its own tokens.
 *
 *   pool(hidden, [1, 1, 0], 1, 3, 2, 'last_token') // → the second token's vector
 */
import type { Pooling } from '../core/model.ts';

/** `hidden` is row-major `[batch, tokens, dimensions]`, `mask` is `[batch, tokens]` (1 real, 0 padding). */
export function pool(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number | bigint>,
  batch: number,
  tokens: number,
  dimensions: number,
  pooling: Pooling,
): Float32Array {
  const pooled = new Float32Array(batch * dimensions);
  for (let b = 0; b < batch; b++) {
    const real: number[] = [];
    for (let t = 0; t < tokens; t++) if (Number(mask[b * tokens + t]) !== 0) real.push(t);
    const picked = pooling === 'mean' ? real : pooling === 'cls' ? real.slice(0, 1) : real.slice(-1);
    for (let d = 0; d < dimensions; d++) {
      let sum = 0;
      for (const t of picked) sum += hidden[(b * tokens + t) * dimensions + d] ?? 0;
      pooled[b * dimensions + d] = picked.length ? sum / picked.length : 0;
    }
  }
  return pooled;
}

/** Scales every row to length 1, in place (a zero row stays zero). */
export function normalizeRows(vectors: Float32Array, dimensions: number): Float32Array {
  for (let start = 0; start < vectors.length; start += dimensions) {
    const rowValues = vectors.subarray(start, start + dimensions);
    const norm = Math.hypot(...rowValues);
    if (norm > 0) for (let d = 0; d < dimensions; d++) rowValues[d] = (rowValues[d] ?? 0) / norm;
  }
  return vectors;
}
