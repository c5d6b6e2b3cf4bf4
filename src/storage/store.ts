/**
 * The storage page's store: what the model store holds, the browser's quota, and persistence.
 */
import { create } from 'zustand';
import { MODEL_SLOTS, type ModelSpec } from '../core/model.ts';
import type { StoredModel } from '../hub/manifest.ts';
import { modelStore, modelStoreKind, type ModelStoreKind } from '../hub/modelStore.ts';
import { messageOf } from '../lib/errors.ts';
import { storageRoom } from '../lib/storageRoom.ts';
import { useAppStore } from '../session/store.ts';

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

/**
 * Cancels the loads in progress of the models about to be deleted, and waits for them to end: a download
 * still running would write its files, and the manifest, back after the deletion.
 */
async function stopLoads(deleted: (spec: ModelSpec) => boolean): Promise<void> {
  const session = useAppStore.getState();
  const slots = MODEL_SLOTS.filter((slot) => {
    const loading = session.slots[slot].loading;
    return loading !== null && deleted(loading.spec);
  });
  const ended = slots.map(
    (slot) =>
      new Promise<void>((resolve) => {
        const unsubscribe = useAppStore.subscribe((state) => {
          if (state.slots[slot].loading !== null) return;
          unsubscribe();
          resolve();
        });
      }),
  );
  slots.forEach((slot) => session.cancelLoad(slot));
  await Promise.all(ended);
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
      // By id, then host: the copies of one model from several hosts sit together.
      models.sort(
        (a, b) =>
          a.manifest.id.localeCompare(b.manifest.id) || a.manifest.host.localeCompare(b.manifest.host),
      );
      set({ models, usage, quota, persisted, kind, error: null });
    } catch (error) {
      set({ error: `Could not read this device's storage. ${messageOf(error)}` });
    }
  },

  async remove(model) {
    const { host, id } = model.manifest;
    await stopLoads((spec) => spec.host === host && spec.id === id);
    await modelStore.remove(host, id);
    await get().refresh();
  },

  async removeAll() {
    await stopLoads(() => true);
    await modelStore.removeAll();
    await get().refresh();
  },

  async persist() {
    if (navigator.storage) set({ persisted: await navigator.storage.persist() });
  },
}));
