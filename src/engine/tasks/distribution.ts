/**
 * Next-token distributions over a row of logits: the top-k / top-p filter the sampler needs (Transformers.js
 * 4.3 applies top-k inside its sampler but never top-p) and the summary the probability view shows.
 * Pure and allocation-light: it runs once per generated token on vocabularies of up to ~150k entries.
 *
 *   restrictToTopKTopP(logits, 50, 0.9); // logits outside the nucleus become -Infinity
 *   summarize(logits, 10)                // → { candidates: [{ id, prob }, …], entropyBits, probOf }
 */

/** Indices of the `count` largest values, largest first (ties: lower index first). */
export function topIndices(values: ArrayLike<number>, count: number): number[] {
  const valueAt = (index: number) => values[index] ?? -Infinity;
  const best: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = valueAt(index);
    if (best.length === count) {
      // Most values fail this check, so the whole pass stays O(n) for a short list.
      if (!(value > valueAt(best[count - 1] ?? 0))) continue;
      best.pop();
    }
    let position = best.length;
    while (position > 0 && value > valueAt(best[position - 1] ?? 0)) position--;
    best.splice(position, 0, index);
  }
  return best;
}

/** Largest finite value and log of the softmax normalizer `Σ exp(x - max)`. */
function normalizer(logits: ArrayLike<number>): { max: number; logSum: number } {
  let max = -Infinity;
  for (let index = 0; index < logits.length; index++) max = Math.max(max, logits[index] ?? -Infinity);
  let sum = 0;
  for (let index = 0; index < logits.length; index++) sum += Math.exp((logits[index] ?? -Infinity) - max);
  return { max, logSum: Math.log(sum) };
}

/**
 * Keeps the tokens that top-k and then top-p (nucleus) sampling may pick and sets every other logit to
 * -Infinity, in place. Ties at a cut are kept, as in Hugging Face transformers. `topK` 0 and `topP` 1 keep all.
 */
export function restrictToTopKTopP(logits: Float32Array, topK: number, topP: number): void {
  if (topK > 0 && topK < logits.length) {
    const kth = logits[topIndices(logits, topK)[topK - 1] ?? 0] ?? -Infinity;
    for (let index = 0; index < logits.length; index++) {
      if ((logits[index] ?? -Infinity) < kth) logits[index] = -Infinity;
    }
  }
  if (topP >= 1) return;
  const { max, logSum } = normalizer(logits);
  // The nucleus lies among the tokens within `margin` of the best logit once those hold mass ≥ topP;
  // widening the margin until they do avoids sorting the whole vocabulary.
  for (let margin = 16; ; margin *= 2) {
    const near: number[] = [];
    let mass = 0;
    for (let index = 0; index < logits.length; index++) {
      const logit = logits[index] ?? -Infinity;
      if (logit >= max - margin) {
        near.push(index);
        mass += Math.exp(logit - max - logSum);
      }
    }
    if (mass < topP && margin < 1e6 && near.length < logits.length) continue;
    near.sort((a, b) => (logits[b] ?? 0) - (logits[a] ?? 0));
    let cumulative = 0;
    let cutoff = max;
    for (const index of near) {
      if (cumulative >= topP) break;
      cutoff = logits[index] ?? max;
      cumulative += Math.exp(cutoff - max - logSum);
    }
    for (let index = 0; index < logits.length; index++) {
      if ((logits[index] ?? -Infinity) < cutoff) logits[index] = -Infinity;
    }
    return;
  }
}

export interface DistributionSummary {
  /** The most likely tokens that can be picked (probability > 0), most likely first. */
  candidates: { id: number; prob: number }[];
  /** Shannon entropy of the whole distribution, in bits: 0 when one token is certain. */
  entropyBits: number;
  /** Probability of any token of the distribution. */
  probOf(id: number): number;
}

/** The softmax of `logits` described by its `count` likeliest tokens and its entropy. */
export function summarize(logits: ArrayLike<number>, count: number): DistributionSummary {
  const { max, logSum } = normalizer(logits);
  const probOf = (id: number) => Math.exp((logits[id] ?? -Infinity) - max - logSum);
  let entropyNats = 0;
  for (let index = 0; index < logits.length; index++) {
    const logProb = (logits[index] ?? -Infinity) - max - logSum;
    if (logProb > -Infinity) entropyNats -= Math.exp(logProb) * logProb;
  }
  return {
    // Tokens that top-k or top-p removed (probability 0) are no candidates.
    candidates: topIndices(logits, count)
      .map((id) => ({ id, prob: probOf(id) }))
      .filter((candidate) => candidate.prob > 0),
    entropyBits: entropyNats / Math.LN2,
    probOf,
  };
}
