/**
 * The slots slice of the session store: one chat and one embedding model, each loaded, loading (with its
 * files' progress) or failed. A new load supersedes one still running for the same slot.
 */
import type { StateCreator } from 'zustand';
import { MODEL_SLOTS, slotForTask, type ModelSlot, type ModelSpec, type ModelTask } from '../core/model.ts';
import { EngineError } from '../engine/errors.ts';
import type { LoadedModel } from '../engine/protocol.ts';
import { modelStore } from '../hub/modelStore.ts';
import { resolveTask } from '../hub/resolve.ts';
import { messageOf } from '../lib/errors.ts';
import type { Running } from '../lib/workerRpc.ts';
import { engine } from './engine.ts';
import { hostFor } from './selectors.ts';
import type { SessionState, SlotState, SlotsSlice } from './types.ts';

const EMPTY_SLOT: SlotState = Object.freeze({
  loaded: null,
  loading: null,
  error: null,
  damaged: null,
});

const loads = new Map<ModelSlot, Running<LoadedModel>>();

/** Models loading again after a crash: a crash meanwhile would only repeat, so it is not recovered from. */
let recovering = 0;

export const createSlotsSlice: StateCreator<SessionState, [], [], SlotsSlice> = (set, get) => {
  /** Loads `spec` into its slot; `keepError` leaves the slot's error shown (the load that just failed). */
  async function startLoad(spec: ModelSpec, { keepError = false } = {}): Promise<boolean> {
    const slot = slotForTask(spec.task);
    const patch = (update: Partial<SlotState>) =>
      set((state) => ({ slots: { ...state.slots, [slot]: { ...state.slots[slot], ...update } } }));
    patch({
      loading: { spec, files: [], loaded: 0, total: 0 },
      ...(keepError ? {} : { error: null, damaged: null }),
    });
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
      return true;
    } catch (error) {
      const damaged = error instanceof EngineError && error.code === 'corrupt-file' ? spec : null;
      if (isLatest()) patch({ loading: null, error: messageOf(error), damaged });
      return false;
    } finally {
      if (loads.get(slot) === request) loads.delete(slot);
    }
  }

  return {
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
      const slot = slotForTask(task);
      if (from?.slot && from.slot !== slot) {
        get().addNotices([
          `${id} is ${slot === 'chat' ? 'a chat model, not an embedding model: choose it on the Chat panel' : 'an embedding model, not a chat model: choose it on the Embeddings panel'}.`,
        ]);
        return;
      }
      set({ focusSlot: slot });
      await startLoad({ host, id, task, dtype });
    },

    cancelLoad(slot) {
      loads.get(slot)?.cancel();
    },

    async downloadAgain(spec) {
      try {
        await modelStore.remove(spec.host, spec.id);
      } catch (error) {
        get().addNotices([`Could not delete the stored files of ${spec.id}: ${messageOf(error)}`]);
        return;
      }
      await startLoad(spec);
    },

    setFocusSlot(slot) {
      set({ focusSlot: slot });
    },

    recoverFromCrash(error) {
      const slots = get().slots;
      const wereLoaded = MODEL_SLOTS.flatMap((slot) => slots[slot].loaded?.spec ?? []);
      // A new worker holds no model: the slots empty (a failed load's error is set by its own catch).
      set({
        slots: Object.fromEntries(
          MODEL_SLOTS.map((slot) => [slot, { ...slots[slot], loaded: null }]),
        ) as SessionState['slots'],
      });
      if (recovering > 0 || wereLoaded.length === 0) {
        set((state) => ({
          slots: Object.fromEntries(
            MODEL_SLOTS.map((slot) => [
              slot,
              { ...state.slots[slot], error: slots[slot].loaded ? error.message : state.slots[slot].error },
            ]),
          ) as SessionState['slots'],
        }));
        return;
      }
      get().addNotices([
        `${messageOf(error)} The engine was restarted: ${wereLoaded.map((spec) => spec.id).join(' and ')} ${wereLoaded.length > 1 ? 'load' : 'loads'} again.`,
      ]);
      // After the failed calls' own handlers have run, so the error of a load that failed stays shown.
      setTimeout(() => {
        for (const spec of wereLoaded) {
          const slot = slotForTask(spec.task);
          if (loads.has(slot)) continue; // the user already chose another model
          recovering++;
          void startLoad(spec, { keepError: true }).finally(() => recovering--);
        }
      });
    },
  };
};
