/**
 * The run slice of the embeddings store: embedding the set with the loaded model (vectors cached on the
 * device per model, dtype, backend, pooling and sentence), with progress and Cancel, and the session's
 * runs kept for comparing.
 */
import type { StateCreator } from 'zustand';
import { findModel } from '../hub/catalog.ts';
import { CodedError, messageOf } from '../lib/errors.ts';
import type { Running } from '../lib/workerRpc.ts';
import { engine } from '../session/engine.ts';
import { selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { EmbeddingsError } from './errors.ts';
import { cacheVectors, cachedVectors, type VectorRecipe } from './setStore.ts';
import { sentencesOf } from './tableFile.ts';
import type { EmbeddingRun, EmbeddingsState, RunSlice } from './types.ts';

/** Runs of this session kept to compare with, the current one included. */
const RUNS_KEPT = 6;

/**
 * The embedding in flight, from the cache lookup on. `cancelled` records the user's click: it wins over a
 * result already on its way, and stops a run before it reaches the engine.
 */
let running: { request: Running<unknown> | null; cancelled: boolean } | null = null;

const isCancelled = (error: unknown) => error instanceof CodedError && error.code === 'cancelled';

export const createRunSlice: StateCreator<EmbeddingsState, [], [], RunSlice> = (set, get) => ({
  progress: null,
  runs: [],
  error: null,
  notice: null,

  async embed() {
    const model = selectLoaded('embedding')(useAppStore.getState());
    const { sentences, labels } = sentencesOf(get().text);
    if (!model || sentences.length === 0 || get().progress) return;
    const defaults = findModel(model.spec.id)?.embedding;
    const documentPrefix = defaults?.prefixes?.document ?? '';
    const recipe: VectorRecipe = {
      model: model.spec.id,
      dtype: model.spec.dtype,
      backend: model.backend,
      pooling: get().pooling,
      normalize: get().normalize,
      modelPooled: defaults?.pooledOutput === 'sentence_embedding',
    };
    const pooling = get().pooling;
    const texts = sentences.map((sentence) => documentPrefix + sentence);
    set({ progress: { done: 0, total: sentences.length }, error: null, notice: null });
    const current: NonNullable<typeof running> = { request: null, cancelled: false };
    running = current;
    const stopIfCancelled = () => {
      if (current.cancelled) throw new EmbeddingsError('cancelled', 'Embedding was cancelled.');
    };
    let run: EmbeddingRun;
    try {
      const stored = await cachedVectors(recipe, texts).catch(() => texts.map(() => undefined));
      // All of one width, or computed again (a damaged cache must not mix rows of different widths).
      const width = stored.find(Boolean)?.length ?? 0;
      const cached = stored.map((vector) =>
        vector && vector.length === width && width > 0 ? vector : undefined,
      );
      stopIfCancelled();
      const missing = texts.flatMap((text, index) => (cached[index] ? [] : [{ text, index }]));
      const fromCache = texts.length - missing.length;
      let dimensions = cached.find(Boolean)?.length ?? 0;
      let computed: Float32Array = new Float32Array();
      // What the engine did; differs from the card only if the card is wrong about the model's outputs.
      let modelPooled = recipe.modelPooled;
      if (missing.length > 0) {
        set({ progress: { done: fromCache, total: texts.length } });
        const request = engine.embed(
          missing.map((entry) => entry.text),
          { pooling, normalize: recipe.normalize, useModelPooling: recipe.modelPooled },
          (done) => set({ progress: { done: fromCache + done, total: texts.length } }),
        );
        current.request = request;
        const result = await request.done;
        stopIfCancelled();
        computed = result.vectors;
        dimensions = result.dimensions;
        modelPooled = result.modelPooled;
        // A failed cache write costs only speed next time.
        void cacheVectors(
          recipe,
          missing.map((entry) => entry.text),
          computed,
          dimensions,
        ).catch(() => {});
      }
      const vectors = new Float32Array(texts.length * dimensions);
      cached.forEach((vector, index) => vector && vectors.set(vector, index * dimensions));
      missing.forEach((entry, position) =>
        vectors.set(
          computed.subarray(position * dimensions, (position + 1) * dimensions),
          entry.index * dimensions,
        ),
      );
      run = {
        ...recipe,
        modelPooled,
        dtype: model.spec.dtype,
        backend: model.backend,
        pooling,
        sentences,
        labels,
        vectors,
        dimensions,
        fromCache,
        documentPrefix,
      };
    } catch (error) {
      // Stopped by the person, or by the engine (another embedding model was loaded): each says why.
      if (isCancelled(error))
        set({
          notice: current.cancelled ? 'Embedding was cancelled; nothing was changed.' : messageOf(error),
        });
      else set({ error: messageOf(error) });
      return;
    } finally {
      // The embedding ends here: the analysis that follows shows and cancels its own progress.
      running = null;
      set({ progress: null });
    }
    const finished = run;
    set((state) => ({ runs: [finished, ...state.runs].slice(0, RUNS_KEPT) }));
    await get().analyse(finished);
  },

  cancel() {
    if (!running) return;
    running.cancelled = true;
    running.request?.cancel();
  },
});
