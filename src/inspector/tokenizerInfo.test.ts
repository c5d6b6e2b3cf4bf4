import { describe, expect, it } from 'vitest';
import { searchVocabulary, tokenizerInfo, vocabulary } from './tokenizerInfo.ts';

const BPE = {
  model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 } },
  added_tokens: [
    { id: 2, content: 'ab', special: false },
    { id: 3, content: '<|im_end|>', special: true },
  ],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel' },
};

describe('tokenizerInfo', () => {
  it('counts the vocabulary with the added tokens beyond it, and lists the special ones', () => {
    const info = tokenizerInfo(BPE, JSON.stringify({ chat_template: '{{ messages }}' }));
    expect(info).toEqual({
      type: 'BPE',
      vocabSize: 4,
      specialTokens: [{ id: 3, content: '<|im_end|>' }],
      normalizer: null,
      preTokenizer: 'ByteLevel',
      chatTemplate: '{{ messages }}',
    });
  });

  it('reads a Unigram vocabulary, a list of [token, score] pairs', () => {
    const unigram = {
      model: {
        vocab: [
          ['▁the', -1],
          ['s', -2],
        ],
      },
    };
    expect(tokenizerInfo(unigram, null)).toMatchObject({ type: 'Unigram', vocabSize: 2, chatTemplate: null });
    expect(vocabulary(unigram)).toEqual(['▁the', 's']);
  });
});

describe('searchVocabulary', () => {
  it('finds tokens by text in any case, or by id, and pages the matches', () => {
    const tokens = vocabulary(BPE);
    expect(searchVocabulary(tokens, 'AB', 10).entries).toEqual([{ id: 2, token: 'ab' }]);
    expect(searchVocabulary(tokens, '3', 10).entries).toEqual([{ id: 3, token: '<|im_end|>' }]);
    expect(searchVocabulary(tokens, '', 2)).toEqual({
      entries: [
        { id: 0, token: 'a' },
        { id: 1, token: 'b' },
      ],
      matches: 4,
    });
  });
});
