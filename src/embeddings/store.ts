/**
 * The embeddings panel's store: the sentence set being edited, embedding runs (cached in IndexedDB),
 * and the views computed from the current run: analysis (cosine matrix, clusters), the 2D map, search
 * and the neighbours of a picked sentence.
 */
import { create } from 'zustand';
import { engine } from '../app/engine.ts';
import { useAppStore } from '../app/store.ts';
import type { Running } from '../engine/client.ts';
import { EngineError } from '../engine/errors.ts';
import type { Backend, Dtype, Pooling } from '../engine/protocol.ts';
import { findModel } from '../models/catalog.ts';
import { rankByCosine } from './analysis.ts';
import { analysis } from './analysisClient.ts';
import type { Projection } from './analysisProtocol.ts';
import {
  cacheVectors,
  cachedVectors,
  deleteSet,
  listSets,
  saveSet,
  type SentenceSet,
  type VectorRecipe,
} from './setStore.ts';
import { datasetRows, guessTextColumn, parseTable, sentencesOf, textOf, type Table } from './tableFile.ts';

export interface EmbeddingRun extends VectorRecipe {
  dtype: Dtype;
  backend: Backend;
  pooling: Pooling;
  sentences: string[];
  /** One label per sentence when the set has labels. */
  labels: string[] | null;
  /** Row-major `[sentences.length, dimensions]`. */
  vectors: Float32Array;
  dimensions: number;
  /** Sentences whose vectors came from the device's cache. */
  fromCache: number;
  /** Text put before every sentence, as the model's card asks (E5's "passage: "). */
  documentPrefix: string;
}

/** A CSV/TSV/text file being imported: the user picks its columns. */
export interface PendingImport {
  fileName: string;
  table: Table;
  textColumn: number;
  labelColumn: number | null;
}

interface Analysis {
  /** Cosine matrix `[n, n]`, null past the heatmap's limit. */
  matrix: Float32Array | null;
  clusters: Int32Array;
}

interface EmbeddingsState {
  text: string;
  pooling: Pooling;
  normalize: boolean;
  progress: { done: number; total: number } | null;
  /** The current run, shown by every view. */
  result: EmbeddingRun | null;
  /** Earlier runs of this session, newest first, to compare with. */
  runs: EmbeddingRun[];
  error: EngineError | null;
  notice: string | null;
  setText(text: string): void;
  setPooling(pooling: Pooling): void;
  setNormalize(normalize: boolean): void;
  /** Pooling and normalization as the loaded model's card says. */
  applyModelDefaults(): void;
  embed(): Promise<void>;
  cancel(): void;

  pendingImport: PendingImport | null;
  importFile(file: File): Promise<void>;
  chooseColumns(textColumn: number, labelColumn: number | null): void;
  finishImport(): void;
  cancelImport(): void;

  sets: SentenceSet[];
  setName: string;
  setSetName(name: string): void;
  loadSets(): Promise<void>;
  saveCurrentSet(): Promise<void>;
  openSet(id: string): void;
  removeSet(id: string): Promise<void>;

  analysis: Analysis | null;
  projection: { method: Projection; coordinates: Float32Array; explained: number[] | null } | null;
  projecting: { method: Projection; phase: string; done: number; total: number } | null;
  project(method: Projection): Promise<void>;
  cancelProjection(): void;

  /** A sentence picked on the map or the heatmap: its neighbours are listed. */
  selected: number | null;
  select(index: number | null): void;

  query: string;
  searchResults: { index: number; score: number }[] | null;
  searching: boolean;
  setQuery(query: string): void;
  search(): Promise<void>;
}

export const SAMPLE_SENTENCES = [
  'The cat sleeps on the warm windowsill.\tanimals',
  'A kitten naps in the sun by the window.\tanimals',
  'Dogs love to chase a ball in the park.\tanimals',
  'Stock markets fell sharply this morning.\tmoney',
  'The central bank raised interest rates again.\tmoney',
  'Investors moved their savings into bonds.\tmoney',
  'Heavy rain is expected in the mountains tomorrow.\tweather',
  'A sunny and warm afternoon is forecast.\tweather',
].join('\n');

const asEngineError = (error: unknown) =>
  error instanceof EngineError ? error : new EngineError('internal', String(error));

/**
 * The embedding in flight, from the cache lookup on. `cancelled` records the user's click: it wins over a
 * result already on its way, and stops a run before it reaches the engine.
 */
let running: { request: Running<unknown> | null; cancelled: boolean } | null = null;
let projectionRun: Running<unknown> | null = null;
const RUNS_KEPT = 6;

