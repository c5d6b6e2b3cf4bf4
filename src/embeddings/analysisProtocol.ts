/**
 * The analysis worker's API: the heavy maths of the embeddings views (cosine matrix, clusters, PCA, UMAP),
 * kept off the UI thread. Vectors travel as row-major Float32Arrays; calls go through lib/workerRpc.ts.
 */
import type { Method } from '../lib/workerRpc.ts';

export const PROJECTIONS = Object.freeze(['pca', 'umap'] as const);
export type Projection = (typeof PROJECTIONS)[number];

/** The heatmap's cosine matrix is n² floats: past this many sentences it is not computed. */
export const HEATMAP_LIMIT = 2000;

export interface VectorSet {
  vectors: Float32Array;
  count: number;
  dimensions: number;
}

export interface Analysed {
  /** Cosine matrix `[count, count]`, null past {@link HEATMAP_LIMIT}. */
  matrix: Float32Array | null;
  clusters: Int32Array;
}

export interface Projected {
  /** Row-major `[count, 2]`. */
  coordinates: Float32Array;
  /** Each PCA axis's share of the variance (null for UMAP). */
  explained: number[] | null;
}

export interface ProjectProgress {
  phase: string;
  done: number;
  total: number;
}

export type AnalysisApi = {
  /** The cosine matrix (up to HEATMAP_LIMIT rows) and k-means clusters. */
  analyse: Method<{ set: VectorSet }, Analysed>;
  /** A 2D layout; UMAP reports its epochs and stops between them when cancelled. */
  project: Method<{ set: VectorSet; method: Projection; seed: number }, Projected, ProjectProgress>;
};
