/**
 * What a tokenizer.json says about itself, and its vocabulary searched by text or id: plain functions of
 * the parsed file, run in the inspector worker.
 *
 *   tokenizerInfo(json, tokenizerConfigText).vocabSize            // → 32000
 *   searchVocabulary(vocabulary(json), '<|im_end|>', 120).matches  // → 1
 */
import type { TokenizerInfo, VocabularyPage } from './protocol.ts';

export function tokenizerInfo(json: Record<string, unknown>, configText: string | null): TokenizerInfo {
  const model = (json['model'] ?? {}) as { type?: string; vocab?: unknown };
  const added = Array.isArray(json['added_tokens'])
    ? (json['added_tokens'] as { id: number; content: string; special?: boolean }[])
    : [];
  const vocab = model.vocab;
  const vocabSize = Array.isArray(vocab)
    ? vocab.length
    : vocab && typeof vocab === 'object'
      ? Object.keys(vocab).length
      : 0;
  const typeOf = (value: unknown) => (value as { type?: string } | null)?.type ?? null;
  const config = configText ? (JSON.parse(configText) as { chat_template?: unknown }) : {};
  const addedOutside = added.filter((token) => token.id >= vocabSize).length;
  return {
    type: model.type ?? (Array.isArray(vocab) ? 'Unigram' : 'unknown'),
    vocabSize: vocabSize + addedOutside,
    specialTokens: added.filter((token) => token.special).map(({ id, content }) => ({ id, content })),
    normalizer: typeOf(json['normalizer']),
    preTokenizer: typeOf(json['pre_tokenizer']),
    chatTemplate: typeof config.chat_template === 'string' ? config.chat_template : null,
  };
}

/** Every token's text by id: the model's vocabulary, then the added tokens. */
export function vocabulary(json: Record<string, unknown>): string[] {
  const model = (json['model'] ?? {}) as { vocab?: unknown };
  const tokens: string[] = [];
  if (Array.isArray(model.vocab))
    model.vocab.forEach((entry: unknown, id) => (tokens[id] = String((entry as unknown[])[0])));
  else if (model.vocab && typeof model.vocab === 'object') {
    for (const [token, id] of Object.entries(model.vocab as Record<string, number>)) tokens[id] = token;
  }
  for (const added of (json['added_tokens'] ?? []) as { id: number; content: string }[])
    tokens[added.id] = added.content;
  return tokens;
}

/** Tokens whose text contains `query` (any case), or whose id it is; the first `limit` of them. */
export function searchVocabulary(tokens: readonly string[], query: string, limit: number): VocabularyPage {
  const needle = query.trim().toLowerCase();
  const asId = /^\d+$/.test(needle) ? Number(needle) : null;
  const matches: { id: number; token: string }[] = [];
  tokens.forEach((token, tokenId) => {
    if (!needle || tokenId === asId || token.toLowerCase().includes(needle))
      matches.push({ id: tokenId, token });
  });
  return { entries: matches.slice(0, limit), matches: matches.length };
}
