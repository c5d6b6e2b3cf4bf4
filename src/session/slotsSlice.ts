/**
 * The slots slice of the session store: one chat and one embedding model, each loaded, loading (with its
 * files' progress) or failed. A new load supersedes one still running for the same slot.
 */
import type { StateCreator } from 'zustand';
import { slotForTask, type ModelSlot, type ModelSpec, type ModelTask } from '../core/model.ts';
import type { LoadedModel } from '../engine/protocol.ts';
import { modelStore } from '../hub/modelStore.ts';
import { resolveTask } from '../hub/resolve.ts';
import { messageOf } from '../lib/errors.ts';
import type { Running } from '../lib/workerRpc.ts';
import { engine } from './engine.ts';
import { hostFor } from './selectors.ts';
import type { SessionState, SlotState, SlotsSlice } from './types.ts';

export const EMPTY_SLOT: SlotState = Object.freeze({ loaded: null, loading: null, error: null });

const loads = new Map<ModelSlot, Running<LoadedModel>>();

export const createSlotsSlice: StateCreator<SessionState, [], [], SlotsSlice> = (set, get) => ({
  slots: { chat: EMPTY_SLOT, embedding: EMPTY_SLOT },
  focusSlot: 'chat',

  async loadModel(id, dtype, from) {
    const host = from?.host ?? hostFor(get(), id);
    let task: ModelTask;
    try {
      task = from?.task ?? (await resolveTask(host, id, modelStore));
    } catch (error) {
      get().addNotices([`Cannot load ${id}: ${messageOf(error)}`]);
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
      if (isLatest()) patch({ loading: { spec, ...progress } });
    });
    loads.set(slot, request);
    try {
      const loaded = await request.done;
      if (isLatest()) patch({ loaded, loading: null });
    } catch (error) {
      if (isLatest()) patch({ loading: null, error: messageOf(error) });
    } finally {
      if (loads.get(slot) === request) loads.delete(slot);
    }
  },

  cancelLoad(slot) {
    loads.get(slot)?.cancel();
  },

  setFocusSlot(slot) {
    set({ focusSlot: slot });
  },
});
