/**
 * The conversations slice of the chat store: the open conversation saved to IndexedDB after every reply,
 * the list of saved ones (and of records that cannot be read), opening, renaming, deleting and importing
 * them, and keeping up with other tabs (conversationStore.ts says how two tabs never overwrite each other).
 */
import type { StateCreator } from 'zustand';
import { messageOf } from '../lib/errors.ts';
import { newId } from '../lib/newId.ts';
import { parseConversationFile } from './conversationFile.ts';
import {
  deleteAllConversations,
  deleteConversation,
  listConversations,
  onOtherTabChange,
  rawConversationRecord,
  readConversation,
  readConversationEntry,
  saveConversation,
  type ConversationEntry,
} from './conversationStore.ts';
import { conversationOf, selectGenerating } from './selectors.ts';
import type { ChatState, ConversationsSlice } from './types.ts';

export const createConversationsSlice: StateCreator<ChatState, [], [], ConversationsSlice> = (set, get) => {
  const idle = () => !selectGenerating(get());
  /** This tab's saves, one after another: each must find the revision the one before wrote. */
  let saving: Promise<void> = Promise.resolve();

  /** Counts this tab's writes: a list read while one landed may lack it. */
  let writes = 0;

  async function refreshList(): Promise<void> {
    for (;;) {
      const before = writes;
      const { saved, broken } = await listConversations();
      // A save of this tab that landed during the read put itself in the list; this older snapshot would
      // drop it again, so read again.
      if (writes !== before) continue;
      set({ conversations: saved.map((entry) => entry.conversation), brokenConversations: broken });
      return;
    }
  }

  /**
   * Puts what the store now holds under `id` in the lists, read alone: another tab's save must not make
   * this one read (and check) every saved conversation while it streams a reply.
   */
  async function refreshEntry(id: string): Promise<ConversationEntry | null> {
    for (;;) {
      const before = writes;
      const entry = await readConversationEntry(id);
      if (writes !== before) continue;
      set((state) => {
        const conversations = state.conversations.filter((listed) => listed.id !== id);
        const brokenConversations = state.brokenConversations.filter((listed) => listed.id !== id);
        if (entry && 'broken' in entry) brokenConversations.push(entry.broken);
        if (entry && 'saved' in entry) {
          const saved = entry.saved.conversation;
          const at = conversations.findIndex((listed) => listed.updatedAt <= saved.updatedAt);
          conversations.splice(at < 0 ? conversations.length : at, 0, saved);
        }
        return { conversations, brokenConversations };
      });
      return entry;
    }
  }

  async function writeOpenConversation(): Promise<void> {
    const conversation = conversationOf(get());
    if (conversation.turns.length === 0) return;
    const outcome = await saveConversation(conversation, get().revision);
    if (outcome.saved) {
      writes++;
      // The list takes what was just written, newest first, instead of reading every saved conversation
      // back (with token probabilities, that took longer after each reply); other tabs' changes still
      // refresh it from the store.
      set((state) => ({
        conversations: [
          conversation,
          ...state.conversations.filter((listed) => listed.id !== conversation.id),
        ],
        ...(state.conversationId === conversation.id
          ? { revision: outcome.revision, title: conversation.title }
          : {}),
      }));
      return;
    }
    // Another tab added to this conversation meanwhile: keep both, this tab's turns as a new one.
    const copy = {
      ...conversation,
      id: newId(),
      title: `${conversation.title} (this tab)`,
    };
    const copied = await saveConversation(copy, 0);
    if (get().conversationId === conversation.id && copied.saved) {
      set({
        conversationId: copy.id,
        title: copy.title,
        revision: copied.revision,
        notice: `Another tab changed “${conversation.title}” while this one was writing to it. Both are kept: this tab's turns are saved as “${copy.title}”.`,
      });
    }
    await refreshList();
  }

  return {
    conversationId: newId(),
    title: '',
    model: null,
    createdAt: Date.now(),
    revision: 0,
    conversations: [],
    brokenConversations: [],
    fileError: null,
    notice: null,
    lastDeleted: null,

    save() {
      saving = saving
        .then(writeOpenConversation)
        .catch((error: unknown) =>
          set({ fileError: `Could not save the conversation on this device. ${messageOf(error)}` }),
        );
      return saving;
    },

    show(conversation, revision = 0) {
      get().stop();
      set(
        conversation
          ? {
              conversationId: conversation.id,
              title: conversation.title,
              model: conversation.model,
              createdAt: conversation.createdAt,
              revision,
              turns: conversation.turns,
              systemPrompt: conversation.systemPrompt,
              settings: conversation.settings,
              error: null,
              notice: null,
            }
          : {
              conversationId: newId(),
              title: '',
              model: null,
              createdAt: Date.now(),
              revision: 0,
              turns: [],
              error: null,
              notice: null,
            },
      );
    },

    newChat() {
      get().show(null);
    },

    async loadConversations(openLatest) {
      try {
        const { saved, broken } = await listConversations();
        set({ conversations: saved.map((entry) => entry.conversation), brokenConversations: broken });
        const latest = saved[0];
        if (openLatest && latest && get().turns.length === 0)
          get().show(latest.conversation, latest.revision);
      } catch (error) {
        set({ fileError: `Could not read saved conversations. ${messageOf(error)}` });
      }
    },

    followOtherTabs() {
      return onOtherTabChange((change) => {
        void (async () => {
          const entry = await refreshEntry(change.id);
          if (change.id !== get().conversationId || !idle()) return;
          if (change.type === 'deleted') {
            set({
              revision: 0,
              notice:
                'Another tab deleted this conversation. It stays open here, and is saved again if you go on with it.',
            });
            return;
          }
          const stored = entry && 'saved' in entry ? entry.saved : null;
          if (stored && stored.revision > get().revision && idle() && change.id === get().conversationId) {
            get().show(stored.conversation, stored.revision);
            set({ notice: 'Another tab added to this conversation: it is shown as it is now.' });
          }
        })().catch((error: unknown) =>
          set({ fileError: `Could not read a change made in another tab. ${messageOf(error)}` }),
        );
      });
    },

    async openConversation(id) {
      if (!idle()) return;
      try {
        const stored = await readConversation(id);
        if (stored) get().show(stored.conversation, stored.revision);
        else {
          await refreshList();
          set({
            fileError: 'That conversation is no longer on this device (another tab may have deleted it).',
          });
        }
      } catch (error) {
        set({ fileError: `Could not open the conversation. ${messageOf(error)}` });
      }
    },

    async renameConversation(id, title) {
      const name = title.trim();
      if (!name) return;
      try {
        const stored = await readConversation(id);
        if (!stored) return;
        const outcome = await saveConversation({ ...stored.conversation, title: name }, stored.revision);
        if (outcome.saved && id === get().conversationId) set({ title: name, revision: outcome.revision });
        await refreshList();
      } catch (error) {
        set({ fileError: `Could not rename the conversation. ${messageOf(error)}` });
      }
    },

    async deleteConversation(id) {
      try {
        const stored = await readConversation(id).catch(() => null);
        await deleteConversation(id);
        if (id === get().conversationId) get().show(null);
        set({ lastDeleted: stored?.conversation ?? null });
        await refreshList();
      } catch (error) {
        set({ fileError: `Could not delete the conversation. ${messageOf(error)}` });
      }
    },

    async deleteAllConversations() {
      get().stop();
      try {
        await deleteAllConversations();
        get().show(null);
        set({ lastDeleted: null, conversations: [], brokenConversations: [] });
      } catch (error) {
        set({ fileError: `Could not delete the conversations. ${messageOf(error)}` });
      }
    },

    async undoDelete() {
      const deleted = get().lastDeleted;
      if (!deleted) return;
      try {
        const outcome = await saveConversation(deleted, 0);
        set({ lastDeleted: null });
        await refreshList();
        if (outcome.saved && get().turns.length === 0) get().show(deleted, outcome.revision);
      } catch (error) {
        set({ fileError: `Could not restore the conversation. ${messageOf(error)}` });
      }
    },

    brokenRecord(id) {
      return rawConversationRecord(id);
    },

    async importConversation(text) {
      try {
        const conversation = parseConversationFile(text);
        const outcome = await saveConversation(conversation, 0);
        await refreshList();
        set({ fileError: null });
        get().show(conversation, outcome.saved ? outcome.revision : 0);
      } catch (error) {
        set({ fileError: messageOf(error) });
      }
    },
  };
};
