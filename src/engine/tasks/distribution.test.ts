import { describe, expect, it } from 'vitest';
import { restrictToTopKTopP, summarize, topIndices } from './distribution.ts';

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}

/** A reproducible pseudo-random row (no Math.random: failures must repeat). */
function row(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 12 - 6;
  });
}

describe('topIndices', () => {
  it('returns the largest values, largest first, lower index first on ties', () => {
    expect(topIndices([1, 5, 3, 5, -2, 4], 3)).toEqual([1, 3, 5]);
    expect(topIndices([2, 1], 5)).toEqual([0, 1]);
  });

  it('agrees with a full sort on a vocabulary-sized row', () => {
    const values = row(5000, 3);
    const sorted = [...values.keys()].sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0) || a - b);
    expect(topIndices(values, 10)).toEqual(sorted.slice(0, 10));
  });
});

describe('restrictToTopKTopP', () => {
  it('keeps the k largest logits', () => {
    const logits = Float32Array.from([0, 3, 1, 2]);
    restrictToTopKTopP(logits, 2, 1);
    expect([...logits]).toEqual([-Infinity, 3, -Infinity, 2]);
  });

  it('keeps the smallest set of likeliest tokens whose probabilities reach p', () => {
    const probs = [0.5, 0.3, 0.15, 0.05];
    const logits = Float32Array.from(probs, Math.log);
    restrictToTopKTopP(logits, 0, 0.8);
    expect([...logits].map(Number.isFinite)).toEqual([true, true, false, false]);
    const next = Float32Array.from(probs, Math.log);
    restrictToTopKTopP(next, 0, 0.81);
    expect([...next].map(Number.isFinite)).toEqual([true, true, true, false]);
  });

  it('always keeps the most likely token', () => {
    const logits = Float32Array.from([1, 9, 2]);
    restrictToTopKTopP(logits, 0, 0.05);
    expect([...logits]).toEqual([-Infinity, 9, -Infinity]);
  });

  it('finds the same nucleus as sorting the whole row, also when it is wide', () => {
    for (const scale of [0.1, 1, 40]) {
      const logits = row(3000, 11).map((value) => value * scale);
      const probs = softmax([...logits]);
      const order = [...probs.keys()].sort((a, b) => (probs[b] ?? 0) - (probs[a] ?? 0));
      const kept = new Set<number>();
      let mass = 0;
      for (const index of order) {
        if (mass >= 0.9) break;
        kept.add(index);
        mass += probs[index] ?? 0;
      }
      restrictToTopKTopP(logits, 0, 0.9);
      expect(new Set([...logits.keys()].filter((index) => Number.isFinite(logits[index])))).toEqual(kept);
    }
  });

  it('applies top-p to what top-k kept', () => {
    const logits = Float32Array.from([0.5, 0.3, 0.15, 0.05], Math.log);
    restrictToTopKTopP(logits, 2, 0.7);
    // Among the two kept (0.625, 0.375 after renormalizing), 0.625 alone is short of 0.7.
    expect([...logits].map(Number.isFinite)).toEqual([true, true, false, false]);
  });
});

describe('summarize', () => {
  it('gives softmax probabilities of the likeliest tokens and the entropy in bits', () => {
    const summary = summarize(Float32Array.from([0, 0, 0, 0]), 2);
    expect(summary.candidates).toEqual([
      { id: 0, prob: 0.25 },
      { id: 1, prob: 0.25 },
    ]);
    expect(summary.entropyBits).toBeCloseTo(2, 10);
    expect(summary.probOf(3)).toBeCloseTo(0.25, 10);
  });

  it('matches a direct softmax and ignores filtered tokens', () => {
    const logits = row(1000, 5);
    const probs = softmax([...logits]);
    const summary = summarize(logits, 10);
    for (const { id, prob } of summary.candidates) expect(prob).toBeCloseTo(probs[id] ?? 0, 6);
    const filtered = Float32Array.from([2, -Infinity, 2]);
    expect(summarize(filtered, 3).entropyBits).toBeCloseTo(1, 10);
    expect(summarize(filtered, 3).probOf(1)).toBe(0);
    expect(summarize(filtered, 3).candidates.map((candidate) => candidate.id)).toEqual([0, 2]);
  });
});
