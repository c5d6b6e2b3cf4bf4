/**
 * Byte-level BPE trainer (GPT-2 / SmolLM2 style) producing a Hugging Face `tokenizer.json` object.
 *
 * Layout of the vocabulary, like SmolLM2: special tokens first (ids 0..n-1), then the 256 byte
 * symbols (GPT-2 bytes-to-unicode alphabet, sorted by code point as the HF trainer does), then one
 * token per learned merge, then synthetic merges if the corpus runs out (see merge-engine.ts).
 *
 * The app has no tokenizer reader in src/lib: it reads tokenizer.json through Transformers.js, which the
 * tests use to load this trainer's output, so the trainer and the reader check each other.
 *
 * Example:
 *   const bpe = trainByteLevelBpe({ corpus: loadCorpus(), vocabSize: 49152,
 *     specialTokens: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'], seed: 1 });
 *   writeFileSync('tokenizer.json', JSON.stringify(bpe.tokenizerJson));
 *   bpe.specialTokenIds['<|im_start|>']; // 1
 */

import { createRng } from '../random.ts';
import { Vocabulary, addSyntheticMerges, learnMerges, specialAddedTokens } from './merge-engine.ts';

export type ByteLevelBpe = {
  tokenizerJson: Record<string, unknown>;
  vocabSize: number;
  specialTokenIds: Record<string, number>;
};

export interface TrainByteLevelBpeOptions {
  corpus: string;
  vocabSize: number;
  specialTokens: readonly string[];
  seed: number;
}

/** The GPT-2 pre-tokenization regex, exactly as @huggingface/tokenizers runs it for `ByteLevel` with use_regex. */
export const GPT2_PRETOKENIZE_REGEX =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Synthetic tokens stay short so a 49k vocabulary stays a ~1-2 MB file. */
const MAX_SYNTHETIC_LENGTH = 12;

/**
 * GPT-2's reversible map from bytes to printable characters: printable Latin-1 bytes map to
 * themselves, the other 68 bytes to U+0100 onwards, so every byte string is a visible string.
 */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const table = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    table[byte] = String.fromCharCode(printable ? byte : 256 + shifted++);
  }
  return table;
})();

const encoder = new TextEncoder();

/** Text to its byte-level symbol string (one char per UTF-8 byte). */
export function toByteLevel(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) out += BYTE_TO_UNICODE[byte];
  return out;
}

export function trainByteLevelBpe(options: TrainByteLevelBpeOptions): ByteLevelBpe {
  const { corpus, vocabSize, specialTokens, seed } = options;
  if (new Set(specialTokens).size !== specialTokens.length || specialTokens.some((t) => t.length === 0)) {
    throw new Error('trainByteLevelBpe: special tokens must be unique, non-empty strings');
  }
  const minSize = specialTokens.length + 256;
  if (!Number.isInteger(vocabSize) || vocabSize < minSize) {
    throw new Error(`trainByteLevelBpe: vocabSize must be an integer >= ${minSize}, got ${vocabSize}`);
  }

  const alphabet = [...BYTE_TO_UNICODE].sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));
  const vocab = new Vocabulary([...specialTokens, ...alphabet]);
  if (vocab.size !== minSize)
    throw new Error('trainByteLevelBpe: a special token collides with a byte symbol');

  // Count unique pre-tokens; the regex never yields a whole special token (it splits letters from
  // punctuation), so merges can never rebuild one.
  const wordCounts = new Map<string, number>();
  for (const match of corpus.matchAll(GPT2_PRETOKENIZE_REGEX)) {
    const word = toByteLevel(match[0]);
    wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  }
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, count] of wordCounts) {
    words.push(Array.from(word, (symbol) => vocab.idOf(symbol) as number));
    counts.push(count);
  }

  const concat = (left: string, right: string): string => left + right;
  const learned = learnMerges({
    words,
    wordCounts: counts,
    vocab,
    maxTokens: vocabSize,
    minCount: 2,
    concat,
  });
  const nonSpecial = Array.from(
    { length: vocab.size - specialTokens.length },
    (_, i) => i + specialTokens.length,
  );
  const synthetic = addSyntheticMerges({
    vocab,
    targetSize: vocabSize,
    rng: createRng(seed),
    leftPool: nonSpecial,
    rightPool: nonSpecial,
    concat,
    maxLength: MAX_SYNTHETIC_LENGTH,
  });

  const specialTokenIds = Object.fromEntries(specialTokens.map((token, id) => [token, id]));
  const merges = [...learned, ...synthetic].map(([left, right]) => [
    vocab.tokenAt(left),
    vocab.tokenAt(right),
  ]);

  const tokenizerJson: Record<string, unknown> = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialAddedTokens(specialTokens),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: vocab.toJson(),
      // Pair arrays: the format HF tokenizers >= 0.20 writes; @huggingface/tokenizers reads both.
      merges,
    },
  };
  return { tokenizerJson, vocabSize: vocab.size, specialTokenIds };
}
