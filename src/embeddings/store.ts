/**
 * The embeddings panel's store: the sentence set being edited (setSlice.ts), embedding runs cached in
 * IndexedDB (runSlice.ts), and the views computed from the current run (viewsSlice.ts). Components read
 * it through the named selectors of selectors.ts where a value is derived.
 */
import { create } from 'zustand';
import { createRunSlice } from './runSlice.ts';
import { createSetSlice } from './setSlice.ts';
import type { EmbeddingsState } from './types.ts';
import { createViewsSlice } from './viewsSlice.ts';

export const useEmbeddingsStore = create<EmbeddingsState>()((...slice) => ({
  ...createSetSlice(...slice),
  ...createRunSlice(...slice),
  ...createViewsSlice(...slice),
}));
