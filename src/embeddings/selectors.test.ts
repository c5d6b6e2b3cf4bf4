import { describe, expect, it } from 'vitest';
import { comparableRuns, madeByLoaded, selectCurrentRun, selectEmbedding } from './selectors.ts';
import type { EmbeddingRun } from './types.ts';

const run = (sentences: string[], update: Partial<EmbeddingRun> = {}): EmbeddingRun => ({
  model: 'glassbox/tiny-embed',
  dtype: 'fp32',
  backend: 'wasm',
  pooling: 'mean',
  normalize: true,
  modelPooled: false,
  sentences,
  labels: null,
  vectors: new Float32Array(sentences.length * 2),
  dimensions: 2,
  fromCache: 0,
  documentPrefix: '',
  ...update,
});

describe('embeddings selectors', () => {
  it('take the newest run as the current one', () => {
    const newest = run(['a']);
    expect(selectCurrentRun({ runs: [newest, run(['b'])] })).toBe(newest);
    expect(selectCurrentRun({ runs: [] })).toBeNull();
  });

  it('say an embedding is running while it has progress', () => {
    expect(selectEmbedding({ progress: { done: 0, total: 3 } })).toBe(true);
    expect(selectEmbedding({ progress: null })).toBe(false);
  });

  it('compare a run only with other runs of exactly the same sentences', () => {
    const current = run(['a', 'b']);
    const q8 = run(['a', 'b'], { dtype: 'q8' });
    const other = run(['a', 'c']);
    expect(comparableRuns([current, q8, other, run(['a'])], current)).toEqual([q8]);
  });

  it('search a run only with the model, dtype and backend that made it', () => {
    const current = run(['a']);
    const loaded = { spec: { id: 'glassbox/tiny-embed', dtype: 'fp32' }, backend: 'wasm' };
    expect(madeByLoaded(current, loaded)).toBe(true);
    expect(madeByLoaded(current, { ...loaded, backend: 'webgpu' })).toBe(false);
    expect(madeByLoaded(current, null)).toBe(false);
  });
});
