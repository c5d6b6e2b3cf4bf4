import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmbeddingResult } from '../engine/protocol.ts';
import type { Running } from '../lib/workerRpc.ts';

/** The engine's reply to the one embed request of a test, released when the test says so. */
let reply: { resolve(result: EmbeddingResult): void; cancels: number } | undefined;

vi.mock('../session/engine.ts', () => ({
  engine: {
    embed(): Running<EmbeddingResult> {
      const sent = { resolve: (_result: EmbeddingResult) => {}, cancels: 0 };
      const done = new Promise<EmbeddingResult>((resolve) => (sent.resolve = resolve));
      reply = sent;
      return { done, cancel: () => void sent.cancels++ };
    },
  },
}));
vi.mock('../session/store.ts', () => ({
  useAppStore: {
    getState: () => ({
      slots: {
        embedding: { loaded: { spec: { id: 'glassbox/tiny-embed', dtype: 'fp32' }, backend: 'wasm' } },
      },
    }),
  },
}));
vi.mock('./setStore.ts', () => ({
  cachedVectors: async (_recipe: unknown, texts: string[]) => texts.map(() => undefined),
  cacheVectors: async () => {},
  listSets: async () => [],
}));
vi.mock('./analysisClient.ts', () => {
  const finished = <T>(value: T) => ({ done: Promise.resolve(value), cancel: () => {} });
  return {
    analysis: {
      call: (method: string) =>
        finished(
          method === 'analyse'
            ? { matrix: new Float32Array(4), clusters: new Int32Array(2) }
            : { coordinates: new Float32Array(4), explained: null },
        ),
    },
  };
});

const { useEmbeddingsStore } = await import('./store.ts');
const { selectCurrentRun } = await import('./selectors.ts');

const vectors = (count: number): EmbeddingResult => ({
  vectors: new Float32Array(count * 2).fill(0.5),
  dimensions: 2,
  pooling: 'mean',
  normalize: true,
  modelPooled: false,
});

describe('embeddings store', () => {
  beforeEach(() => {
    reply = undefined;
    useEmbeddingsStore.setState({ text: 'one\ntwo', runs: [], notice: null });
  });

  /** Starts an embedding and waits until its request reaches the engine. */
  async function startEmbedding() {
    const running = useEmbeddingsStore.getState().embed();
    const sent = await vi.waitFor(() => reply ?? Promise.reject(new Error('no request yet')));
    return { running, sent };
  }

  it('keeps the vectors of a run that is not cancelled', async () => {
    const { running, sent } = await startEmbedding();
    sent.resolve(vectors(2));
    await running;
    expect(selectCurrentRun(useEmbeddingsStore.getState())?.sentences).toEqual(['one', 'two']);
    expect(useEmbeddingsStore.getState().progress).toBeNull();
  });

  it('a Cancel click wins over a result that was already on its way', async () => {
    const { running, sent } = await startEmbedding();
    useEmbeddingsStore.getState().cancel();
    expect(sent.cancels).toBe(1);
    sent.resolve(vectors(2)); // the worker had finished before the cancel reached it
    await running;
    expect(selectCurrentRun(useEmbeddingsStore.getState())).toBeNull();
    expect(useEmbeddingsStore.getState().notice).toMatch(/^Embedding was cancelled/);
    expect(useEmbeddingsStore.getState().progress).toBeNull();
  });

  it('a Cancel click during the cache lookup stops the run before the engine is asked', async () => {
    const running = useEmbeddingsStore.getState().embed();
    useEmbeddingsStore.getState().cancel(); // the lookup is still pending
    await running;
    expect(reply).toBeUndefined();
    expect(selectCurrentRun(useEmbeddingsStore.getState())).toBeNull();
    expect(useEmbeddingsStore.getState().notice).toMatch(/^Embedding was cancelled/);
  });
});
