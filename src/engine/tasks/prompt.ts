/**
 * The token ids a conversation's prompt is made of. The chat template renders the messages to text and
 * the tokenizer splits that text, except for replies that carry the ids the model wrote: those are kept
 * as written. Re-tokenizing a reply's text can split it differently from how the model produced it
 * (merges it never chose, bytes of a character cut in two), and every such difference ends the KV cache's
 * match inside that reply, so each turn would recompute the previous reply. With the written ids, the
 * prompt of turn n+1 starts with exactly the tokens of turn n, and only the new message is computed.
 *
 * The prompt depends on the messages alone (their text and written ids), never on what the cache holds:
 * the same conversation gives the same prompt, after a reload or an import too.
 *
 *   promptIds(tokenizer, [user, { role: 'assistant', content: 'Hi!', tokenIds: [12, 7, 2] }, user2])
 *   // → the template's ids, with [12, 7] (the reply without its end-of-turn token) where "Hi!" stands
 *
 * Part of the engine worker; never imports UI modules.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ChatMessage } from '../protocol.ts';

export type PromptTokenizer = Pick<
  PreTrainedTokenizer,
  'apply_chat_template' | 'encode' | 'decode' | 'all_special_ids'
>;

/** The chat template's ids for `messages` with the generation prompt, re-tokenized from its text. */
export function templateIds(tokenizer: PromptTokenizer, messages: readonly ChatMessage[]): number[] {
  const { input_ids } = tokenizer.apply_chat_template(messages as ChatMessage[], {
    add_generation_prompt: true,
    return_dict: true,
    return_tensor: false,
  }) as unknown as { input_ids: number[] };
  return input_ids;
}

function templateText(tokenizer: PromptTokenizer, messages: readonly ChatMessage[]): string {
  return tokenizer.apply_chat_template(messages as ChatMessage[], {
    add_generation_prompt: true,
    tokenize: false,
  }) as string;
}

/**
 * Why the tokenizer's chat template cannot render a one-message conversation, or null when it can: checked
 * when the model loads, so a broken template is explained there and not at the first Send.
 */
export function chatTemplateProblem(tokenizer: PromptTokenizer): string | null {
  try {
    templateText(tokenizer, [{ role: 'user', content: 'Hello' }]);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The template's text, or null where the template refuses the messages (some insist that roles alternate). */
function renderedOrNull(tokenizer: PromptTokenizer, messages: readonly ChatMessage[]): string | null {
  try {
    return templateText(tokenizer, messages);
  } catch {
    return null;
  }
}

/** A reply's written ids without its end-of-turn tokens, if they decode to exactly its text. */
function writtenReply(tokenizer: PromptTokenizer, message: ChatMessage): number[] | null {
  if (message.role !== 'assistant' || !message.content || !message.tokenIds?.length) return null;
  const special = new Set(tokenizer.all_special_ids);
  const ids = [...message.tokenIds];
  while (ids.length > 0 && special.has(ids.at(-1) ?? -1)) ids.pop();
  try {
    return tokenizer.decode(ids, { skip_special_tokens: false }) === message.content ? ids : null;
  } catch {
    return null; // ids from another model's vocabulary
  }
}

/** The prompt's ids: the template's, with every reply whose written ids still match its text kept as written. */
export function promptIds(tokenizer: PromptTokenizer, messages: readonly ChatMessage[]): number[] {
  const retokenized = templateIds(tokenizer, messages);
  if (!messages.some((message) => message.role === 'assistant' && message.tokenIds?.length))
    return retokenized;
  const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
  const text = templateText(tokenizer, messages);
  const ids: number[] = [];
  let cursor = 0;
  messages.forEach((message, index) => {
    const written = writtenReply(tokenizer, message);
    if (!written) return;
    // The reply was written right after this: the conversation before it, with the generation prompt.
    const before = renderedOrNull(tokenizer, messages.slice(0, index));
    if (before === null) return;
    const start = before.length;
    if (start < cursor || !text.startsWith(before) || !text.startsWith(message.content, start)) return;
    ids.push(...encode(text.slice(cursor, start)), ...written);
    cursor = start + message.content.length;
  });
  if (cursor === 0) return retokenized;
  ids.push(...encode(text.slice(cursor)));
  // Another split of the same text, or nothing: a template that changes a reply's text is not spliced.
  const decoded = (tokens: number[]) => tokenizer.decode(tokens, { skip_special_tokens: false });
  return decoded(ids) === decoded(retokenized) ? ids : retokenized;
}
