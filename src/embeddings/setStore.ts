/**
 * Sentence sets and computed vectors in IndexedDB (through idb). Vectors are cached per model, dtype,
 * backend, pooling, normalization and sentence, so a saved set opens with its vectors and embedding it
 * again only computes sentences not seen before.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export interface SentenceSet {
  id: string;
  name: string;
  /** The text as typed: one sentence per line, optionally a tab and a label. */
  text: string;
  updatedAt: number;
}

/** What decides a sentence's vector besides the sentence itself. */
export interface VectorRecipe {
  model: string;
  dtype: string;
  backend: string;
  pooling: string;
  normalize: boolean;
  modelPooled: boolean;
}

interface EmbeddingsDatabase extends DBSchema {
  sets: { key: string; value: SentenceSet; indexes: { updatedAt: number } };
  vectors: { key: string; value: Float32Array };
}

let database: Promise<IDBPDatabase<EmbeddingsDatabase>> | null = null;

function db(): Promise<IDBPDatabase<EmbeddingsDatabase>> {
  database ??= openDB<EmbeddingsDatabase>('glassbox-embeddings', 1, {
    upgrade(upgrade) {
      upgrade.createObjectStore('sets', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      upgrade.createObjectStore('vectors');
    },
  });
  return database;
}

export function vectorKey(recipe: VectorRecipe, text: string): string {
  const { model, dtype, backend, pooling, normalize, modelPooled } = recipe;
  return JSON.stringify([model, dtype, backend, modelPooled ? 'model' : pooling, normalize, text]);
}

/** The cached vector of each text, or undefined where there is none; one transaction. */
export async function cachedVectors(
  recipe: VectorRecipe,
  texts: readonly string[],
): Promise<(Float32Array | undefined)[]> {
  const store = (await db()).transaction('vectors').store;
  return Promise.all(texts.map((text) => store.get(vectorKey(recipe, text))));
}

export async function cacheVectors(
  recipe: VectorRecipe,
  texts: readonly string[],
  vectors: Float32Array,
  dimensions: number,
): Promise<void> {
  const transaction = (await db()).transaction('vectors', 'readwrite');
  await Promise.all([
    ...texts.map((text, index) =>
      transaction.store.put(
        vectors.slice(index * dimensions, (index + 1) * dimensions),
        vectorKey(recipe, text),
      ),
    ),
    transaction.done,
  ]);
}

export async function listSets(): Promise<SentenceSet[]> {
  return (await (await db()).getAllFromIndex('sets', 'updatedAt')).reverse();
}

export async function saveSet(set: SentenceSet): Promise<void> {
  await (await db()).put('sets', set);
}

export async function deleteSet(id: string): Promise<void> {
  await (await db()).delete('sets', id);
}
