/**
 * The maths behind the embeddings views, on row-major Float32Array matrices: PCA by power iteration,
 * k-means clusters, cosine ranking and the similarity order of the heatmap. Pure, so it runs in the
 * analysis worker and in unit tests alike.
 *
 *   pca(vectors, count, dimensions).coordinates // → Float32Array [count × 2]
 *   rankByCosine(query, vectors, count, dimensions) // → [{ index, score }, …] best first
 */
import { cosine, row } from './similarity.ts';

export interface PcaResult {
  /** Row-major `[count, components]`. */
  coordinates: Float32Array;
  /** Share of the total variance each component explains. */
  explained: number[];
}

/**
 * The first `components` principal components: power iteration on XᵀX of the centred rows (never
 * forming the d×d covariance), each axis orthogonalised against the earlier ones. An axis's sign is
 * chosen so its largest loading is positive, which makes the result deterministic.
 */
export function pca(vectors: Float32Array, count: number, dimensions: number, components = 2): PcaResult {
  const mean = new Float64Array(dimensions);
  for (let i = 0; i < count; i++)
    for (let j = 0; j < dimensions; j++) mean[j]! += vectors[i * dimensions + j]! / count;
  const centred = Float64Array.from(vectors, (value, index) => value - mean[index % dimensions]!);
  let total = 0;
  for (const value of centred) total += value * value;

  const axes: Float64Array[] = [];
  const explained: number[] = [];
  const projected = new Float64Array(count);
  for (let component = 0; component < Math.min(components, dimensions); component++) {
    // A fixed, generic start: the same input always gives the same axes.
    let axis = Float64Array.from({ length: dimensions }, (_, j) => 1 + ((j * 7919) % 13) / 13);
    let eigenvalue = 0;
    for (let iteration = 0; iteration < 2000; iteration++) {
      for (let i = 0; i < count; i++) {
        let dot = 0;
        for (let j = 0; j < dimensions; j++) dot += centred[i * dimensions + j]! * axis[j]!;
        projected[i] = dot;
      }
      const next = new Float64Array(dimensions);
      for (let i = 0; i < count; i++) {
        const weight = projected[i]!;
        for (let j = 0; j < dimensions; j++) next[j]! += centred[i * dimensions + j]! * weight;
      }
      for (const earlier of axes) {
        let dot = 0;
        for (let j = 0; j < dimensions; j++) dot += next[j]! * earlier[j]!;
        for (let j = 0; j < dimensions; j++) next[j]! -= dot * earlier[j]!;
      }
      eigenvalue = Math.hypot(...next);
      if (eigenvalue === 0) break; // no variance left: the remaining coordinates are 0
      let change = 0;
      for (let j = 0; j < dimensions; j++) {
        next[j]! /= eigenvalue;
        change += (next[j]! - axis[j]!) ** 2;
      }
      axis = next;
      if (change < 1e-20) break;
    }
    let largest = 0;
    for (let j = 0; j < dimensions; j++) if (Math.abs(axis[j]!) > Math.abs(axis[largest]!)) largest = j;
    if (axis[largest]! < 0) for (let j = 0; j < dimensions; j++) axis[j] = -axis[j]!;
    axes.push(eigenvalue === 0 ? new Float64Array(dimensions) : axis);
    explained.push(total === 0 ? 0 : eigenvalue / total);
  }

  const coordinates = new Float32Array(count * components);
  for (let i = 0; i < count; i++) {
    axes.forEach((axis, component) => {
      let dot = 0;
      for (let j = 0; j < dimensions; j++) dot += centred[i * dimensions + j]! * axis[j]!;
      coordinates[i * components + component] = dot;
    });
  }
  return { coordinates, explained };
}

/** A small seeded generator (mulberry32): clusters and UMAP layouts repeat for the same input. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function squaredDistance(
  vectors: Float32Array,
  dimensions: number,
  index: number,
  centre: Float64Array,
): number {
  let sum = 0;
  for (let j = 0; j < dimensions; j++) sum += (vectors[index * dimensions + j]! - centre[j]!) ** 2;
  return sum;
}

/** k-means (k-means++ start, Lloyd steps): the cluster of every row. */
export function kmeans(
  vectors: Float32Array,
  count: number,
  dimensions: number,
  k: number,
  seed = 1,
): Int32Array {
  const clusters = Math.max(1, Math.min(k, count));
  const random = seededRandom(seed);
  const centres: Float64Array[] = [Float64Array.from(row(vectors, dimensions, Math.floor(random() * count)))];
  const nearest = new Float64Array(count).fill(Infinity);
  while (centres.length < clusters) {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      nearest[i] = Math.min(nearest[i]!, squaredDistance(vectors, dimensions, i, centres.at(-1)!));
      sum += nearest[i]!;
    }
    let target = random() * sum;
    let pick = count - 1;
    for (let i = 0; i < count; i++) {
      target -= nearest[i]!;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
    centres.push(Float64Array.from(row(vectors, dimensions, pick)));
  }
  const assignment = new Int32Array(count).fill(-1);
  for (let iteration = 0; iteration < 100; iteration++) {
    let moved = false;
    for (let i = 0; i < count; i++) {
      let best = 0;
      let bestDistance = Infinity;
      centres.forEach((centre, c) => {
        const distance = squaredDistance(vectors, dimensions, i, centre);
        if (distance < bestDistance) [best, bestDistance] = [c, distance];
      });
      if (assignment[i] !== best) [assignment[i], moved] = [best, true];
    }
    if (!moved) break;
    const sizes = new Int32Array(clusters);
    centres.forEach((centre) => centre.fill(0));
    for (let i = 0; i < count; i++) {
      const centre = centres[assignment[i]!]!;
      sizes[assignment[i]!]!++;
      for (let j = 0; j < dimensions; j++) centre[j]! += vectors[i * dimensions + j]!;
    }
    centres.forEach((centre, c) =>
      centre.forEach((value, j) => (centre[j] = value / Math.max(sizes[c]!, 1))),
    );
  }
  return assignment;
}

/** A cluster count that suits a set's size: about √(n/2), between 2 and 12. */
export function clusterCountFor(count: number): number {
  return Math.max(2, Math.min(12, Math.round(Math.sqrt(count / 2))));
}

/** Every row ranked by cosine similarity to `query`, best first (ties: earlier row first). */
export function rankByCosine(
  query: Float32Array,
  vectors: Float32Array,
  count: number,
  dimensions: number,
): { index: number; score: number }[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    score: cosine(query, row(vectors, dimensions, index)),
  })).sort((a, b) => b.score - a.score || a.index - b.index);
}

/** Row order that groups rows by `groups` (labels alphabetically, clusters by number), input order within. */
export function orderByGroup(groups: readonly (string | number)[]): number[] {
  const compare = (a: string | number, b: string | number) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return groups
    .map((group, index) => ({ group, index }))
    .sort((a, b) => compare(a.group, b.group) || a.index - b.index)
    .map((entry) => entry.index);
}
