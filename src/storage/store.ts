/**
 * The storage page's store: what the model store holds, the browser's quota, and persistence.
 */
import { create } from 'zustand';
import type { StoredModel } from '../hub/manifest.ts';
import { modelStore, modelStoreKind, type ModelStoreKind } from '../hub/modelStore.ts';
import { messageOf } from '../lib/errors.ts';
import { storageRoom } from '../lib/storageRoom.ts';

interface StorageState {
  models: StoredModel[];
  usage: number | null;
  quota: number | null;
  /** null until asked, or where the browser has no storage manager (an insecure context). */
  persisted: boolean | null;
  /** Where models are kept; null until read. */
  kind: ModelStoreKind | null;
  error: string | null;
  refresh(): Promise<void>;
  remove(model: StoredModel): Promise<void>;
  removeAll(): Promise<void>;
  persist(): Promise<void>;
}

export const useStorageStore = create<StorageState>()((set, get) => ({
  models: [],
  usage: null,
  quota: null,
  persisted: null,
  kind: null,
  error: null,

  async refresh() {
    try {
      const [models, { usage, quota }, persisted, kind] = await Promise.all([
        modelStore.list(),
        storageRoom(),
        navigator.storage?.persisted() ?? null,
        modelStoreKind(),
      ]);
      set({ models, usage, quota, persisted, kind, error: null });
    } catch (error) {
      set({ error: `Could not read this device's storage. ${messageOf(error)}` });
    }
  },

  async remove(model) {
    await modelStore.remove(model.manifest.host, model.manifest.id);
    await get().refresh();
  },

  async removeAll() {
    await modelStore.removeAll();
    await get().refresh();
  },

  async persist() {
    if (navigator.storage) set({ persisted: await navigator.storage.persist() });
  },
}));
