/**
 * KV-cache reuse across chat turns. The worker keeps the cache of the last generation with the token
 * ids it holds; the next prompt reuses the longest common prefix and computes only the rest. Any changed
 * history (an edit, a regenerate, a new system prompt) shortens that prefix, so invalidation is correct by
 * construction: the cache is cropped to what still matches, or dropped (and its GPU memory freed).
 *
 * Part of the engine worker; never imports UI modules.
 */
import { DynamicCache, Tensor } from '@huggingface/transformers';

export interface TurnCache {
  cache: DynamicCache;
  /** The token ids whose keys and values the cache holds, in order. */
  tokens: number[];
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length += 1;
  return length;
}

type TypedArray = Float32Array | Uint16Array;

/** The first `length` positions of a `[batch, heads, positions, headDim]` tensor (GPU tensors are read back). */
async function cropPositions(tensor: Tensor, length: number): Promise<Tensor> {
  const [batch = 1, heads = 1, positions = 0, headDim = 1] = tensor.dims;
  const data = (
    tensor.location === 'gpu-buffer' ? await tensor.ort_tensor.getData() : tensor.data
  ) as TypedArray;
  const cropped = new (data.constructor as new (size: number) => TypedArray)(
    batch * heads * length * headDim,
  );
  for (let row = 0; row < batch * heads; row += 1) {
    cropped.set(
      data.subarray(row * positions * headDim, (row * positions + length) * headDim),
      row * length * headDim,
    );
  }
  return new Tensor(tensor.type, cropped, [batch, heads, length, headDim]);
}

/**
 * The cache to pass to generate() for `promptIds`, and how many prompt tokens it saves. At least one
 * prompt token is always computed (the model needs logits for the last one).
 */
export async function reuseFor(
  previous: TurnCache | null,
  promptIds: readonly number[],
): Promise<{ cache: DynamicCache; reused: number }> {
  const keep = previous ? Math.min(commonPrefixLength(previous.tokens, promptIds), promptIds.length - 1) : 0;
  if (!previous || keep <= 0) {
    await previous?.cache.dispose();
    return { cache: new DynamicCache(), reused: 0 };
  }
  if (keep === previous.cache.get_seq_length()) return { cache: previous.cache, reused: keep };
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(previous.cache)) {
    if (name.startsWith('past_key_values.') && tensor instanceof Tensor)
      entries[name] = await cropPositions(tensor, keep);
  }
  await previous.cache.dispose();
  return { cache: new DynamicCache(entries), reused: keep };
}
