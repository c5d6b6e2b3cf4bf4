/**
 * The app store: backend capabilities and choice, the model host, and the chat and embedding model
 * slots with their load state. Panels read their slot from here and ask it to load.
 */
import { create } from 'zustand';
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
} from '../engine/protocol.ts';
import { appModelHost } from '../models/catalog.ts';
import { resolveTask } from '../models/resolve.ts';
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
  /** Base URL of the Hugging Face-layout host that models load from. */
  host: string;
  slots: Record<ModelSlot, SlotState>;
  /** The slot of the model the user asked for last: what the inspector opens first. */
  focusSlot: ModelSlot;
  /** Problems with the page's deep link, shown once in the header. */
  notices: string[];
  probe(): Promise<void>;
  setBackendChoice(choice: BackendChoice): void;
  setHost(host: string): void;
  loadModel(id: string, dtype: Dtype): Promise<void>;
  dismissNotices(): void;
  setFocusSlot(slot: ModelSlot): void;
  addNotices(notices: string[]): void;
}

const emptySlot: SlotState = { loaded: null, loading: null, error: null };

export const useAppStore = create<AppState>()((set, get) => ({
  capabilities: null,
  backendChoice: 'auto',
  host: appModelHost(),
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

  setHost(host) {
    set({ host });
  },

  async loadModel(id, dtype) {
    const host = get().host;
    let task;
    try {
      task = await resolveTask(host, id);
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
    try {
      const loaded = await engine.load(spec, get().backendChoice, (progress) =>
        patch({ loading: { spec, files: progress.files, loaded: progress.loaded, total: progress.total } }),
      );
      patch({ loaded, loading: null });
    } catch (error) {
      patch({
        loading: null,
        error: error instanceof EngineError ? error : new EngineError('internal', String(error)),
      });
    }
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
