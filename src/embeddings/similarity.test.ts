import { describe, expect, it } from 'vitest';
import { cosine, cosineMatrix, row } from './similarity.ts';

describe('cosine', () => {
  it('is 1 for parallel, 0 for orthogonal and -1 for opposite vectors', () => {
    expect(cosine(new Float32Array([1, 2]), new Float32Array([2, 4]))).toBeCloseTo(1, 6);
    expect(cosine(new Float32Array([1, 0]), new Float32Array([0, 3]))).toBeCloseTo(0, 6);
    expect(cosine(new Float32Array([1, -1]), new Float32Array([-2, 2]))).toBeCloseTo(-1, 6);
  });
  it('is 0 against a zero vector instead of NaN', () => {
    expect(cosine(new Float32Array([0, 0]), new Float32Array([1, 1]))).toBe(0);
  });
  it('rejects vectors of different lengths', () => {
    expect(() => cosine(new Float32Array(2), new Float32Array(3))).toThrow(/different lengths/);
  });
});

describe('cosineMatrix', () => {
  it('is symmetric with ones on the diagonal and matches pairwise cosines', () => {
    const vectors = new Float32Array([1, 0, 0, 0, 1, 1, 3, -1, 2]);
    const matrix = cosineMatrix(vectors, 3, 3);
    for (let i = 0; i < 3; i += 1) {
      expect(matrix[i * 3 + i]).toBeCloseTo(1, 6);
      for (let j = 0; j < 3; j += 1) {
        expect(matrix[i * 3 + j]).toBeCloseTo(cosine(row(vectors, 3, i), row(vectors, 3, j)), 6);
        expect(matrix[i * 3 + j]).toBe(matrix[j * 3 + i]);
      }
    }
    // [1,0,0]·[0,1,1] = 0; [1,0,0]·[3,-1,2]/√14
    expect(matrix[1]).toBeCloseTo(0, 6);
    expect(matrix[2]).toBeCloseTo(3 / Math.sqrt(14), 6);
  });
});
