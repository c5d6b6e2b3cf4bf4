/**
 * The embeddings panel's store: the sentence set being edited (setSlice.ts), embedding runs cached in
 * IndexedDB (runSlice.ts), and the views computed from the current run (viewsSlice.ts). Components read
 * it through the named selectors of selectors.ts where a value is derived.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createRunSlice } from './runSlice.ts';
import { createSetSlice } from './setSlice.ts';
import type { EmbeddingsState } from './types.ts';
import { createViewsSlice } from './viewsSlice.ts';

export const useEmbeddingsStore = create<EmbeddingsState>()(
  persist(
    (...slice) => ({
      ...createSetSlice(...slice),
      ...createRunSlice(...slice),
      ...createViewsSlice(...slice),
    }),
    {
      // The sentences being typed survive a reload of the tab (saved sets live in IndexedDB, setStore.ts).
      name: 'glassbox-embeddings-draft',
      storage: createJSONStorage(() => sessionStorage),
      partialize: (state) => ({ text: state.text, setName: state.setName }),
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<Pick<EmbeddingsState, 'text' | 'setName'>>;
        return {
          ...current,
          text: typeof saved.text === 'string' ? saved.text : current.text,
          setName: typeof saved.setName === 'string' ? saved.setName : current.setName,
        };
      },
    },
  ),
);
