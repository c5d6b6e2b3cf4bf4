/**
 * The JSON download: `{ model, dtype, backend, pooling, normalize, sentences, labels, vectors }`, with
 * `vectors` as one array of numbers per sentence.
 */
import { row } from './similarity.ts';
import type { EmbeddingRun } from './types.ts';

export interface VectorsFile {
  model: string;
  dtype: string;
  backend: string;
  pooling: string;
  normalize: boolean;
  sentences: string[];
  labels: string[] | null;
  vectors: number[][];
}

export function vectorsFile(run: EmbeddingRun): VectorsFile {
  return {
    model: run.model,
    dtype: run.dtype,
    backend: run.backend,
    pooling: run.modelPooled ? 'model' : run.pooling,
    normalize: run.normalize,
    sentences: run.sentences,
    labels: run.labels,
    vectors: run.sentences.map((_, index) => Array.from(row(run.vectors, run.dimensions, index))),
  };
}
