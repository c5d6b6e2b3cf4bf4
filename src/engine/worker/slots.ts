/**
 * The models the engine worker holds: one chat model and one embedding model side by side, each with
 * what its tasks need; and the token texts every task shows.
 *
 * Part of the engine worker; never imports UI modules.
 */
import type {
  FeatureExtractionPipeline,
  PreTrainedModel,
  PreTrainedTokenizer,
} from '@huggingface/transformers';
import type { ModelSlot } from '../../core/model.ts';
import { EngineError } from '../errors.ts';
import type { LoadedModel, TokenText } from '../protocol.ts';
import type { TurnCache } from './turnCache.ts';

export interface ChatSlot {
  loaded: LoadedModel;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  /** The KV cache of the last reply, reused by the next turn where the prompt still matches. */
  turnCache: TurnCache | null;
  /**
   * The stored graph the runtime built the model from (the download, or its CPU form) and its external
   * data files, by the name the graph gives them: what Look inside instruments.
   */
  graph: { path: string; data: { location: string; path: string }[] };
}

export interface EmbeddingSlot {
  loaded: LoadedModel;
  extractor: FeatureExtractionPipeline;
}

/** The loaded models; a load replaces its slot only once the new model is ready. */
export const slots: { chat: ChatSlot | null; embedding: EmbeddingSlot | null } = {
  chat: null,
  embedding: null,
};

/** A request running on a slot's model: it can be asked to stop, and says when it has ended. */
interface Use {
  stop(): void;
  ended: Promise<void>;
}

const uses: Record<ModelSlot, Set<Use>> = { chat: new Set(), embedding: new Set() };

/**
 * Registers a request running on `slot`'s model; `stop` asks it to end early. Call the returned function
 * when it has ended, whatever the outcome.
 */
export function startUse(slot: ModelSlot, stop: () => void): () => void {
  let end = () => {};
  const use: Use = { stop, ended: new Promise<void>((resolve) => (end = resolve)) };
  uses[slot].add(use);
  return () => {
    uses[slot].delete(use);
    end();
  };
}

/** Stops every request running on `slot`'s model and waits until they have ended, before it is let go. */
export async function stopUses(slot: ModelSlot): Promise<void> {
  const running = [...uses[slot]];
  for (const use of running) use.stop();
  await Promise.all(running.map((use) => use.ended));
}

export function loadedChat(): ChatSlot {
  if (!slots.chat)
    throw new EngineError('no-model-loaded', 'No chat model is loaded. Pick one in the header first.');
  return slots.chat;
}

export function loadedEmbedding(): EmbeddingSlot {
  if (!slots.embedding) {
    throw new EngineError('no-model-loaded', 'No embedding model is loaded. Pick one in the header first.');
  }
  return slots.embedding;
}

/** Each id's text on its own, special tokens included; each distinct id is decoded once. */
export function tokenTexter(tokenizer: PreTrainedTokenizer): (id: number) => string {
  const texts = new Map<number, string>();
  return (id) => {
    let text = texts.get(id);
    if (text === undefined) {
      text = tokenizer.decode([id], { skip_special_tokens: false });
      texts.set(id, text);
    }
    return text;
  };
}

export function tokenTexts(tokenizer: PreTrainedTokenizer, ids: readonly number[]): TokenText[] {
  const text = tokenTexter(tokenizer);
  return ids.map((id) => ({ id, text: text(id) }));
}
