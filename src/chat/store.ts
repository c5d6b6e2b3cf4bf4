/**
 * The chat panel's store: the conversation, the reply being streamed, and send/stop intents.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { engine } from '../app/engine.ts';
import type { Running } from '../engine/client.ts';
import { EngineError } from '../engine/errors.ts';
import type { ChatMessage, GenerationOptions, GenerationStats, TokenStep } from '../engine/protocol.ts';
import { useAppStore } from '../app/store.ts';
import {
  ConversationFileError,
  parseConversationFile,
  titleFrom,
  type Conversation,
} from './conversationFile.ts';
import { deleteConversation, listConversations, saveConversation } from './conversationStore.ts';
import { DEFAULT_GENERATION, clampSetting, type NumericSetting } from './sampling.ts';
import { switchVersion, withNewVersion } from './versions.ts';

export interface ChatTurn extends ChatMessage {
  /** Per token of `tokenIds`: the candidates it was chosen from (recorded when token probabilities are on). */
  steps?: TokenStep[];
  stats?: GenerationStats;
  stopped?: boolean;
  /** Other versions of the conversation from this reply on (regenerated or branched), see versions.ts. */
  alternatives?: ChatTurn[][];
  /** Where this reply's version sits among all versions of its position. */
  version?: number;
}

export const COLOURINGS = Object.freeze(['none', 'probability', 'entropy'] as const);
export type TokenColouring = (typeof COLOURINGS)[number];

/** How a reply is continued from a chosen token instead of the one the model picked. */
interface Branch {
  /** Reply tokens up to and including the chosen one. */
  prefix: number[];
  /** Their recorded steps, or null when they were not recorded. */
  prefixSteps: TokenStep[] | null;
}

interface ChatState {
  turns: ChatTurn[];
  /** Text of the reply being streamed, or null when the model is idle. */
  streaming: string | null;
  streamingTokens: number;
  error: EngineError | null;
  settings: GenerationOptions;
  /** Replaces the model template's default system prompt when not empty. */
  systemPrompt: string;
  send(text: string): Promise<void>;
  /** Drops the last reply and generates it again. */
  regenerate(): Promise<void>;
  /** Replaces user turn `index`, drops everything after it and generates a new reply. */
  editAndResend(index: number, text: string): Promise<void>;
  setSystemPrompt(systemPrompt: string): void;
  stop(): void;
  newChat(): void;
  setSetting(name: NumericSetting, value: number): void;
  setGreedy(greedy: boolean): void;

  /** Record and show the candidates of every generated token (costs a little time per token). */
  showProbabilities: boolean;
  colouring: TokenColouring;
  setShowProbabilities(show: boolean): void;
  setColouring(colouring: TokenColouring): void;
  /** Continues the reply at `index` from its token `position`, replaced by `tokenId`; the original stays as a version. */
  branchFrom(index: number, position: number, tokenId: number): Promise<void>;
  /** Shows another version of the reply at `index`. */
  showVersion(index: number, version: number): void;

