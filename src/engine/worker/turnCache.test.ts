import { DynamicCache, Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { commonPrefixLength, reuseFor } from './turnCache.ts';

/** A one-layer cache over `positions` tokens, [1, 2 heads, positions, 3], values encoding head and position. */
function cacheOf(positions: number): DynamicCache {
  const values = (offset: number) => Float32Array.from({ length: 2 * positions * 3 }, (_, i) => offset + i);
  return new DynamicCache({
    'past_key_values.0.key': new Tensor('float32', values(0), [1, 2, positions, 3]),
    'past_key_values.0.value': new Tensor('float32', values(1000), [1, 2, positions, 3]),
  });
}

describe('commonPrefixLength', () => {
  it('counts the tokens two sequences share from the start', () => {
    expect(commonPrefixLength([1, 2, 3, 4], [1, 2, 9])).toBe(2);
    expect(commonPrefixLength([], [1])).toBe(0);
    expect(commonPrefixLength([1, 2], [1, 2, 3])).toBe(2);
  });
});

describe('reuseFor', () => {
  it('starts an empty cache when there is nothing to reuse', async () => {
    const { cache, reused } = await reuseFor(null, [1, 2, 3]);
    expect(reused).toBe(0);
    expect(cache.get_seq_length()).toBe(0);
  });

  it('reuses the whole cache when it is a prefix of the new prompt', async () => {
    const previous = { cache: cacheOf(4), tokens: [5, 6, 7, 8] };
    const { cache, reused } = await reuseFor(previous, [5, 6, 7, 8, 9, 10]);
    expect(reused).toBe(4);
    expect(cache).toBe(previous.cache);
  });

  it('crops the cache to the common prefix, keeping each head’s first positions', async () => {
    const previous = { cache: cacheOf(4), tokens: [5, 6, 7, 8] };
    const { cache, reused } = await reuseFor(previous, [5, 6, 99, 100]);
    expect(reused).toBe(2);
    const key = (cache as unknown as Record<string, Tensor>)['past_key_values.0.key'];
    expect(key?.dims).toEqual([1, 2, 2, 3]);
    // head 0 positions 0-1 are values 0..5; head 1 starts at 4 positions × 3 = 12
    expect(Array.from(key?.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
  });

  it('always leaves the last prompt token to compute, and drops a cache that shares nothing', async () => {
    expect((await reuseFor({ cache: cacheOf(3), tokens: [1, 2, 3] }, [1, 2, 3])).reused).toBe(2);
    expect((await reuseFor({ cache: cacheOf(3), tokens: [1, 2, 3] }, [7, 8])).reused).toBe(0);
  });
});
