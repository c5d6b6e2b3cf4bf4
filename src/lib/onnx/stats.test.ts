import { describe, expect, it } from 'vitest';
import { downsample, histogram, matrixShape, tensorStats } from './stats.ts';

describe('tensor statistics', () => {
  it('equal a direct computation', () => {
    const values = Float32Array.from([0, 0, 1, 2, 3, -4, 0.5, 100]);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
    const stats = tensorStats(values);
    expect(stats).toMatchObject({ count: 8, min: -4, max: 100, sparsity: 0.25 });
    expect(stats.mean).toBeCloseTo(mean, 10);
    expect(stats.std).toBeCloseTo(std, 10);
    expect(stats.outliers).toBe(values.filter((value) => Math.abs(value - mean) > 3 * std).length / 8);
  });

  it('bin values, the maximum into the last bin', () => {
    expect(histogram([0, 0.1, 0.5, 0.99, 1], 2, 0, 1)).toEqual([2, 3]);
    expect(histogram([2, 2, 2], 4, 2, 2)).toEqual([3, 0, 0, 0]);
  });

  it('see tensors as matrices and average windows down', () => {
    expect(matrixShape([4, 3, 5])).toEqual({ rows: 12, cols: 5 });
    expect(matrixShape([7])).toEqual({ rows: 1, cols: 7 });
    const grid = Float32Array.from({ length: 16 }, (_, i) => i); // 4 × 4
    const { cells, height, width } = downsample(grid, 4, { row: 0, col: 0, rows: 4, cols: 4 }, 2);
    expect([height, width]).toEqual([2, 2]);
    expect(Array.from(cells)).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(Array.from(downsample(grid, 4, { row: 1, col: 2, rows: 2, cols: 2 }, 8).cells)).toEqual([
      6, 7, 10, 11,
    ]);
  });
});
