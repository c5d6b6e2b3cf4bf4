/**
 * WordPiece trainer (BERT-uncased style) producing a Hugging Face `tokenizer.json` object.
 *
 * Vocabulary layout: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then every character of the
 * normalized corpus (plus printable ASCII) in word-initial form, then the same in "##"
 * continuation form, then pieces learned by merging the most frequent adjacent pair (the Hugging
 * Face WordPiece trainer also ranks by plain frequency), then synthetic pieces to reach the size.
 * Having both forms of every character means any word made of known characters tokenizes
 * without [UNK]; a word with an unknown character becomes [UNK] as a whole, as in BERT.
 *
 * The app has no tokenizer reader in src/lib: it reads tokenizer.json through Transformers.js, which the
 * tests use to load this trainer's output, so the trainer and the reader check each other.
 *
 * Example:
 *   const wp = trainWordPiece({ corpus: loadCorpus(), vocabSize: 30522, seed: 1 });
 *   writeFileSync('tokenizer.json', JSON.stringify(wp.tokenizerJson));
 *   wp.specialTokenIds['[CLS]']; // 2
 */

import { createRng } from '../random.ts';
import { Vocabulary, addSyntheticMerges, learnMerges, specialAddedTokens } from './merge-engine.ts';

export type WordPiece = {
  tokenizerJson: Record<string, unknown>;
  vocabSize: number;
  specialTokenIds: Record<string, number>;
};

export interface TrainWordPieceOptions {
  corpus: string;
  vocabSize: number;
  seed: number;
}

export const WORDPIECE_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const CONTINUING_SUBWORD_PREFIX = '##';
const MAX_INPUT_CHARS_PER_WORD = 100;
const MAX_SYNTHETIC_LENGTH = 12;

// Same character classes as @huggingface/tokenizers' BertNormalizer and BertPreTokenizer, so the
// trainer sees exactly the words the runtime will look up.
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const BERT_PRETOKENIZE_REGEX = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const WHITESPACE = /^\s$/u;

function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** BertNormalizer with clean_text, handle_chinese_chars, lowercase and (implied) accent stripping. */
export function bertNormalize(text: string): string {
  let out = '';
  for (const char of text) {
    const cp = char.codePointAt(0) as number;
    if (cp === 0 || cp === 0xfffd) continue;
    if (char !== '\t' && char !== '\n' && char !== '\r' && CONTROL.test(char)) continue;
    if (WHITESPACE.test(char)) out += ' ';
    else if (isChineseChar(cp)) out += ` ${char} `;
    else out += char;
  }
  return out
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
}

/** BertPreTokenizer: runs of non-space non-punctuation, and single punctuation characters. */
export function bertPreTokenize(normalized: string): string[] {
  return normalized.trim().match(BERT_PRETOKENIZE_REGEX) ?? [];
}

const byCodePoint = (a: string, b: string): number =>
  (a.codePointAt(0) as number) - (b.codePointAt(0) as number);

export function trainWordPiece(options: TrainWordPieceOptions): WordPiece {
  const { corpus, vocabSize, seed } = options;
  const prefix = CONTINUING_SUBWORD_PREFIX;

  const wordCounts = new Map<string, number>();
  for (const word of bertPreTokenize(bertNormalize(corpus))) {
    wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  }

  const chars = new Set<string>();
  for (let cp = 0x21; cp <= 0x7e; cp++) {
    if (cp < 0x41 || cp > 0x5a) chars.add(String.fromCharCode(cp)); // no upper case: input is lowercased
  }
  for (const word of wordCounts.keys()) for (const char of word) chars.add(char);
  const alphabet = [...chars].sort(byCodePoint);

  const minSize = WORDPIECE_SPECIAL_TOKENS.length + 2 * alphabet.length;
  if (!Number.isInteger(vocabSize) || vocabSize < minSize) {
    throw new Error(
      `trainWordPiece: vocabSize must be an integer >= ${minSize} for this corpus, got ${vocabSize}`,
    );
  }
  const vocab = new Vocabulary([
    ...WORDPIECE_SPECIAL_TOKENS,
    ...alphabet,
    ...alphabet.map((c) => prefix + c),
  ]);

  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, count] of wordCounts) {
    const symbols = [...word];
    if (symbols.length < 2 || symbols.length > MAX_INPUT_CHARS_PER_WORD) continue; // nothing to merge / always [UNK]
    words.push(symbols.map((char, i) => vocab.idOf(i === 0 ? char : prefix + char) as number));
    counts.push(count);
  }

  // The right side is always a "##" piece; its prefix disappears inside the merged piece.
  const concat = (left: string, right: string): string => left + right.slice(prefix.length);
  // WordPiece keeps only the vocabulary (the runtime does greedy longest-match), so the merge list is dropped.
  learnMerges({ words, wordCounts: counts, vocab, maxTokens: vocabSize, minCount: 2, concat });

  const pieces = Array.from(
    { length: vocab.size - WORDPIECE_SPECIAL_TOKENS.length },
    (_, i) => i + WORDPIECE_SPECIAL_TOKENS.length,
  );
  const continuations = pieces.filter((id) => vocab.tokenAt(id).startsWith(prefix));
  addSyntheticMerges({
    vocab,
    targetSize: vocabSize,
    rng: createRng(seed),
    leftPool: pieces,
    rightPool: continuations,
    concat,
    maxLength: MAX_SYNTHETIC_LENGTH,
  });

  const specialTokenIds = Object.fromEntries(WORDPIECE_SPECIAL_TOKENS.map((token, id) => [token, id]));
  const cls = specialTokenIds['[CLS]'] as number;
  const sep = specialTokenIds['[SEP]'] as number;

  const tokenizerJson: Record<string, unknown> = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialAddedTokens(WORDPIECE_SPECIAL_TOKENS),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: prefix,
      max_input_chars_per_word: MAX_INPUT_CHARS_PER_WORD,
      vocab: vocab.toJson(),
    },
  };
  return { tokenizerJson, vocabSize: vocab.size, specialTokenIds };
}
