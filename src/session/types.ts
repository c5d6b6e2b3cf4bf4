/**
 * What every panel shares at run time (store.ts combines the slices): the device and the backend chosen,
 * where models come from, the chat and embedding model slots with their load state, and notices.
 */
import type { BackendChoice, Dtype, LoadProgress, ModelSlot, ModelSpec, ModelTask } from '../core/model.ts';
import type { BackendCapabilities, LoadedModel } from '../engine/protocol.ts';

export interface SlotState {
  loaded: LoadedModel | null;
  loading: (LoadProgress & { spec: ModelSpec }) | null;
  /** Why the last load failed, as a sentence (what happened, what to do). */
  error: string | null;
  /** The model whose stored files failed to load as damaged: offered to download again. */
  damaged: ModelSpec | null;
}

/** The device, the backend the user chose, and where models come from. */
export interface SetupSlice {
  capabilities: BackendCapabilities | null;
  backendChoice: BackendChoice;
  /** A self-hosted mirror (Hugging Face layout) that every model loads from; null: the defaults. */
  mirror: string | null;
  probe(): Promise<void>;
  /** Chooses the backend; models loaded on another one load again on it. */
  setBackendChoice(choice: BackendChoice): void;
  /** Returns true when the page reloads so its security policy allows the new host. */
  setMirror(mirror: string | null): boolean;
  /**
   * A host a link named (`?host=`): it applies to the link's model only, is shown, and becomes the
   * mirror only when the person says so. Null when the page was not opened from such a link, or it was
   * dismissed.
   */
  linkHost: { host: string; modelId: string | null } | null;
  setLinkHost(linkHost: { host: string; modelId: string | null } | null): void;
}

/** The chat and embedding models: loaded, loading or failed. */
export interface SlotsSlice {
  slots: Record<ModelSlot, SlotState>;
  /** The slot of the model the user asked for last: what the inspector opens first. */
  focusSlot: ModelSlot;
  /**
   * Loads a model into its slot; `from` overrides where it comes from (a folder imported from disk, a
   * link's host), and what it is when known. With `slot`, a model of the other kind is not loaded: a
   * notice says where to choose it instead.
   */
  loadModel(
    id: string,
    dtype: Dtype,
    from?: { host?: string; task?: ModelTask; slot?: ModelSlot },
  ): Promise<void>;
  cancelLoad(slot: ModelSlot): void;
  /** Deletes a damaged model's stored files and loads it again, downloading them afresh. */
  downloadAgain(spec: ModelSpec): Promise<void>;
  setFocusSlot(slot: ModelSlot): void;
  /**
   * After the engine worker was replaced (it crashed, or its runtime failed): the models that were loaded
   * load again from the device, once; a slot's own error (the load that failed) stays shown.
   */
  recoverFromCrash(error: Error): void;
}

/** Problems to tell the user once, in the header (a bad deep link, a model that cannot load). */
export interface NoticesSlice {
  notices: string[];
  addNotices(notices: string[]): void;
  dismissNotices(): void;
}

export type SessionState = SetupSlice & SlotsSlice & NoticesSlice;
