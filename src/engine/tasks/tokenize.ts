/**
 * The tokens a model's tokenizer makes of a text, for any model: the loaded one's tokenizer, or one read
 * (and kept) for a model that is not loaded.
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import { AutoTokenizer, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { LoadedModel, TokenText } from '../protocol.ts';
import { useHost } from '../worker/runtime.ts';
import { inLoadQueue } from '../worker/scheduling.ts';
import { slots, tokenTexts } from '../worker/slots.ts';

const tokenizers = new Map<string, Promise<PreTrainedTokenizer>>();

/** The tokenizer of a loaded model, or one read for this (cached; tokenizer files are small). */
function tokenizerFor(host: string, modelId: string): Promise<PreTrainedTokenizer> {
  const matches = (loaded: LoadedModel | undefined) =>
    loaded?.spec.host === host && loaded.spec.id === modelId;
  if (slots.chat && matches(slots.chat.loaded)) return Promise.resolve(slots.chat.tokenizer);
  if (slots.embedding && matches(slots.embedding.loaded))
    return Promise.resolve(slots.embedding.extractor.tokenizer);
  const key = `${host} ${modelId}`;
  let tokenizer = tokenizers.get(key);
  if (!tokenizer) {
    // In the load queue: transformers.js reads the host from a global.
    tokenizer = inLoadQueue(() => {
      useHost(host);
      return AutoTokenizer.from_pretrained(modelId);
    });
    tokenizer.catch(() => tokenizers.delete(key));
    tokenizers.set(key, tokenizer);
  }
  return tokenizer;
}

export async function tokenize({
  host,
  modelId,
  text,
}: {
  host: string;
  modelId: string;
  text: string;
}): Promise<TokenText[]> {
  const tokenizer = await tokenizerFor(host, modelId);
  return tokenTexts(tokenizer, (tokenizer.encode(text) as number[]).map(Number));
}
