/**
 * The app store: backend capabilities and choice, the model host, and the chat and embedding model
 * slots with their load state. Panels read their slot from here and ask it to load.
 */
import { create } from 'zustand';
import { allowModelHost } from '../pwa/register.ts';
import type { Running } from '../engine/client.ts';
import { EngineError } from '../engine/errors.ts';
import {
  slotForTask,
  type BackendCapabilities,
  type BackendChoice,
  type Dtype,
  type FileProgress,
  type LoadedModel,
  type ModelSlot,
  type ModelSpec,
  type ModelTask,
} from '../engine/protocol.ts';
import { appModelHost, findModel } from '../models/catalog.ts';
import { resolveTask } from '../models/resolve.ts';
import { modelStore } from '../models/storageStore.ts';
import { engine } from './engine.ts';

export interface LoadProgress {
  spec: ModelSpec;
  files: FileProgress[];
  loaded: number;
  total: number;
}

export interface SlotState {
  loaded: LoadedModel | null;
  loading: LoadProgress | null;
  error: EngineError | null;
}

interface AppState {
  capabilities: BackendCapabilities | null;
  backendChoice: BackendChoice;
  /** A self-hosted mirror (Hugging Face layout) that every model loads from; null: the defaults. */
  mirror: string | null;
  slots: Record<ModelSlot, SlotState>;
  /** The slot of the model the user asked for last: what the inspector opens first. */
  focusSlot: ModelSlot;
  /** Problems with the page's deep link, shown once in the header. */
  notices: string[];
  probe(): Promise<void>;
  setBackendChoice(choice: BackendChoice): void;
  /** Returns true when the page reloads so its security policy allows the new host. */
  setMirror(mirror: string | null): boolean;
  /** Where a model's files come from: the mirror if set, else the app itself (forged demo models) or the Hub. */
  hostFor(id: string): string;
  /** Loads a model into its slot; `from` overrides where it comes from (a folder imported from disk). */
  loadModel(id: string, dtype: Dtype, from?: { host: string; task: ModelTask }): Promise<void>;
  cancelLoad(slot: ModelSlot): void;
  dismissNotices(): void;
  setFocusSlot(slot: ModelSlot): void;
  addNotices(notices: string[]): void;
}

export const HUB_HOST = 'https://huggingface.co';

const loads = new Map<ModelSlot, Running<LoadedModel>>();

const emptySlot: SlotState = { loaded: null, loading: null, error: null };

/** The mirror survives reloads: a classroom sets it once (and the page reloads to allow it, see pwa/). */
const MIRROR_KEY = 'glassbox-mirror';
function savedMirror(): string | null {
  try {
    return localStorage.getItem(MIRROR_KEY);
  } catch {
    return null;
  }
}

export const useAppStore = create<AppState>()((set, get) => ({
  capabilities: null,
  backendChoice: 'auto',
  mirror: savedMirror(),
  slots: { chat: emptySlot, embedding: emptySlot },
  focusSlot: 'chat',
  notices: [],

  async probe() {
    set({ capabilities: await engine.probe() });
  },

  setBackendChoice(choice) {
    set({ backendChoice: choice });
    // Models loaded on the old backend are reloaded on the new one.
    for (const slot of ['chat', 'embedding'] as const) {
      const loaded = get().slots[slot].loaded;
      if (loaded) void get().loadModel(loaded.spec.id, loaded.spec.dtype);
    }
  },

  setMirror(mirror) {
    set({ mirror });
    try {
      if (mirror) localStorage.setItem(MIRROR_KEY, mirror);
      else localStorage.removeItem(MIRROR_KEY);
    } catch {
      // Storage may be disabled: the mirror then lasts until the tab closes.
    }
    return allowModelHost(mirror);
  },

  hostFor(id) {
    return get().mirror ?? (findModel(id)?.forged ? appModelHost() : HUB_HOST);
  },

  async loadModel(id, dtype, from) {
    const host = from?.host ?? get().hostFor(id);
    let task: ModelTask;
    try {
      task = from?.task ?? (await resolveTask(host, id, modelStore));
    } catch (error) {
      get().addNotices([`Cannot load ${id}: ${String(error)}`]);
      return;
    }
    const spec: ModelSpec = { host, id, task, dtype };
    const slot = slotForTask(task);
    const patch = (update: Partial<SlotState>) =>
      set((state) => ({ slots: { ...state.slots, [slot]: { ...state.slots[slot], ...update } } }));
    set({ focusSlot: slot });
    patch({ loading: { spec, files: [], loaded: 0, total: 0 }, error: null });
    // A new choice supersedes a load still running for the same slot.
    loads.get(slot)?.cancel();
    const isLatest = () => loads.get(slot) === request;
    const request = engine.load(spec, get().backendChoice, (progress) => {
      if (isLatest())
        patch({ loading: { spec, files: progress.files, loaded: progress.loaded, total: progress.total } });
    });
    loads.set(slot, request);
    try {
      const loaded = await request.done;
      if (isLatest()) patch({ loaded, loading: null });
    } catch (error) {
      if (!isLatest()) return;
      patch({
        loading: null,
        error: error instanceof EngineError ? error : new EngineError('internal', String(error)),
      });
    } finally {
      if (loads.get(slot) === request) loads.delete(slot);
    }
  },

  cancelLoad(slot) {
    loads.get(slot)?.cancel();
  },

  dismissNotices() {
    set({ notices: [] });
  },

  setFocusSlot(slot) {
    set({ focusSlot: slot });
  },

  addNotices(notices) {
    set((state) => ({ notices: [...state.notices, ...notices] }));
  },
}));

engine.onCrash((error) => {
  // A new worker holds no model: clear the slots so panels offer to load again.
  useAppStore.setState((state) => ({
    slots: {
      chat: { ...emptySlot, error: state.slots.chat.loaded ? error : state.slots.chat.error },
      embedding: { ...emptySlot, error: state.slots.embedding.loaded ? error : state.slots.embedding.error },
    },
  }));
});
