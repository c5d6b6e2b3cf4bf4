import { describe, expect, it } from 'vitest';
import { chatMessage, decoderWorkload, encoderWorkload, texts, WORKLOAD } from './workloads.ts';

const corpus = Array.from({ length: 5000 }, (_, i) => `w${i}`);
const configuration = {
  spec: { host: 'http://mirror', id: 'org/model', dtype: 'q8', task: 'text-generation' },
  backend: 'wasm',
  threads: 2,
} as const;

describe('bench workloads', () => {
  it('cuts texts of whole corpus words from places 997 words apart, wrapping around', () => {
    expect(texts(corpus, 2, 3, 10)).toEqual(['w10 w11 w12', 'w1007 w1008 w1009']);
    expect(texts(corpus, 1, 3, 4998)).toEqual(['w4998 w4999 w0']);
    expect(texts(['a', 'b'], 1, 5, 0)).toEqual(['a b a b a']);
  });

  it('gives every decoder run its own prompts and a whole scripted conversation', () => {
    const workload = decoderWorkload({ ...configuration }, 3, corpus);
    expect(workload).toMatchObject({ ...configuration, decodeTokens: 128, replyTokens: 2 });
    expect(workload.warmUpText.split(' ')).toHaveLength(WORKLOAD.prefillPromptTokens);
    expect(new Set(workload.decodeTexts).size).toBe(3);
    expect(new Set(workload.prefillTexts).size).toBe(3);
    expect(workload.conversations).toHaveLength(3);
    for (const conversation of workload.conversations) expect(conversation).toHaveLength(WORKLOAD.turns);
  });

  it('embeds the same sentences at every batch size', () => {
    const workload = encoderWorkload({ ...configuration }, 4, corpus);
    expect(workload).toMatchObject({ runs: 4, batchSizes: [1, 16, 32] });
    expect(workload.sentences).toHaveLength(WORKLOAD.sentences);
    expect(workload.sentences[0]?.split(' ')).toHaveLength(WORKLOAD.sentenceWords);
  });

  it('types a different chat message each run', () => {
    expect(chatMessage(corpus, 0)).not.toBe(chatMessage(corpus, 1));
    expect(chatMessage(corpus, 1).split(' ')).toHaveLength(24);
  });
});
