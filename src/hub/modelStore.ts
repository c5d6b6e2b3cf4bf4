/**
 * The device's model store: one per context (the page and each worker), over the same storage.
 *
 * Which storage depends on what the browser grants this address:
 * - the Origin Private File System (opfsStore.ts) in a secure context (https, localhost);
 * - IndexedDB (chunkStore.ts) on a plain-http classroom address, where OPFS does not exist;
 * - this context's memory (chunkStore.ts) where IndexedDB cannot be opened either: models then download
 *   again after a reload, and the page says so.
 *
 * Every store lists a file only after its size (and sha256 when the host gives one) checked out: a
 * half-written file never looks complete.
 *
 *   await modelStore.file('https://huggingface.co', 'HuggingFaceTB/SmolLM2-135M-Instruct', 'config.json'); // File | null
 *   await modelStoreKind(); // → 'files' | 'indexeddb' | 'memory'
 */
import { ChunkedModelStore } from './chunkStore.ts';
import type { ModelStore } from './manifest.ts';
import { OpfsModelStore } from './opfsStore.ts';

/** Where this context's models are kept: files (OPFS), IndexedDB, or memory (lost on reload). */
export type ModelStoreKind = 'files' | 'indexeddb' | 'memory';

const hasOpfs = typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
const chunked = hasOpfs ? null : new ChunkedModelStore();

/** This context's handle on the store: the page and each worker hold their own, over the same storage. */
export const modelStore: ModelStore = chunked ?? new OpfsModelStore();

export async function modelStoreKind(): Promise<ModelStoreKind> {
  return chunked ? chunked.kind() : 'files';
}