export const useEmbeddingsStore = create<EmbeddingsState>()((set, get) => {
  /** Clusters, the cosine matrix and the default map for a new current run. */
  async function analyse(run: EmbeddingRun): Promise<void> {
    const vectorSet = { vectors: run.vectors, count: run.sentences.length, dimensions: run.dimensions };
    set({ analysis: null, projection: null, selected: null, searchResults: null });
    const project = get().project(get().projection?.method ?? 'pca');
    try {
      const { matrix, clusters } = await analysis.analyse(vectorSet).done;
      if (get().result === run) set({ analysis: { matrix, clusters } });
    } catch (error) {
      set({ error: asEngineError(error) });
    }
    await project;
  }

  return {
    text: SAMPLE_SENTENCES,
    pooling: 'mean',
    normalize: true,
    progress: null,
    result: null,
    runs: [],
    error: null,
    notice: null,

    setText(text) {
      set({ text });
    },
    setPooling(pooling) {
      set({ pooling });
    },
    setNormalize(normalize) {
      set({ normalize });
    },
    applyModelDefaults() {
      const loaded = useAppStore.getState().slots.embedding.loaded;
      const defaults = loaded ? findModel(loaded.spec.id)?.embedding : null;
      if (defaults) set({ pooling: defaults.pooling, normalize: defaults.normalize });
    },

    async embed() {
      const model = useAppStore.getState().slots.embedding.loaded;
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
      const texts = sentences.map((sentence) => documentPrefix + sentence);
      set({ progress: { done: 0, total: sentences.length }, error: null, notice: null });
      const current: NonNullable<typeof running> = { request: null, cancelled: false };
      running = current;
      const stopIfCancelled = () => {
        if (current.cancelled) throw new EngineError('cancelled', 'Embedding was cancelled.');
      };
      let run: EmbeddingRun;
      try {
        const cached = await cachedVectors(recipe, texts).catch(() => texts.map(() => undefined));
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
            {
              pooling: recipe.pooling as Pooling,
              normalize: recipe.normalize,
              useModelPooling: recipe.modelPooled,
            },
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
          pooling: recipe.pooling as Pooling,
          sentences,
          labels,
          vectors,
          dimensions,
          fromCache,
          documentPrefix,
        };
      } catch (error) {
        const engineError = asEngineError(error);
        if (engineError.code === 'cancelled')
          set({ notice: 'Embedding was cancelled; nothing was changed.' });
        else set({ error: engineError });
        return;
      } finally {
        // The embedding ends here: the analysis that follows shows and cancels its own progress.
        running = null;
        set({ progress: null });
      }
      const finished = run;
      set((state) => ({ result: finished, runs: [finished, ...state.runs].slice(0, RUNS_KEPT) }));
      await analyse(finished);
    },

    cancel() {
      if (!running) return;
      running.cancelled = true;
      running.request?.cancel();
    },

    pendingImport: null,

    async importFile(file) {
      try {
        const table = parseTable(await file.text(), file.name);
        const labelGuess = table.columns.findIndex((column) =>
          /^(label|class|category|tag|topic)s?$/i.test(column),
        );
        const textGuess = table.columns.findIndex((column) =>
          /^(text|sentence|content|body|document)s?$/i.test(column),
        );
        const textColumn = textGuess >= 0 ? textGuess : guessTextColumn(table);
        set({
          pendingImport: {
            fileName: file.name,
            table,
            textColumn,
            labelColumn: labelGuess >= 0 && labelGuess !== textColumn ? labelGuess : null,
          },
          error: null,
        });
      } catch (error) {
        set({
          error: new EngineError('bad-request', error instanceof Error ? error.message : String(error)),
        });
      }
    },

    chooseColumns(textColumn, labelColumn) {
      const pending = get().pendingImport;
      if (pending) set({ pendingImport: { ...pending, textColumn, labelColumn } });
    },

    finishImport() {
      const pending = get().pendingImport;
      if (!pending) return;
      try {
        const { sentences, labels } = datasetRows(pending.table, pending.textColumn, pending.labelColumn);
        set({
          text: textOf(sentences, labels),
          setName: pending.fileName.replace(/\.[^.]+$/, ''),
          pendingImport: null,
          error: null,
        });
      } catch (error) {
        set({
          error: new EngineError('bad-request', error instanceof Error ? error.message : String(error)),
        });
      }
    },

    cancelImport() {
      set({ pendingImport: null });
    },

    sets: [],
    setName: '',

    setSetName(setName) {
      set({ setName });
    },

    async loadSets() {
      try {
        set({ sets: await listSets() });
      } catch (error) {
        set({ error: new EngineError('internal', `Could not read saved sets: ${String(error)}`) });
      }
    },

    async saveCurrentSet() {
      const name = get().setName.trim() || `Set of ${sentencesOf(get().text).sentences.length} sentences`;
      const existing = get().sets.find((candidate) => candidate.name === name);
      await saveSet({
        id: existing?.id ?? crypto.randomUUID(),
        name,
        text: get().text,
        updatedAt: Date.now(),
      });
      set({ setName: name, sets: await listSets(), notice: `Saved “${name}” on this device.` });
    },

    openSet(id) {
      const chosen = get().sets.find((candidate) => candidate.id === id);
      if (chosen) set({ text: chosen.text, setName: chosen.name, notice: null });
    },

    async removeSet(id) {
      await deleteSet(id);
      set({ sets: await listSets() });
    },

    analysis: null,
    projection: null,
    projecting: null,

    async project(method) {
      const run = get().result;
      if (!run) return;
      projectionRun?.cancel();
      set({ projecting: { method, phase: 'starting', done: 0, total: 1 } });
      const request = analysis.project(
        { vectors: run.vectors, count: run.sentences.length, dimensions: run.dimensions },
        method,
        42,
        ({ phase, done, total }) => set({ projecting: { method, phase, done, total } }),
      );
      projectionRun = request;
      try {
        const { coordinates, explained } = await request.done;
        if (get().result === run) set({ projection: { method, coordinates, explained } });
      } catch (error) {
        const engineError = asEngineError(error);
        if (engineError.code !== 'cancelled') set({ error: engineError });
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
      const run = get().result;
      const query = get().query.trim();
      if (!run || !query || get().searching) return;
      const loaded = useAppStore.getState().slots.embedding.loaded;
      if (
        loaded?.spec.id !== run.model ||
        loaded.spec.dtype !== run.dtype ||
        loaded.backend !== run.backend
      ) {
        set({
          error: new EngineError(
            'bad-request',
            `The set was embedded with ${run.model} (${run.dtype}, ${run.backend}), which is no longer loaded: embed it again to search it.`,
          ),
        });
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
        if (get().result !== run) return;
        set({ searchResults: rankByCosine(vectors, run.vectors, run.sentences.length, run.dimensions) });
      } catch (error) {
        set({ error: asEngineError(error) });
      } finally {
        set({ searching: false });
      }
    },
  };
});
