/**
 * A chat reply: the prompt that fits the context (kept ids, KV cache reused from the last turn), generated
 * token by token with the user's sampling settings, streamed as events, stoppable between tokens; and the
 * same prompt rendered without generating ("What the model sees").
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import { InterruptableStoppingCriteria, Tensor, type DynamicCache } from '@huggingface/transformers';
import { FALLBACK_CONTEXT_LENGTH } from '../../core/settings.ts';
import type { CallContext } from '../../lib/workerRpc.ts';
import { EngineError, runtimeFailure } from '../errors.ts';
import type { ChatMessage, GenerateRequest, GeneratedReply, PromptView, TokenEvent } from '../protocol.ts';
import { loadedChat, slots, startUse, tokenTexts, type ChatSlot } from '../worker/slots.ts';
import { reuseFor } from '../worker/turnCache.ts';
import { fitToContext } from './contextPolicy.ts';
import { promptIds } from './prompt.ts';
import { StepRecorder, TokenEventStreamer, samplingOf } from './sampling.ts';

/** The model's context length as its config states it. */
function contextLengthOf(config: Record<string, unknown>): number {
  for (const key of ['max_position_embeddings', 'n_positions', 'max_sequence_length', 'seq_length']) {
    const value = config[key];
    if (typeof value === 'number' && value > 0) return value;
  }
  return FALLBACK_CONTEXT_LENGTH;
}

/** The messages that fit the context (oldest turns dropped first, system prompt kept) and their token ids. */
export function fitPrompt(slot: ChatSlot, messages: ChatMessage[], maxNewTokens: number) {
  const contextLength = contextLengthOf(slot.loaded.config);
  const reserve = Math.min(maxNewTokens, Math.floor(contextLength / 2));
  let ids: number[] = [];
  // fitToContext counts the messages it returns last: their ids are the prompt.
  const fitted = fitToContext(messages, (candidate) => (ids = promptIds(slot.tokenizer, candidate)).length, {
    contextLength,
    reserve,
  });
  return { ids, dropped: fitted.dropped, overflows: fitted.overflows, contextLength, reserve };
}

export function render({
  messages,
  maxNewTokens,
}: {
  messages: ChatMessage[];
  maxNewTokens: number;
}): PromptView {
  const slot = loadedChat();
  const { tokenizer } = slot;
  const prompt = fitPrompt(slot, messages, maxNewTokens);
  return {
    text: tokenizer.decode(prompt.ids, { skip_special_tokens: false }),
    tokens: tokenTexts(tokenizer, prompt.ids),
    contextLength: prompt.contextLength,
    reserved: prompt.reserve,
    droppedMessages: prompt.dropped,
    overflows: prompt.overflows,
  };
}

function checkPrefix(prefix: number[], vocabularySize: number): void {
  const bad = prefix.find(
    (tokenId) => !Number.isInteger(tokenId) || tokenId < 0 || tokenId >= vocabularySize,
  );
  if (bad !== undefined) {
    throw new EngineError(
      'bad-request',
      `Token id ${bad} is not in this model's vocabulary (0–${vocabularySize - 1}).`,
    );
  }
}

export async function generate(
  { messages, options, prefix, recordSteps }: GenerateRequest,
  { signal, progress }: CallContext<TokenEvent>,
): Promise<GeneratedReply> {
  const slot = loadedChat();
  const { tokenizer, model, loaded } = slot;
  const started = performance.now();
  const prompt = fitPrompt(slot, messages, options.maxNewTokens);
  if (prompt.overflows) {
    throw new EngineError(
      'bad-request',
      `The newest message and the system prompt alone take ${prompt.ids.length} tokens, more than ${loaded.spec.id} can read (${prompt.contextLength} tokens, ${options.maxNewTokens} kept for the reply). Shorten the message or the system prompt, or lower max new tokens.`,
    );
  }
  checkPrefix(prefix, Number(loaded.config['vocab_size'] ?? Infinity));
  const inputIds = [...prompt.ids, ...prefix];
  const { cache, reused } = await reuseFor(slot.turnCache, inputIds);
  slot.turnCache = null;
  // Cancel means Stop: the reply ends after the token being generated, and is still answered.
  const stopper = new InterruptableStoppingCriteria();
  if (signal.aborted) stopper.interrupt();
  signal.addEventListener('abort', () => stopper.interrupt(), { once: true });
  // A new chat model loaded meanwhile stops this reply the same way, before this model is let go.
  const endUse = startUse('chat', () => stopper.interrupt());

  const recorder = recordSteps ? new StepRecorder() : null;
  const tokenIds: number[] = [];
  let text = '';
  let firstTokenAt = 0;
  const streamer = new TokenEventStreamer(tokenizer, prefix, (ids, piece, generated) => {
    if (generated && !firstTokenAt) firstTokenAt = performance.now();
    if (generated) for (const tokenId of ids) recorder?.chose(tokenId);
    tokenIds.push(...ids);
    text += piece;
    progress({ tokenIds: ids, text: piece });
  });
  try {
    const output = (await model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(inputIds, BigInt), [1, inputIds.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(inputIds.length).fill(1n), [1, inputIds.length]),
      past_key_values: cache,
      return_dict_in_generate: true,
      // A branch's prefix counts against the reply's budget, as it would have when first generated.
      max_new_tokens: Math.max(1, options.maxNewTokens - prefix.length),
      ...samplingOf(options, recorder),
      streamer,
      stopping_criteria: stopper,
    })) as { sequences: Tensor; past_key_values: DynamicCache };
    const sequence = Array.from(output.sequences.data as BigInt64Array, Number);
    if (slots.chat === slot) {
      slot.turnCache = {
        cache: output.past_key_values,
        tokens: sequence.slice(0, output.past_key_values.get_seq_length()),
      };
    } else {
      await output.past_key_values.dispose(); // the model changed while generating
    }
  } catch (error) {
    await cache.dispose();
    throw runtimeFailure(error, { modelId: loaded.spec.id });
  } finally {
    endUse();
  }
  const finished = performance.now();
  const firstToken = firstTokenAt || finished;
  const decodeMs = finished - firstToken;
  const computed = inputIds.length - reused;
  const generatedTokens = tokenIds.length - prefix.length;
  return {
    tokenIds,
    text,
    steps: recorder?.steps(tokenizer) ?? null,
    stopped: stopper.interrupted,
    stats: {
      promptTokens: inputIds.length,
      reusedPromptTokens: reused,
      droppedMessages: prompt.dropped,
      generatedTokens,
      timeToFirstTokenMs: firstToken - started,
      prefillTokensPerSecond: firstToken > started ? (computed * 1000) / (firstToken - started) : 0,
      totalMs: finished - started,
      decodeTokensPerSecond:
        generatedTokens > 1 && decodeMs > 0 ? ((generatedTokens - 1) * 1000) / decodeMs : 0,
      backend: loaded.backend,
      dtype: loaded.spec.dtype,
    },
  };
}