  /** The open conversation: saved to IndexedDB after every reply. */
  conversationId: string;
  title: string;
  /** The model that wrote the replies (the last one that replied), `org/name`. */
  model: string | null;
  createdAt: number;
  /** Saved conversations, newest first. */
  conversations: Conversation[];
  /** A problem with the conversation list or a file (a failed import). */
  fileError: string | null;
  loadConversations(openLatest: boolean): Promise<void>;
  openConversation(id: string): void;
  renameConversation(id: string, title: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
  importConversation(text: string): Promise<void>;
  currentConversation(): Conversation;
}

let running: Running<unknown> | null = null;

/**
 * The messages a request sends: the system prompt (when set) and the turns, with the ids each reply was
 * written in (the prompt keeps them) and without display-only fields.
 */
export function requestMessages(systemPrompt: string, turns: readonly ChatMessage[]): ChatMessage[] {
  const system = systemPrompt.trim();
  return [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    ...turns.map(({ role, content, tokenIds }) =>
      tokenIds ? { role, content, tokenIds } : { role, content },
    ),
  ];
}

/**
 * Streamed tokens arrive faster than a screen refreshes (hundreds per second on small models): they are
 * gathered and applied once per animation frame, so the page stays responsive (and Stop clickable).
 */
function frameBatcher(apply: (text: string, tokens: number) => void) {
  let text = '';
  let tokens = 0;
  let scheduled = 0;
  const flush = () => {
    cancelAnimationFrame(scheduled);
    scheduled = 0;
    if (text || tokens) apply(text, tokens);
    text = '';
    tokens = 0;
  };
  return {
    push(piece: string, count: number) {
      text += piece;
      tokens += count;
      scheduled ||= requestAnimationFrame(flush);
    },
    flush,
  };
}

export const useChatStore = create<ChatState>()(
  persist(
    (set, get) => {
      /**
       * Generates the assistant's reply to `turns` (which end with a user turn) and appends it. A reply
       * that `replaces` an earlier tail keeps that tail as another version; if generating fails, the
       * conversation is put back as it was.
       */
      async function respond(
        turns: ChatTurn[],
        { replaces = [], branch = null }: { replaces?: ChatTurn[]; branch?: Branch | null } = {},
      ): Promise<void> {
        set({ turns, streaming: '', streamingTokens: 0, error: null });
        // A new chat opened meanwhile (which stops this reply) must not receive it.
        const conversationId = get().conversationId;
        const stillOpen = () => get().conversationId === conversationId;
        // The new message is kept even if the reply never comes (a new chat, a closed tab); a replaced
        // tail is not hidden in storage while its replacement is generated.
        if (replaces.length === 0) void save();
        const batch = frameBatcher((piece, count) =>
          set((state) => ({
            streaming: (state.streaming ?? '') + piece,
            streamingTokens: state.streamingTokens + count,
          })),
        );
        const author = useAppStore.getState().slots.chat.loaded?.spec.id ?? null;
        const request = engine.generate(
          requestMessages(get().systemPrompt, turns),
          get().settings,
          (token) => batch.push(token.text, token.tokenIds.length),
          { prefix: branch?.prefix ?? [], recordSteps: get().showProbabilities },
        );
        running = request;
        try {
          const reply = await request.done;
          const prefixSteps = branch ? branch.prefixSteps : [];
          const turn: ChatTurn = {
            role: 'assistant',
            content: reply.text,
            tokenIds: reply.tokenIds,
            ...(reply.steps && prefixSteps ? { steps: [...prefixSteps, ...reply.steps] } : {}),
            stats: reply.stats,
            stopped: reply.stopped,
          };
          if (stillOpen()) {
            set((state) => ({
              turns: [...state.turns, ...withNewVersion(replaces, turn)],
              model: author ?? state.model,
            }));
          }
        } catch (error) {
          if (!stillOpen()) return;
          set((state) => ({
            turns: [...state.turns, ...replaces],
            error: error instanceof EngineError ? error : new EngineError('internal', String(error)),
          }));
        } finally {
          batch.flush();
          running = null;
          set({ streaming: null, streamingTokens: 0 });
        }
        if (stillOpen()) await save();
      }

      /** Writes the open conversation and refreshes the list. */
      async function save(): Promise<void> {
        const conversation = get().currentConversation();
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
          set({ fileError: `Could not save the conversation on this device: ${String(error)}` });
        }
      }

      function show(conversation: Conversation | null): void {
        running?.cancel();
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
      }

      const idle = () => get().streaming === null;

      return {
        turns: [],
        streaming: null,
        streamingTokens: 0,
        error: null,
        settings: DEFAULT_GENERATION,
        systemPrompt: '',

        async send(text) {
          const content = text.trim();
          if (!content || !idle()) return;
          await respond([...get().turns, { role: 'user', content }]);
        },

        async regenerate() {
          const turns = get().turns;
          const lastUser = turns.map((turn) => turn.role).lastIndexOf('user');
          if (lastUser < 0 || !idle()) return;
          await respond(turns.slice(0, lastUser + 1), { replaces: turns.slice(lastUser + 1) });
        },

        async branchFrom(index, position, tokenId) {
          const turns = get().turns;
          const turn = turns[index];
          if (!idle() || turn?.role !== 'assistant' || !turn.tokenIds) return;
          const step = turn.steps?.[position];
          const chosen = step?.candidates.find((candidate) => candidate.id === tokenId);
          const prefixSteps =
            turn.steps && step && chosen
              ? [
                  ...turn.steps.slice(0, position),
                  { ...step, id: tokenId, text: chosen.text, prob: chosen.prob },
                ]
              : null;
          await respond(turns.slice(0, index), {
            replaces: turns.slice(index),
            branch: { prefix: [...turn.tokenIds.slice(0, position), tokenId], prefixSteps },
          });
        },

        showVersion(index, version) {
          if (!idle()) return;
          set({ turns: switchVersion(get().turns, index, version) });
          void save();
        },

        showProbabilities: false,

        colouring: 'probability',

        setShowProbabilities(showProbabilities) {
          set({ showProbabilities });
        },

        setColouring(colouring) {
          set({ colouring });
        },

        async editAndResend(index, text) {
          const content = text.trim();
          if (!content || !idle() || get().turns[index]?.role !== 'user') return;
          await respond([...get().turns.slice(0, index), { role: 'user', content }]);
        },

        stop() {
          running?.cancel();
        },

        newChat() {
          show(null);
        },

        conversationId: crypto.randomUUID(),

        title: '',

        model: null,

        createdAt: Date.now(),

        conversations: [],

        fileError: null,

        async loadConversations(openLatest) {
          try {
            const conversations = await listConversations();

            set({ conversations });

            if (openLatest && conversations[0] && get().turns.length === 0) show(conversations[0]);
          } catch (error) {
            set({ fileError: `Could not read saved conversations: ${String(error)}` });
          }
        },

        openConversation(id) {
          if (!idle()) return;

          show(get().conversations.find((conversation) => conversation.id === id) ?? null);
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

          if (id === get().conversationId) show(null);

          set({ conversations: await listConversations() });
        },

        async importConversation(text) {
          try {
            const conversation = parseConversationFile(text);

            await saveConversation(conversation);

            set({ conversations: await listConversations(), fileError: null });

            show(conversation);
          } catch (error) {
            set({
              fileError:
                error instanceof ConversationFileError ? error.message : `Import failed: ${String(error)}`,
            });
          }
        },

        currentConversation() {
          const state = get();

          return {
            id: state.conversationId,

            title: state.title || titleFrom(state.turns),

            createdAt: state.createdAt,

            updatedAt: Date.now(),

            model: state.model,

            systemPrompt: state.systemPrompt,

            settings: state.settings,

            turns: state.turns,
          };
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
      };
    },
    {
      // Settings a student chose survive a reload (the conversations move to IndexedDB with their own store).
      name: 'glassbox-chat-settings',
      partialize: (state) => ({
        settings: state.settings,
        systemPrompt: state.systemPrompt,
        showProbabilities: state.showProbabilities,
        colouring: state.colouring,
      }),
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<
          Pick<ChatState, 'settings' | 'systemPrompt' | 'showProbabilities' | 'colouring'>
        >;
        return {
          ...current,
          settings: { ...DEFAULT_GENERATION, ...saved.settings },
          systemPrompt: typeof saved.systemPrompt === 'string' ? saved.systemPrompt : current.systemPrompt,
          showProbabilities: saved.showProbabilities === true,
          colouring: COLOURINGS.includes(saved.colouring as TokenColouring)
            ? (saved.colouring as TokenColouring)
            : current.colouring,
        };
      },
    },
  ),
);
