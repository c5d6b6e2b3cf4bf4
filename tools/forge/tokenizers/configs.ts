/**
 * `tokenizer_config.json` objects for the forged tokenizers, and the forge's training corpus.
 * Transformers.js 4.3.1 refuses to load a tokenizer folder without tokenizer_config.json, picks the
 * class from `tokenizer_class`, reads the chat template only from here, and defaults
 * `clean_up_tokenization_spaces` to true (which would break byte-level round trips), so these
 * fields are not optional decoration.
 *
 * Example:
 *   const bpe = trainByteLevelBpe({ corpus: loadCorpus(), vocabSize: 49152, specialTokens: CHAT_SPECIAL_TOKENS, seed: 1 });
 *   writeFileSync('tokenizer_config.json', JSON.stringify(chatTokenizerConfig(bpe, { modelMaxLength: 8192 }), null, 2));
 *   const wp = trainWordPiece({ corpus: loadCorpus(), vocabSize: 30522, seed: 1 });
 *   writeFileSync('tokenizer_config.json', JSON.stringify(embeddingTokenizerConfig(wp, { modelMaxLength: 512 }), null, 2));
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ByteLevelBpe } from './bpe.ts';
import type { WordPiece } from './wordpiece.ts';

/** The project's own English text (written for Glassbox), the only training data of the forge. */
export const ENGLISH_CORPUS_PATH = fileURLToPath(new URL('../corpus/english.txt', import.meta.url));

/** Reads the corpus with line endings normalized, so a CRLF checkout trains the same tokenizers. */
export function loadCorpus(path: string = ENGLISH_CORPUS_PATH): string {
  return readFileSync(path, 'utf8').replace(/\r\n?/g, '\n');
}

/** SmolLM2's special tokens and ids: <|endoftext|>=0, <|im_start|>=1, <|im_end|>=2. */
export const CHAT_SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

/** SmolLM2-Instruct's ChatML template, with the assistant named Glassbox. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\nYou are a helpful AI assistant named Glassbox.<|im_end|>\n' }}{% endif %}" +
  "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

export type AddedTokenDecoderEntry = {
  content: string;
  lstrip: boolean;
  normalized: boolean;
  rstrip: boolean;
  single_word: boolean;
  special: boolean;
};

export type ChatTokenizerConfig = {
  add_bos_token: boolean;
  add_eos_token: boolean;
  add_prefix_space: boolean;
  added_tokens_decoder: Record<string, AddedTokenDecoderEntry>;
  additional_special_tokens: string[];
  bos_token: string;
  chat_template: string;
  clean_up_tokenization_spaces: boolean;
  eos_token: string;
  model_max_length: number;
  pad_token: string;
  tokenizer_class: string;
  unk_token: string;
};

export type EmbeddingTokenizerConfig = {
  added_tokens_decoder: Record<string, AddedTokenDecoderEntry>;
  clean_up_tokenization_spaces: boolean;
  cls_token: string;
  do_basic_tokenize: boolean;
  do_lower_case: boolean;
  mask_token: string;
  model_max_length: number;
  never_split: null;
  pad_token: string;
  sep_token: string;
  strip_accents: null;
  tokenize_chinese_chars: boolean;
  tokenizer_class: string;
  unk_token: string;
};

function addedTokensDecoder(specialTokenIds: Record<string, number>): Record<string, AddedTokenDecoderEntry> {
  return Object.fromEntries(
    Object.entries(specialTokenIds)
      .sort((a, b) => a[1] - b[1])
      .map(([content, id]) => [
        String(id),
        { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
      ]),
  );
}

function requireToken(specialTokenIds: Record<string, number>, token: string, role: string): string {
  if (specialTokenIds[token] === undefined)
    throw new Error(`${role} token ${token} is not a special token of this tokenizer`);
  return token;
}

/**
 * Config for a chat decoder, mirroring SmolLM2-135M-Instruct: GPT2Tokenizer, bos <|im_start|>,
 * eos/pad <|im_end|>, unk <|endoftext|>, no automatic BOS (the chat template writes the markers).
 */
export function chatTokenizerConfig(
  bpe: ByteLevelBpe,
  options: { modelMaxLength: number; chatTemplate?: string },
): ChatTokenizerConfig {
  const ids = bpe.specialTokenIds;
  const [endOfText, imStart, imEnd] = CHAT_SPECIAL_TOKENS;
  return {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder(ids),
    additional_special_tokens: [requireToken(ids, imStart, 'bos'), requireToken(ids, imEnd, 'eos')],
    bos_token: imStart,
    chat_template: options.chatTemplate ?? CHATML_TEMPLATE,
    // Byte-level decoding is exact; the default cleanup would turn " ." into "." and break round trips.
    clean_up_tokenization_spaces: false,
    eos_token: imEnd,
    model_max_length: options.modelMaxLength,
    pad_token: imEnd,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: requireToken(ids, endOfText, 'unk'),
  };
}

/** Config for a BERT-style embedding encoder, mirroring all-MiniLM-L6-v2 (BertTokenizer, uncased). */
export function embeddingTokenizerConfig(
  wp: WordPiece,
  options: { modelMaxLength: number },
): EmbeddingTokenizerConfig {
  const ids = wp.specialTokenIds;
  return {
    added_tokens_decoder: addedTokensDecoder(ids),
    clean_up_tokenization_spaces: true,
    cls_token: requireToken(ids, '[CLS]', 'cls'),
    do_basic_tokenize: true,
    do_lower_case: true,
    mask_token: requireToken(ids, '[MASK]', 'mask'),
    model_max_length: options.modelMaxLength,
    never_split: null,
    pad_token: requireToken(ids, '[PAD]', 'pad'),
    sep_token: requireToken(ids, '[SEP]', 'sep'),
    strip_accents: null,
    tokenize_chinese_chars: true,
    tokenizer_class: 'BertTokenizer',
    unk_token: requireToken(ids, '[UNK]', 'unk'),
  };
}
