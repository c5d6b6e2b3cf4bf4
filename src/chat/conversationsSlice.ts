/**
 * The conversations slice of the chat store: the open conversation saved to IndexedDB after every reply,
 * the list of saved ones, and opening, renaming, deleting and importing them.
 */
import type { StateCreator } from 'zustand';
import { messageOf } from '../lib/errors.ts';
import { parseConversationFile } from './conversationFile.ts';
import { deleteConversation, listConversations, saveConversation } from './conversationStore.ts';
import { conversationOf, selectGenerating } from './selectors.ts';
import type { ChatState, ConversationsSlice } from './types.ts';

export const createConversationsSlice: StateCreator<ChatState, [], [], ConversationsSlice> = (set, get) => {
  const idle = () => !selectGenerating(get());

  return {
    conversationId: crypto.randomUUID(),
    title: '',
    model: null,
    createdAt: Date.now(),
    conversations: [],
    fileError: null,

    async save() {
      const conversation = conversationOf(get());
      if (conversation.turns.length === 0) return;
      try {
        await saveConversation(conversation);
        const conversations = await listConversations();
        set((state) =>
          state.conversationId === conversation.id
            ? { conversations, title: conversation.title }
            : { conversations },
        );
      } catch (error) {
        set({ fileError: `Could not save the conversation on this device. ${messageOf(error)}` });
      }
    },

    show(conversation) {
      get().stop();
      set(
        conversation
          ? {
              conversationId: conversation.id,
              title: conversation.title,
              model: conversation.model,
              createdAt: conversation.createdAt,
              turns: conversation.turns,
              systemPrompt: conversation.systemPrompt,
              settings: conversation.settings,
              error: null,
            }
          : {
              conversationId: crypto.randomUUID(),
              title: '',
              model: null,
              createdAt: Date.now(),
              turns: [],
              error: null,
            },
      );
    },

    newChat() {
      get().show(null);
    },

    async loadConversations(openLatest) {
      try {
        const conversations = await listConversations();
        set({ conversations });
        if (openLatest && conversations[0] && get().turns.length === 0) get().show(conversations[0]);
      } catch (error) {
        set({ fileError: `Could not read saved conversations. ${messageOf(error)}` });
      }
    },

    openConversation(id) {
      if (!idle()) return;
      get().show(get().conversations.find((conversation) => conversation.id === id) ?? null);
    },

    async renameConversation(id, title) {
      const conversation = get().conversations.find((candidate) => candidate.id === id);
      if (!conversation || !title.trim()) return;
      await saveConversation({ ...conversation, title: title.trim() });
      if (id === get().conversationId) set({ title: title.trim() });
      set({ conversations: await listConversations() });
    },

    async deleteConversation(id) {
      await deleteConversation(id);
      if (id === get().conversationId) get().show(null);
      set({ conversations: await listConversations() });
    },

    async importConversation(text) {
      try {
        const conversation = parseConversationFile(text);
        await saveConversation(conversation);
        set({ conversations: await listConversations(), fileError: null });
        get().show(conversation);
      } catch (error) {
        set({ fileError: messageOf(error) });
      }
    },
  };
};
