/**
 * Requests to the analysis worker, which keeps the heavy maths of the embeddings views (cosine matrix,
 * clusters, PCA, UMAP) off the UI thread. Vectors travel as row-major Float32Arrays.
 */
import type { EngineErrorData, RequestId } from '../engine/protocol.ts';

export const PROJECTIONS = Object.freeze(['pca', 'umap'] as const);
export type Projection = (typeof PROJECTIONS)[number];

/** The heatmap's cosine matrix is n² floats: past this many sentences it is not computed. */
export const HEATMAP_LIMIT = 2000;

export interface VectorSet {
  vectors: Float32Array;
  count: number;
  dimensions: number;
}

export type AnalysisRequest =
  /** The cosine matrix (up to HEATMAP_LIMIT rows) and k-means clusters. */
  | { type: 'analyse'; id: RequestId; set: VectorSet }
  | { type: 'project'; id: RequestId; set: VectorSet; method: Projection; seed: number }
  | { type: 'cancel'; id: RequestId; target: RequestId };

export type AnalysisEvent =
  | { type: 'analysed'; id: RequestId; matrix: Float32Array | null; clusters: Int32Array }
  | { type: 'project-progress'; id: RequestId; phase: string; done: number; total: number }
  /** Row-major `[count, 2]`; `explained` is each PCA axis's share of the variance (null for UMAP). */
  | { type: 'projected'; id: RequestId; coordinates: Float32Array; explained: number[] | null }
  | { type: 'error'; id: RequestId; error: EngineErrorData };
