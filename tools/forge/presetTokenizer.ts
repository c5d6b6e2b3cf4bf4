/**
 * The tokenizer of a preset (tokenizer.json and tokenizer_config.json), trained on the forge's corpus and
 * checked against the model it goes with.
 */
import type { Preset } from './presets.ts';
import { trainByteLevelBpe } from './tokenizers/bpe.ts';
import {
  CHAT_SPECIAL_TOKENS,
  chatTokenizerConfig,
  embeddingTokenizerConfig,
  loadCorpus,
} from './tokenizers/configs.ts';
import { trainWordPiece } from './tokenizers/wordpiece.ts';

export interface ForgedTokenizer {
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
}

export function forgeTokenizer(preset: Preset): ForgedTokenizer {
  const corpus = loadCorpus();
  if (preset.kind === 'decoder') {
    const bpe = trainByteLevelBpe({
      corpus,
      vocabSize: preset.tokenizer.vocabSize,
      specialTokens: CHAT_SPECIAL_TOKENS,
      seed: preset.seed,
    });
    checkTokenizer(preset, bpe.vocabSize, bpe.specialTokenIds, {
      '<|im_start|>': preset.tokens.bos,
      '<|im_end|>': preset.tokens.eos,
    });
    return {
      tokenizerJson: bpe.tokenizerJson,
      tokenizerConfig: chatTokenizerConfig(bpe, { modelMaxLength: preset.model.maxPositionEmbeddings }),
    };
  }
  const wordPiece = trainWordPiece({ corpus, vocabSize: preset.tokenizer.vocabSize, seed: preset.seed });
  checkTokenizer(preset, wordPiece.vocabSize, wordPiece.specialTokenIds, { '[PAD]': preset.tokens.pad });
  return {
    tokenizerJson: wordPiece.tokenizerJson,
    tokenizerConfig: embeddingTokenizerConfig(wordPiece, {
      modelMaxLength: preset.model.maxPositionEmbeddings,
    }),
  };
}

/** The tokenizer is someone else's module: check on arrival that it matches the model's embedding table. */
function checkTokenizer(
  preset: Preset,
  vocabSize: number,
  ids: Record<string, number>,
  expected: Record<string, number>,
): void {
  if (vocabSize !== preset.model.vocabSize) {
    throw new Error(
      `${preset.repo}: the tokenizer has ${vocabSize} tokens but the model embeds ${preset.model.vocabSize}; make the preset's sizes agree.`,
    );
  }
  for (const [token, id] of Object.entries(expected)) {
    if (ids[token] !== id)
      throw new Error(
        `${preset.repo}: the tokenizer gives ${token} id ${ids[token]}, config.json expects ${id}.`,
      );
  }
}
