import { describe, expect, it } from 'vitest';
import { normalizeRows, pool } from './pooling.ts';

// Two sentences of a padded batch: the second has one real token less.
const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, /* second */ 10, 20, 30, 40, 99, 99]);
const mask = [1, 1, 1, 1, 1, 0];

describe('pooling', () => {
  it('averages only the real tokens', () => {
    expect(Array.from(pool(hidden, mask, 2, 3, 2, 'mean'))).toEqual([3, 4, 20, 30]);
  });

  it('reads the first token, or the last real one (never padding)', () => {
    expect(Array.from(pool(hidden, mask, 2, 3, 2, 'cls'))).toEqual([1, 2, 10, 20]);
    expect(Array.from(pool(hidden, mask.map(BigInt), 2, 3, 2, 'last_token'))).toEqual([5, 6, 30, 40]);
  });

  it('normalizes rows to unit length and leaves zero rows alone', () => {
    expect(Array.from(normalizeRows(Float32Array.from([3, 4, 0, 0]), 2))).toEqual(
      [0.6, 0.8, 0, 0].map(Math.fround),
    );
  });
});
