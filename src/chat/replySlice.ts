/**
 * The reply slice of the chat store: sending a message, regenerating, editing and resending, branching
 * from a token, and the reply streamed as it is generated. A reply that replaces an earlier tail keeps
 * that tail as another version (versions.ts).
 */
import type { StateCreator } from 'zustand';
import type { TokenStep } from '../engine/protocol.ts';
import { messageOf } from '../lib/errors.ts';
import type { Running } from '../lib/workerRpc.ts';
import { engine } from '../session/engine.ts';
import { recordDecodeSpeed } from '../session/measuredSpeeds.ts';
import { selectLoaded } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';
import { requestMessages, selectGenerating } from './selectors.ts';
import type { ChatState, ChatTurn, ReplySlice } from './types.ts';
import { switchVersion, withNewVersion } from './versions.ts';

/** How a reply is continued from a chosen token instead of the one the model picked. */
interface Branch {
  /** Reply tokens up to and including the chosen one. */
  prefix: number[];
  /** Their recorded steps, or null when they were not recorded. */
  prefixSteps: TokenStep[] | null;
}

let running: Running<unknown> | null = null;
/** Whether the person asked the running reply to stop (a reply can also stop because the model changed). */
let stopAsked = false;

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

export const createReplySlice: StateCreator<ChatState, [], [], ReplySlice> = (set, get) => {
  /**
   * Generates the assistant's reply to `turns` (which end with a user turn) and appends it. A reply
   * that `replaces` an earlier tail keeps that tail as another version; if generating fails, the
   * conversation is put back as it was.
   */
  async function respond(
    turns: ChatTurn[],
    {
      replaces = [],
      branch = null,
      edited = [],
    }: {
      replaces?: ChatTurn[];
      branch?: Branch | null;
      /** The tail an edited message replaces (from the old message on): kept as another version of it. */
      edited?: ChatTurn[];
    } = {},
  ): Promise<void> {
    set({ turns, streaming: '', streamingTokens: 0, error: null, notice: null });
    // A new chat opened meanwhile (which stops this reply) must not receive it.
    const conversationId = get().conversationId;
    const stillOpen = () => get().conversationId === conversationId;
    // The new message is kept even if the reply never comes (a new chat, a closed tab); a replaced
    // tail is not hidden in storage while its replacement is generated.
    if (replaces.length === 0 && edited.length === 0) void get().save();
    const batch = frameBatcher((piece, count) =>
      set((state) => ({
        streaming: (state.streaming ?? '') + piece,
        streamingTokens: state.streamingTokens + count,
      })),
    );
    const loaded = selectLoaded('chat')(useAppStore.getState());
    const author = loaded?.spec.id ?? null;
    const request = engine.generate(
      requestMessages(get().systemPrompt, turns),
      get().settings,
      (token) => batch.push(token.text, token.tokenIds.length),
      { prefix: branch?.prefix ?? [], recordSteps: get().showProbabilities },
    );
    running = request;
    stopAsked = false;
    try {
      const reply = await request.done;
      if (loaded) recordDecodeSpeed(loaded.spec.id, reply.stats, loaded.threads);
      if (reply.stopped && !stopAsked && stillOpen())
        set({
          notice:
            'The reply stopped because another chat model was loaded. Its text so far is kept; Regenerate writes it again with the new model.',
        });
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
        set((state) => {
          if (edited.length === 0)
            return {
              turns: [...state.turns, ...withNewVersion(replaces, turn)],
              model: author ?? state.model,
            };
          // The edited message and its reply are the newest version of that position; the old tail stays.
          const asked = state.turns.at(-1);
          const before = state.turns.slice(0, -1);
          return {
            turns: asked ? [...before, ...withNewVersion(edited, asked), turn] : state.turns,
            model: author ?? state.model,
          };
        });
      }
    } catch (error) {
      if (!stillOpen()) return;
      set((state) => ({
        turns: edited.length > 0 ? [...state.turns.slice(0, -1), ...edited] : [...state.turns, ...replaces],
        error: messageOf(error),
      }));
    } finally {
      batch.flush();
      running = null;
      set({ streaming: null, streamingTokens: 0 });
    }
    if (stillOpen()) await get().save();
  }

  const idle = () => !selectGenerating(get());

  return {
    turns: [],
    streaming: null,
    streamingTokens: 0,
    error: null,

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

    async editAndResend(index, text) {
      const content = text.trim();
      const turns = get().turns;
      if (!content || !idle() || turns[index]?.role !== 'user') return;
      await respond([...turns.slice(0, index), { role: 'user', content }], { edited: turns.slice(index) });
    },

    async branchFrom(index, position, tokenId) {
      const turns = get().turns;
      const turn = turns[index];
      if (!idle() || turn?.role !== 'assistant' || !turn.tokenIds) return;
      const step = turn.steps?.[position];
      const chosen = step?.candidates.find((candidate) => candidate.id === tokenId);
      const prefixSteps =
        turn.steps && step && chosen
          ? [...turn.steps.slice(0, position), { ...step, id: tokenId, text: chosen.text, prob: chosen.prob }]
          : null;
      await respond(turns.slice(0, index), {
        replaces: turns.slice(index),
        branch: { prefix: [...turn.tokenIds.slice(0, position), tokenId], prefixSteps },
      });
    },

    showVersion(index, version) {
      if (!idle()) return;
      set({ turns: switchVersion(get().turns, index, version) });
      void get().save();
    },

    stop() {
      stopAsked = true;
      running?.cancel();
    },
  };
};
