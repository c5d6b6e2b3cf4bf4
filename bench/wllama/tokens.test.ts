import { describe, expect, it } from 'vitest';
import { peerVocabulary } from './tokens.ts';

describe("the CPU peer's view of the forged tokenizer", () => {
  // Byte-level symbols: Ġ is a space, Ã is the byte 0xC3 (half of é), Ã© is é whole.
  const vocabulary = peerVocabulary({
    model: { vocab: { '<|im_start|>': 0, Ġthe: 1, Ã: 2, 'Ã©': 3, Ċ: 4 } },
  });

  it('gives the text of token ids, special tokens as written', () => {
    expect(vocabulary.text([0, 1, 4, 3])).toBe('<|im_start|> the\né');
  });

  it('bans the tokens that are not UTF-8 on their own', () => {
    expect(vocabulary.notUtf8).toEqual([2]);
  });
});
