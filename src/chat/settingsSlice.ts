/**
 * The settings slice of the chat store: sampling, the system prompt, and how token probabilities show.
 * The store keeps them across reloads (store.ts).
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_GENERATION, clampSetting } from './sampling.ts';
import type { ChatState, SettingsSlice } from './types.ts';

export const createSettingsSlice: StateCreator<ChatState, [], [], SettingsSlice> = (set) => ({
  settings: DEFAULT_GENERATION,
  systemPrompt: '',
  showProbabilities: false,
  colouring: 'probability',
  teacherReply: null,
  draftFromScene: null,

  setDraftFromScene(draftFromScene) {
    set({ draftFromScene });
  },

  setTeacherReply(teacherReply) {
    set({ teacherReply });
  },

  setSetting(name, value) {
    set((state) => ({ settings: { ...state.settings, [name]: clampSetting(name, value) } }));
  },
  setGreedy(greedy) {
    set((state) => ({ settings: { ...state.settings, greedy } }));
  },
  setSystemPrompt(systemPrompt) {
    set({ systemPrompt });
  },
  setShowProbabilities(showProbabilities) {
    set({ showProbabilities });
  },
  setColouring(colouring) {
    set({ colouring });
  },
});
