/**
 * The chat panel's store: the conversation and the reply being streamed (replySlice.ts), the saved
 * conversations (conversationsSlice.ts) and the student's settings (settingsSlice.ts), which survive a
 * reload. Components read it through the named selectors of selectors.ts where a value is derived.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { oneOf } from '../lib/oneOf.ts';
import { checkedSettings } from './conversationSchema.ts';
import { createConversationsSlice } from './conversationsSlice.ts';
import { createReplySlice } from './replySlice.ts';
import { createSettingsSlice } from './settingsSlice.ts';
import { COLOURINGS, type ChatState, type SettingsSlice } from './types.ts';

type SavedSettings = Pick<SettingsSlice, 'settings' | 'systemPrompt' | 'showProbabilities' | 'colouring'>;

export const useChatStore = create<ChatState>()(
  persist(
    (...slice) => ({
      ...createReplySlice(...slice),
      ...createConversationsSlice(...slice),
      ...createSettingsSlice(...slice),
    }),
    {
      // Settings a student chose survive a reload (the conversations live in IndexedDB, conversationStore.ts).
      name: 'glassbox-chat-settings',
      partialize: (state): SavedSettings => ({
        settings: state.settings,
        systemPrompt: state.systemPrompt,
        showProbabilities: state.showProbabilities,
        colouring: state.colouring,
      }),
      // What localStorage holds was written by some version of the app, or by hand: each field is checked.
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<SavedSettings>;
        return {
          ...current,
          settings: checkedSettings(saved.settings),
          systemPrompt: typeof saved.systemPrompt === 'string' ? saved.systemPrompt : current.systemPrompt,
          showProbabilities: saved.showProbabilities === true,
          colouring: oneOf(saved.colouring, COLOURINGS, current.colouring),
        };
      },
    },
  ),
);
