/**
 * The storage page's store: what the model store holds, the browser's quota, and persistence.
 */
import { create } from 'zustand';
import { modelStore, type StoredModel } from '../hub/modelStore.ts';
import { messageOf } from '../lib/errors.ts';
import { storageRoom } from '../lib/storageRoom.ts';

interface StorageState {
  models: StoredModel[];
  usage: number | null;
  quota: number | null;
  /** null until asked; then the browser's answer. */
  persisted: boolean | null;
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
  error: null,

  async refresh() {
    try {
      const [models, { usage, quota }, persisted] = await Promise.all([
        modelStore.list(),
        storageRoom(),
        navigator.storage.persisted(),
      ]);
      set({ models, usage, quota, persisted, error: null });
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
    set({ persisted: await navigator.storage.persist() });
  },
}));
