/**
 * The session store: what every panel shares at run time. The device and backend choice and the model
 * host (setupSlice.ts), the chat and embedding model slots (slotsSlice.ts), and notices. Panels read it
 * through the named selectors of selectors.ts and ask it to load.
 */
import { create, type StateCreator } from 'zustand';
import { engine } from './engine.ts';
import { createSetupSlice } from './setupSlice.ts';
import { createSlotsSlice } from './slotsSlice.ts';
import type { NoticesSlice, SessionState } from './types.ts';

const createNoticesSlice: StateCreator<SessionState, [], [], NoticesSlice> = (set) => ({
  notices: [],
  addNotices(notices) {
    set((state) => ({ notices: [...state.notices, ...notices] }));
  },
  dismissNotices() {
    set({ notices: [] });
  },
});

export const useAppStore = create<SessionState>()((...slice) => ({
  ...createSetupSlice(...slice),
  ...createSlotsSlice(...slice),
  ...createNoticesSlice(...slice),
}));

engine.onCrash((error) => useAppStore.getState().recoverFromCrash(error));
