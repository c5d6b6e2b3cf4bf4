/**
 * Sentence vectors: the encoder runs batch by batch (cancellable in between), its token vectors are pooled
 * with the attention mask (or the model's own pooled output is read) and normalized; and one sentence's
 * token vectors before pooling, for the pooling view.
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import type { Tensor } from '@huggingface/transformers';
import { EMBED_BATCH_SIZE, PROGRESS_INTERVAL_MS } from '../../core/settings.ts';
import { nextTask } from '../../lib/nextTask.ts';
import { throttled } from '../../lib/throttle.ts';
import { Transfer, type CallContext } from '../../lib/workerRpc.ts';
import { EngineError, runtimeFailure } from '../errors.ts';
import { normalizeRows, pool } from '../pooling.ts';
import type { EmbedRequest, EmbeddingResult, TokenVectors } from '../protocol.ts';
import { loadedEmbedding, startUse, tokenTexts, type EmbeddingSlot } from '../worker/slots.ts';

/** A tensor's values as float32: fp16 exports (keep_io_types off) answer in float16. */
const float32Data = (tensor: Tensor): Float32Array =>
  (tensor.type === 'float16' ? tensor.to('float32') : tensor).data as Float32Array;

/** Tokenizes a batch and runs the encoder: the model's outputs and the attention mask. */
async function encode(slot: EmbeddingSlot, sentences: string[]) {
  const { tokenizer, model } = slot.extractor;
  const inputs = tokenizer(sentences, { padding: true, truncation: true }) as {
    input_ids: Tensor;
    attention_mask: Tensor;
  };
  const outputs = (await model(inputs).catch((error: unknown) => {
    throw runtimeFailure(error, { modelId: slot.loaded.spec.id });
  })) as Record<string, Tensor | undefined>;
  const hidden = outputs['last_hidden_state'] ?? outputs['token_embeddings'];
  if (!hidden)
    throw new EngineError('unsupported-model', 'This model returns no token vectors (last_hidden_state).');
  const dispose = () => Object.values(outputs).forEach((tensor) => tensor?.dispose());
  return { inputs, outputs, hidden, dispose };
}

export async function embed(
  { sentences, pooling, normalize, useModelPooling, batchSize: requested }: EmbedRequest,
  { signal, progress }: CallContext<{ done: number; total: number }>,
): Promise<Transfer<EmbeddingResult>> {
  const slot = loadedEmbedding();
  if (sentences.length === 0) throw new EngineError('bad-request', 'There is no sentence to embed.');
  const batchSize = requested ?? EMBED_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new EngineError('bad-request', `The batch size must be a whole number from 1, not ${batchSize}.`);
  let vectors: Float32Array | null = null;
  let dimensions = 0;
  let modelPooled = false;
  const report = throttled(
    (done: number) => progress({ done, total: sentences.length }),
    PROGRESS_INTERVAL_MS,
  );
  // A new embedding model loaded meanwhile stops this run between batches, before this model is let go.
  let replaced = false;
  const endUse = startUse('embedding', () => (replaced = true));
  try {
    for (let start = 0; start < sentences.length; start += batchSize) {
      await nextTask(); // a batch can finish in microtasks: let a cancel in between batches
      if (signal.aborted) throw new EngineError('cancelled', 'Embedding was cancelled.');
      if (replaced)
        throw new EngineError(
          'cancelled',
          'Embedding stopped because another embedding model was loaded. Embed again to use it.',
        );
      const batch = sentences.slice(start, start + batchSize);
      const { inputs, outputs, hidden, dispose } = await encode(slot, batch);
      try {
        const own = useModelPooling ? outputs['sentence_embedding'] : undefined;
        modelPooled = own !== undefined;
        const [, tokens = 0, width = 0] = hidden.dims;
        // Pooled here with the attention mask (transformers.js' last_token pooling would read padding).
        const pooled = own
          ? Float32Array.from(float32Data(own))
          : pool(
              float32Data(hidden),
              inputs.attention_mask.data as BigInt64Array,
              batch.length,
              tokens,
              width,
              pooling,
            );
        dimensions = own ? (own.dims.at(-1) ?? 0) : width;
        if (normalize) normalizeRows(pooled, dimensions);
        vectors ??= new Float32Array(sentences.length * dimensions);
        vectors.set(pooled, start * dimensions);
      } finally {
        dispose();
      }
      report(start + batch.length);
    }
  } finally {
    endUse();
  }
  const result = { vectors: vectors ?? new Float32Array(), dimensions, pooling, normalize, modelPooled };
  return new Transfer(result, [result.vectors.buffer]);
}

export async function embedTokens({ sentence }: { sentence: string }): Promise<Transfer<TokenVectors>> {
  const slot = loadedEmbedding();
  // One pass, too short to stop: a new model waits for it before this one is let go.
  const endUse = startUse('embedding', () => {});
  try {
    const { inputs, hidden, dispose } = await encode(slot, [sentence]);
    try {
      const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
      const vectors = Float32Array.from(float32Data(hidden));
      const result = {
        tokens: tokenTexts(slot.extractor.tokenizer, ids),
        vectors,
        dimensions: hidden.dims.at(-1) ?? 0,
      };
      return new Transfer(result, [vectors.buffer]);
    } finally {
      dispose();
    }
  } finally {
    endUse();
  }
}
