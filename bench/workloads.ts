/**
 * What the page runs: the workload sizes and the texts, cut from the forge's corpus, for chat, embeddings and
 * the chat panel.
 *
 *   decoderWorkload(configurationOf(setup, spec), 3, corpusWords()) // → the page's DecoderWorkload
 */
import type { Configuration, DecoderWorkload, EncoderWorkload } from '../src/app/benchmarkPage.ts';
import { loadCorpus } from '../tools/forge/tokenizers/configs.ts';

export const WORKLOAD = {
  decodePromptTokens: 32,
  decodeTokens: 128,
  prefillPromptTokens: 512,
  turns: 10,
  replyTokens: 2,
  sentences: 256,
  sentenceWords: 42,
  batchSizes: [1, 16, 32],
};
/** The turns of the scripted conversation whose time to first token the report shows. */
export const REPORTED_TURNS = [1, WORKLOAD.turns];

/** The corpus the forge trains its tokenizers on, as words: the prompts and sentences are cut from it. */
export function corpusWords(): string[] {
  return loadCorpus().split(/\s+/).filter(Boolean);
}

/** `count` texts of `words` words each, from different places of the corpus (wrapping around). */
export function texts(corpus: readonly string[], count: number, words: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const start = (offset + i * 997) % corpus.length;
    return Array.from({ length: words }, (_, w) => corpus[(start + w) % corpus.length]).join(' ');
  });
}

export function decoderWorkload(
  configuration: Configuration,
  runs: number,
  corpus: readonly string[],
): DecoderWorkload {
  return {
    ...configuration,
    warmUpText: texts(corpus, 1, WORKLOAD.prefillPromptTokens, 3001)[0] ?? '',
    decodeTexts: texts(corpus, runs, WORKLOAD.decodePromptTokens, 11),
    decodePromptTokens: WORKLOAD.decodePromptTokens,
    decodeTokens: WORKLOAD.decodeTokens,
    prefillTexts: texts(corpus, runs, WORKLOAD.prefillPromptTokens, 5003),
    prefillPromptTokens: WORKLOAD.prefillPromptTokens,
    conversations: Array.from({ length: runs }, (_, run) =>
      texts(corpus, WORKLOAD.turns, 16, 20011 + run * 131),
    ),
    replyTokens: WORKLOAD.replyTokens,
  };
}

export function encoderWorkload(
  configuration: Configuration,
  runs: number,
  corpus: readonly string[],
): EncoderWorkload {
  return {
    ...configuration,
    sentences: texts(corpus, WORKLOAD.sentences, WORKLOAD.sentenceWords, 307),
    batchSizes: WORKLOAD.batchSizes,
    runs,
  };
}

/** The message typed into the chat panel for `run` (0 is the warm-up). */
export const chatMessage = (corpus: readonly string[], run: number): string =>
  texts(corpus, 1, 24, 40009 + run * 17)[0] ?? '';
