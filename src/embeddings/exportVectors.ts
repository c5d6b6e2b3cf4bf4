/**
 * The "download vectors" file: `{ model, dtype, pooling, normalize, sentences, vectors }`,
 * with `vectors` as one array of numbers per sentence.
 */
import { row } from './similarity.ts';
import type { EmbeddingRun } from './store.ts';

export interface VectorsFile {
  model: string;
  dtype: string;
  pooling: string;
  normalize: boolean;
  sentences: string[];
  vectors: number[][];
}

export function vectorsFile(run: EmbeddingRun): VectorsFile {
  return {
    model: run.model,
    dtype: run.dtype,
    pooling: run.pooling,
    normalize: run.normalize,
    sentences: run.sentences,
    vectors: run.sentences.map((_, index) => Array.from(row(run.vectors, run.dimensions, index))),
  };
}
