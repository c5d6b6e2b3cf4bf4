/**
 * Named views of the chat store, computed from what is stored.
 *
 *   const generating = useChatStore(selectGenerating);
 *   const conversation = conversationOf(useChatStore.getState()); // what Export writes
 */
import type { ChatMessage } from '../engine/protocol.ts';
import { titleFrom } from './conversationFile.ts';
import type { ChatState, Conversation } from './types.ts';

/** Whether a reply is being streamed (a new request waits until it ends). */
export const selectGenerating = (state: Pick<ChatState, 'streaming'>): boolean => state.streaming !== null;

/** The open conversation as it is saved and exported. */
export function conversationOf(
  state: Pick<
    ChatState,
    'conversationId' | 'title' | 'createdAt' | 'model' | 'systemPrompt' | 'settings' | 'turns'
  >,
  now = Date.now(),
): Conversation {
  return {
    id: state.conversationId,
    title: state.title || titleFrom(state.turns),
    createdAt: state.createdAt,
    updatedAt: now,
    model: state.model,
    systemPrompt: state.systemPrompt,
    settings: state.settings,
    turns: state.turns,
  };
}

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
