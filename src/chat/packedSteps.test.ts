import { describe, expect, it } from 'vitest';
import type { TokenStep } from '../engine/protocol.ts';
import { packSteps, unpackSteps, type PackedSteps } from './packedSteps.ts';

const steps: TokenStep[] = [
  {
    id: 7,
    text: 'Hel',
    prob: 0.625,
    entropyBits: 1.5,
    candidates: [
      { id: 7, text: 'Hel', prob: 0.625 },
      { id: 12, text: ' ☃\t', prob: 0.1 },
    ],
  },
  // Sampled from beyond the candidates, with none listed and an empty text.
  { id: 40_000, text: '', prob: 1e-9, entropyBits: 0, candidates: [] },
  { id: 0, text: 'lo', prob: 1, entropyBits: 0, candidates: [{ id: 0, text: 'lo', prob: 1 }] },
];

describe('packed token steps', () => {
  it('read back equal after a copy like IndexedDB makes', () => {
    expect(unpackSteps(structuredClone(packSteps(steps)))).toEqual(steps);
    expect(unpackSteps(packSteps([]))).toEqual([]);
  });

  it('are packed once per reply', () => {
    expect(packSteps(steps)).toBe(packSteps(steps));
  });

  const damaged = (change: Partial<Record<keyof PackedSteps, unknown>>) => ({
    ...structuredClone(packSteps(steps)),
    ...change,
  });

  it.each([
    ['not an object', 'steps'],
    ['a list where a typed array belongs', damaged({ ids: [7, 40_000, 0] })],
    ['probabilities in single precision', damaged({ probs: new Float32Array(3) })],
    ['a step id missing', damaged({ ids: new Int32Array([7, 0]) })],
    ['a candidate more than counted', damaged({ candidateCounts: new Uint16Array([2, 1, 1]) })],
    ['texts shorter than their lengths', damaged({ texts: 'Hel ☃' })],
    ['a negative token id', damaged({ candidateIds: new Int32Array([7, -12, 0]) })],
    ['a probability above 1', damaged({ probs: new Float64Array([0.6, 1.5, 1]) })],
    ['a probability that is not a number', damaged({ candidateProbs: new Float64Array([0.6, NaN, 1]) })],
    ['an infinite entropy', damaged({ entropyBits: new Float64Array([1, Infinity, 0]) })],
  ])('are dropped when they do not check: %s', (_, stored) => {
    expect(unpackSteps(stored)).toBeUndefined();
  });
});
