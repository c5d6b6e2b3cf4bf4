/**
 * What to send when a conversation no longer fits the model's context: the stated policy is to drop the
 * oldest turns (a user turn with its reply) and always keep the system prompt and the newest user turn.
 *
 *   fitToContext(messages, (m) => tokenize(m).length, { contextLength: 2048, reserve: 128 })
 *   // → { messages: [system, …newest turns], dropped: 2, tokens: 1870 }
 */
import type { ChatMessage } from '../protocol.ts';

export interface FittedConversation {
  messages: ChatMessage[];
  /** Messages left out, oldest first. */
  dropped: number;
  /** Prompt tokens of what is sent. */
  tokens: number;
  /** True when even the system prompt and the newest turn exceed the budget. */
  overflows: boolean;
}

/** The last call of `countTokens` is for the messages returned. */
export function fitToContext(
  messages: readonly ChatMessage[],
  countTokens: (messages: ChatMessage[]) => number,
  { contextLength, reserve }: { contextLength: number; reserve: number },
): FittedConversation {
  const budget = contextLength - reserve;
  const system = messages.filter((message) => message.role === 'system');
  let rest = messages.filter((message) => message.role !== 'system');
  let tokens = countTokens([...system, ...rest]);
  let dropped = 0;
  while (tokens > budget && rest.length > 1) {
    // Drop the oldest turn: a user message and the reply that follows it.
    const cut = rest[0]?.role === 'user' && rest[1]?.role === 'assistant' && rest.length > 2 ? 2 : 1;
    rest = rest.slice(cut);
    dropped += cut;
    tokens = countTokens([...system, ...rest]);
  }
  return { messages: [...system, ...rest], dropped, tokens, overflows: tokens > budget };
}
