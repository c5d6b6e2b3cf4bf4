/**
 * The views slice of the embeddings store: what is computed from the current run in the analysis worker
 * (cosine matrix, clusters, a PCA or UMAP map), the sentence picked on a view, and semantic search.
 */
import type { StateCreator } from 'zustand';
import { findModel } from '../hub/catalog.ts';
import { CodedError, messageOf } from '../lib/errors.ts';
import type { Running } from '../lib/workerRpc.ts';
import { engine } from '../session/engine.ts';
import { selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { rankByCosine } from './analysis.ts';
import { analysis } from './analysisClient.ts';
import { EmbeddingsError } from './errors.ts';
import { madeByLoaded, selectCurrentRun } from './selectors.ts';
import type { EmbeddingRun, EmbeddingsState, ViewsSlice } from './types.ts';

/** The seed of every layout: the same set always gives the same map. */
const LAYOUT_SEED = 42;

let projectionRun: Running<unknown> | null = null;

const vectorSetOf = (run: EmbeddingRun) => ({
  vectors: run.vectors,
  count: run.sentences.length,
  dimensions: run.dimensions,
});

export const createViewsSlice: StateCreator<EmbeddingsState, [], [], ViewsSlice> = (set, get) => ({
  analysis: null,
  projection: null,
  projecting: null,

  async analyse(run) {
    set({ analysis: null, projection: null, selected: null, searchResults: null });
    const project = get().project(get().projection?.method ?? 'pca');
    try {
      const analysed = await analysis.call('analyse', { set: vectorSetOf(run) }).done;
      if (selectCurrentRun(get()) === run) set({ analysis: analysed });
    } catch (error) {
      set({ error: messageOf(error) });
    }
    await project;
  },

  async project(method) {
    const run = selectCurrentRun(get());
    if (!run) return;
    projectionRun?.cancel();
    set({ projecting: { method, phase: 'starting', done: 0, total: 1 } });
    const request = analysis.call(
      'project',
      { set: vectorSetOf(run), method, seed: LAYOUT_SEED },
      (progress) => set({ projecting: { method, ...progress } }),
    );
    projectionRun = request;
    try {
      const projected = await request.done;
      if (selectCurrentRun(get()) === run) set({ projection: { method, ...projected } });
    } catch (error) {
      if (!(error instanceof CodedError && error.code === 'cancelled')) set({ error: messageOf(error) });
    } finally {
      if (projectionRun === request) {
        projectionRun = null;
        set({ projecting: null });
      }
    }
  },

  cancelProjection() {
    projectionRun?.cancel();
  },

  selected: null,
  select(selected) {
    set({ selected });
  },

  query: '',
  searchResults: null,
  searching: false,

  setQuery(query) {
    set({ query });
  },

  async search() {
    const run = selectCurrentRun(get());
    const query = get().query.trim();
    if (!run || !query || get().searching) return;
    if (!madeByLoaded(run, selectLoaded('embedding')(useAppStore.getState()))) {
      const changed = new EmbeddingsError(
        'model-changed',
        `The set was embedded with ${run.model} (${run.dtype}, ${run.backend}), which is no longer loaded: embed it again to search it.`,
      );
      set({ error: changed.message });
      return;
    }
    set({ searching: true, error: null });
    try {
      const prefix = findModel(run.model)?.embedding?.prefixes?.query ?? '';
      const request = engine.embed(
        [prefix + query],
        { pooling: run.pooling, normalize: run.normalize, useModelPooling: run.modelPooled },
        () => {},
      );
      const { vectors } = await request.done;
      if (selectCurrentRun(get()) !== run) return;
      set({ searchResults: rankByCosine(vectors, run.vectors, run.sentences.length, run.dimensions) });
    } catch (error) {
      set({ error: messageOf(error) });
    } finally {
      set({ searching: false });
    }
  },
});
