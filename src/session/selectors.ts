/**
 * Named views of the session store, computed from what is stored.
 *
 *   const chat = useAppStore(selectLoaded('chat'));
 *   const host = hostFor(useAppStore.getState(), 'glassbox/tiny-chat'); // → the app's own /models
 */
import { HUB_HOST } from '../core/hosts.ts';
import { MODEL_SLOTS, type ModelSlot, type ModelSpec } from '../core/model.ts';
import type { LoadedModel } from '../engine/protocol.ts';
import { appModelHost, findModel } from '../hub/catalog.ts';
import { classroom, type Classroom } from '../hub/classroom.ts';
import type { SessionState, SlotState } from './types.ts';

export const selectSlot =
  (slot: ModelSlot) =>
  (state: Pick<SessionState, 'slots'>): SlotState =>
    state.slots[slot];

export const selectLoaded =
  (slot: ModelSlot) =>
  (state: Pick<SessionState, 'slots'>): LoadedModel | null =>
    state.slots[slot].loaded;

/** The model a slot shows: the one loading, else the one loaded. */
export const selectCurrentSpec =
  (slot: ModelSlot) =>
  (state: Pick<SessionState, 'slots'>): ModelSpec | null =>
    state.slots[slot].loading?.spec ?? state.slots[slot].loaded?.spec ?? null;

/** How many models are loaded. */
export const selectLoadedCount = (state: Pick<SessionState, 'slots'>): number =>
  MODEL_SLOTS.filter((slot) => state.slots[slot].loaded !== null).length;

/** The model the user asked for last, else any loaded one: what the inspector opens. */
export const selectFocusedModel = (state: Pick<SessionState, 'slots' | 'focusSlot'>): LoadedModel | null =>
  state.slots[state.focusSlot].loaded ?? state.slots.chat.loaded ?? state.slots.embedding.loaded;

/**
 * Where a model's files come from: the mirror if set, else the app itself (forged demo models, and every
 * model a classroom server serves) or the Hub.
 */
export function hostFor(
  state: Pick<SessionState, 'mirror'>,
  id: string,
  served: Classroom | null = classroom,
): string {
  const fromApp = findModel(id)?.forged || served?.models.includes(id);
  return state.mirror ?? (fromApp ? appModelHost() : HUB_HOST);
}
