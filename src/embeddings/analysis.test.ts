import { describe, expect, it } from 'vitest';
import { clusterCountFor, kmeans, orderByGroup, pca, rankByCosine, seededRandom } from './analysis.ts';
import { referencePca } from './testing/eigen.ts';

/** Rows scattered along known axes: variances 25, 4 and 0.25 on a rotated basis in 5 dimensions. */
function anisotropic(count: number): number[][] {
  const random = seededRandom(3);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const basis = [
    [0.6, 0.8, 0, 0, 0],
    [-0.8, 0.6, 0, 0, 0],
    [0, 0, 1, 0, 0],
  ];
  return Array.from({ length: count }, () => {
    const weights = [5 * gaussian(), 2 * gaussian(), 0.5 * gaussian()];
    return [0, 1, 2, 3, 4].map((j) => 10 + weights.reduce((sum, w, k) => sum + w * (basis[k]?.[j] ?? 0), 0));
  });
}

describe('pca', () => {
  it('equals the eigen-decomposition of the covariance, up to sign', () => {
    const rows = anisotropic(300);
    const { coordinates, explained } = pca(Float32Array.from(rows.flat()), rows.length, 5);
    const reference = referencePca(rows, 2);
    for (const component of [0, 1]) {
      const ours = rows.map((_, i) => coordinates[i * 2 + component] ?? NaN);
      const theirs = reference.map((r) => r[component] ?? NaN);
      const sign = Math.sign(ours[0] ?? 1) === Math.sign(theirs[0] ?? 1) ? 1 : -1;
      const worst = Math.max(...ours.map((value, i) => Math.abs(value - sign * (theirs[i] ?? NaN))));
      expect(worst).toBeLessThan(1e-3);
    }
    // The data was made with variances 25 : 4 : 0.25.
    expect(explained[0]).toBeCloseTo(25 / 29.25, 1);
    expect(explained[1]).toBeCloseTo(4 / 29.25, 1);
  });

  it('is deterministic and gives zeros where there is no variance', () => {
    const vectors = Float32Array.from([1, 2, 1, 2, 1, 2]);
    expect(Array.from(pca(vectors, 3, 2).coordinates)).toEqual([0, 0, 0, 0, 0, 0]);
    const rows = anisotropic(50);
    const once = pca(Float32Array.from(rows.flat()), 50, 5).coordinates;
    expect(pca(Float32Array.from(rows.flat()), 50, 5).coordinates).toEqual(once);
  });
});

describe('kmeans', () => {
  it('finds well-separated groups', () => {
    const rows = [
      [0, 0],
      [0.1, 0],
      [0, 0.1],
      [10, 10],
      [10.1, 10],
      [10, 10.1],
    ];
    const clusters = Array.from(kmeans(Float32Array.from(rows.flat()), 6, 2, 2));
    expect(new Set(clusters.slice(0, 3)).size).toBe(1);
    expect(new Set(clusters.slice(3)).size).toBe(1);
    expect(clusters[0]).not.toBe(clusters[3]);
  });

  it('picks about √(n/2) clusters, 2 to 12', () => {
    expect(clusterCountFor(3)).toBe(2);
    expect(clusterCountFor(200)).toBe(10);
    expect(clusterCountFor(5000)).toBe(12);
  });
});

describe('ranking and ordering', () => {
  it('ranks rows by cosine to the query, best first', () => {
    const vectors = Float32Array.from([1, 0, 0, 1, 1, 1]);
    const ranked = rankByCosine(Float32Array.from([1, 0.1]), vectors, 3, 2);
    expect(ranked.map((entry) => entry.index)).toEqual([0, 2, 1]);
    expect(ranked[0]?.score).toBeCloseTo(1 / Math.hypot(1, 0.1), 6);
  });

  it('groups rows by label (alphabetically) or cluster, keeping input order within a group', () => {
    expect(orderByGroup(['b', 'a', 'b', 'a'])).toEqual([1, 3, 0, 2]);
    expect(orderByGroup([2, 0, 1, 0])).toEqual([1, 3, 2, 0]);
  });
});
