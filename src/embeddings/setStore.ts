/**
 * Sentence sets and computed vectors in IndexedDB (through idb). Vectors are cached per model, dtype,
 * backend, pooling, normalization and sentence, so a saved set opens with its vectors and embedding it
 * again only computes sentences not seen before.
 *
 * What is read back may have been written by another version of the app, or by hand: each set is checked
 * (a set that does not check is listed as broken, to export as stored or delete) and a cached vector that
 * is not a Float32Array of the run's width is computed again.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import * as v from 'valibot';

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

const SetSchema = v.object({
  id: v.string(),
  name: v.string(),
  text: v.string(),
  updatedAt: v.pipe(v.number(), v.finite()),
}) satisfies v.GenericSchema<unknown, SentenceSet>;

/** A saved record that cannot be read as a set: listed with why, so it can be exported or deleted. */
export interface BrokenSet {
  id: string;
  name: string;
  problem: string;
}

interface EmbeddingsDatabase extends DBSchema {
  // Values typed as unknown: what is read back is checked.
  sets: { key: string; value: unknown; indexes: { updatedAt: number } };
  vectors: { key: string; value: unknown };
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
  const vectors = await Promise.all(texts.map((text) => store.get(vectorKey(recipe, text))));
  return vectors.map((vector) => (vector instanceof Float32Array ? vector : undefined));
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

/** The saved sets, newest first, and the records that are not sets. */
export async function listSets(): Promise<{ sets: SentenceSet[]; broken: BrokenSet[] }> {
  const transaction = (await db()).transaction('sets');
  const [keys, records] = await Promise.all([transaction.store.getAllKeys(), transaction.store.getAll()]);
  const sets: SentenceSet[] = [];
  const broken: BrokenSet[] = [];
  keys.forEach((key, index) => {
    const record: unknown = records[index];
    const checked = v.safeParse(SetSchema, record);
    if (checked.success && checked.output.id === key) sets.push(checked.output);
    else {
      const name = (record as { name?: unknown } | null)?.name;
      broken.push({
        id: key,
        name: typeof name === 'string' && name.trim() ? name : 'Unreadable set',
        problem: checked.success
          ? 'its id does not match its key'
          : checked.issues
              .map(
                (issue) =>
                  `${issue.path?.map((item) => String(item.key)).join('.') ?? 'it'}: ${issue.message}`,
              )
              .join('; '),
      });
    }
  });
  return { sets: sets.sort((a, b) => b.updatedAt - a.updatedAt), broken };
}

/** A stored set record exactly as it is, to export a broken one. */
export async function rawSet(id: string): Promise<unknown> {
  return (await db()).get('sets', id);
}

export async function saveSet(set: SentenceSet): Promise<void> {
  await (await db()).put('sets', set);
}

export async function deleteSet(id: string): Promise<void> {
  await (await db()).delete('sets', id);
}

/** Deletes every set, and the cached vectors, whose keys hold the sentences typed. */
export async function deleteAllSets(): Promise<void> {
  const transaction = (await db()).transaction(['sets', 'vectors'], 'readwrite');
  await Promise.all([
    transaction.objectStore('sets').clear(),
    transaction.objectStore('vectors').clear(),
    transaction.done,
  ]);
}
