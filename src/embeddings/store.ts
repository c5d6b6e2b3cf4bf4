/**
 * The embeddings panel's store: the sentences, the run in flight, and the last result.
 */
import { create } from 'zustand';
import { engine } from '../app/engine.ts';
import { useAppStore } from '../app/store.ts';
import type { Running } from '../engine/client.ts';
import { EngineError } from '../engine/errors.ts';
import type { Dtype, Pooling } from '../engine/protocol.ts';

export interface EmbeddingRun {
  model: string;
  dtype: Dtype;
  pooling: Pooling;
  normalize: boolean;
  sentences: string[];
  /** Row-major `[sentences.length, dimensions]`. */
  vectors: Float32Array;
  dimensions: number;
}

interface EmbeddingsState {
  text: string;
  pooling: Pooling;
  normalize: boolean;
  progress: { done: number; total: number } | null;
  result: EmbeddingRun | null;
  error: EngineError | null;
  setText(text: string): void;
  setPooling(pooling: Pooling): void;
  setNormalize(normalize: boolean): void;
  embed(): Promise<void>;
  cancel(): void;
}

export const SAMPLE_SENTENCES = [
  'The cat sleeps on the warm windowsill.',
  'A kitten naps in the sun by the window.',
  'Stock markets fell sharply this morning.',
].join('\n');

/** One sentence per non-empty line, trimmed. */
export function sentencesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

let running: Running<unknown> | null = null;

export const useEmbeddingsStore = create<EmbeddingsState>()((set, get) => ({
  text: SAMPLE_SENTENCES,
  pooling: 'mean',
  normalize: true,
  progress: null,
  result: null,
  error: null,

  setText(text) {
    set({ text });
  },
  setPooling(pooling) {
    set({ pooling });
  },
  setNormalize(normalize) {
    set({ normalize });
  },

  async embed() {
    const model = useAppStore.getState().slots.embedding.loaded;
    const sentences = sentencesOf(get().text);
    if (!model || sentences.length === 0 || get().progress) return;
    const { pooling, normalize } = get();
    set({ progress: { done: 0, total: sentences.length }, error: null });
    const request = engine.embed(sentences, pooling, normalize, (done, total) =>
      set({ progress: { done, total } }),
    );
    running = request;
    try {
      const result = await request.done;
      set({
        result: {
          model: model.spec.id,
          dtype: model.spec.dtype,
          pooling,
          normalize,
          sentences,
          vectors: result.vectors,
          dimensions: result.dimensions,
        },
      });
    } catch (error) {
      set({ error: error instanceof EngineError ? error : new EngineError('internal', String(error)) });
    } finally {
      running = null;
      set({ progress: null });
    }
  },

  cancel() {
    running?.cancel();
  },
}));
