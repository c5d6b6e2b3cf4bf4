/**
 * The embeddings panel's state, slice by slice (store.ts combines them): the sentence set being edited,
 * the embedding runs, and the views computed from the current run.
 */
import type { Backend, Dtype, Pooling } from '../core/model.ts';
import type { Analysed, Projected, Projection } from './analysisProtocol.ts';
import type { BrokenSet, SentenceSet, VectorRecipe } from './setStore.ts';
import type { Table } from './tableFile.ts';

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

/** The sentences, how they are pooled, files being imported and the sets saved on the device. */
export interface SetSlice {
  text: string;
  pooling: Pooling;
  normalize: boolean;
  setText(text: string): void;
  setPooling(pooling: Pooling): void;
  setNormalize(normalize: boolean): void;
  /** Pooling and normalization as the loaded model's card says. */
  applyModelDefaults(): void;

  pendingImport: PendingImport | null;
  importFile(file: File): Promise<void>;
  chooseColumns(textColumn: number, labelColumn: number | null): void;
  finishImport(): void;
  cancelImport(): void;

  sets: SentenceSet[];
  /** Saved records that are not sets, listed so they can be exported as stored or deleted. */
  brokenSets: BrokenSet[];
  setName: string;
  setSetName(name: string): void;
  loadSets(): Promise<void>;
  saveCurrentSet(): Promise<void>;
  openSet(id: string): void;
  removeSet(id: string): Promise<void>;
  /** Deletes every saved set and cached vector, and empties the editor (a new class starts clean). */
  removeAllSets(): Promise<void>;
  /** The stored record of a broken set, exactly as it is. */
  brokenSetRecord(id: string): Promise<unknown>;
}

/** Embedding runs: the one in progress, and this session's finished ones, newest (the current one) first. */
export interface RunSlice {
  progress: { done: number; total: number } | null;
  /** Newest first; the first is the current run, shown by every view. */
  runs: EmbeddingRun[];
  /** A problem to show now, as a sentence (what happened, what to do). */
  error: string | null;
  notice: string | null;
  embed(): Promise<void>;
  cancel(): void;
}

/** What the views compute from the current run: analysis, the 2D map, a picked sentence, search. */
export interface ViewsSlice {
  analysis: Analysed | null;
  projection: (Projected & { method: Projection }) | null;
  projecting: { method: Projection; phase: string; done: number; total: number } | null;
  /** Clusters, the cosine matrix and the map of a new current run. */
  analyse(run: EmbeddingRun): Promise<void>;
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

export type EmbeddingsState = SetSlice & RunSlice & ViewsSlice;
