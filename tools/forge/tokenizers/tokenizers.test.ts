/**
 * The forged tokenizers, loaded the way the app loads them: Transformers.js 4.3.1
 * `AutoTokenizer.from_pretrained` on a local folder holding tokenizer.json + tokenizer_config.json.
 *
 * Run: npx vitest run tools/forge/tokenizers
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { trainByteLevelBpe, type ByteLevelBpe } from './bpe.ts';
import { CHAT_SPECIAL_TOKENS, chatTokenizerConfig, embeddingTokenizerConfig, loadCorpus } from './configs.ts';
import { trainWordPiece, type WordPiece } from './wordpiece.ts';

type BpeModelJson = { vocab: Record<string, number>; merges: [string, string][] };
type WordPieceModelJson = { vocab: Record<string, number> };

const corpus = loadCorpus();
let root = '';
let folderCount = 0;

/** Writes a tokenizer folder under an absolute path and loads it like the app would. */
async function load(
  tokenizerJson: Record<string, unknown>,
  config: Record<string, unknown>,
): Promise<PreTrainedTokenizer> {
  // Absolute paths with several segments are not valid Hub ids, so Transformers.js reads them as they are.
  const folder = join(root, `tokenizer-${folderCount++}`);
  mkdirSync(folder);
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
  return AutoTokenizer.from_pretrained(folder);
}

function timed<T>(label: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  console.log(`${label}: ${(performance.now() - start).toFixed(0)} ms`);
  return result;
}

beforeAll(() => {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  root = mkdtempSync(join(tmpdir(), 'glassbox-tokenizers-'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const ROUND_TRIP_TEXTS = [
  'Hello, world!',
  'The café on the corner is naïve about crème brûlée; résumé façade jalapeño.',
  '  leading spaces, trailing spaces   ',
  'Line one\nLine two\n\n\tTabbed line\r\nWindows line',
  'Emoji: 😀🚀👩‍💻 and flags 🇫🇷; CJK: 日本語のテキスト; Greek: αβγ; Cyrillic: привет.',
  'function f(x: number): number { return x === 0 ? 1 : x * f(x - 1); } // => 120',
  "Numbers 3.14159, 2^16 = 65,536, £4.50 and v1.0.0-beta; it's we'll they're I'm I'd.",
  'glorbulous zxqv unseen-words-here',
  'Special-looking text <|im_start|x <| im_end |> [CLS] stays plain text here.',
];

describe('createRng', () => {
  it('is deterministic per seed and has sane uniform/normal/int outputs', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);

    const rng = createRng(123);
    let sum = 0;
    let sumSq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
      const k = rng.int(10);
      expect(Number.isInteger(k) && k >= 0 && k < 10).toBe(true);
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.05);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.05);
    expect(() => rng.int(0)).toThrow();
  });
});

describe('byte-level BPE', () => {
  let small: ByteLevelBpe;
  let large: ByteLevelBpe;
  let smallTok: PreTrainedTokenizer;
  let largeTok: PreTrainedTokenizer;

  beforeAll(async () => {
    const specialTokens = CHAT_SPECIAL_TOKENS;
    small = timed('BPE 512', () => trainByteLevelBpe({ corpus, vocabSize: 512, specialTokens, seed: 1 }));
    large = timed('BPE 49152', () => trainByteLevelBpe({ corpus, vocabSize: 49152, specialTokens, seed: 1 }));
    smallTok = await load(small.tokenizerJson, chatTokenizerConfig(small, { modelMaxLength: 2048 }));
    largeTok = await load(large.tokenizerJson, chatTokenizerConfig(large, { modelMaxLength: 8192 }));
  });

  it('has exactly the requested vocabulary size, with dense ids and valid merges', () => {
    for (const [bpe, tok, size] of [
      [small, smallTok, 512],
      [large, largeTok, 49152],
    ] as const) {
      expect(bpe.vocabSize).toBe(size);
      const model = bpe.tokenizerJson.model as BpeModelJson;
      const ids = Object.values(model.vocab).sort((x, y) => x - y);
      expect(ids).toEqual(Array.from({ length: size }, (_, i) => i));
      expect(tok.get_vocab().size).toBe(size);
      for (const [left, right] of model.merges) {
        expect(model.vocab[left]).toBeDefined();
        expect(model.vocab[right]).toBeDefined();
        expect(model.vocab[left + right]).toBeDefined();
      }
      // Every non-special, non-byte token is produced by some merge.
      expect(model.merges.length).toBeGreaterThanOrEqual(size - 3 - 256);
    }
  });

  it('gives special tokens the first ids, as single tokens', () => {
    expect(large.specialTokenIds).toEqual({ '<|endoftext|>': 0, '<|im_start|>': 1, '<|im_end|>': 2 });
    for (const tok of [smallTok, largeTok]) {
      expect(tok.encode('<|endoftext|>')).toEqual([0]);
      expect(tok.encode('<|im_start|>')).toEqual([1]);
      expect(tok.encode('<|im_end|>')).toEqual([2]);
      const ids = tok.encode('a<|im_start|>user\nhi<|im_end|>');
      expect(ids.filter((id) => id === 1)).toHaveLength(1);
      expect(ids.filter((id) => id === 2)).toHaveLength(1);
      expect(tok.bos_token_id).toBe(1);
      expect(tok.eos_token_id).toBe(2);
      expect(tok.pad_token_id).toBe(2);
      expect(tok.unk_token_id).toBe(0);
    }
  });

  it('round-trips arbitrary text exactly (accents, emoji, CJK, code, whitespace)', () => {
    for (const tok of [smallTok, largeTok]) {
      for (const text of ROUND_TRIP_TEXTS) {
        const ids = tok.encode(text, { add_special_tokens: false });
        expect(tok.decode(ids)).toBe(text);
      }
      // Without the explicit config flag Transformers.js would "clean up" " ." to ".".
      expect(tok.decode(tok.encode('a . b , c'))).toBe('a . b , c');
    }
  });

  it('learns real merges from the corpus and decodes every id', () => {
    const text = 'A language model is a machine that guesses the next piece of text.';
    const bytes = new TextEncoder().encode(text).length;
    expect(largeTok.encode(text).length).toBeLessThan(bytes / 3);
    expect(largeTok.tokenize(' the')).toEqual(['Ġthe']);
    const nonSpecial = Array.from({ length: 49152 - 3 }, (_, i) => i + 3);
    for (const id of nonSpecial) expect(typeof largeTok.decode([id])).toBe('string');
    // Decoding all ids at once is the concatenation of their bytes: nothing is lost.
    const joined = largeTok.decode(nonSpecial);
    expect(joined.length).toBeGreaterThan(49152);
  });

  it('renders the ChatML template and tokenizes its markers as single ids', async () => {
    const messages = [{ role: 'user', content: 'What is a token?' }];
    const rendered = largeTok.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
    expect(rendered).toBe(
      '<|im_start|>system\nYou are a helpful AI assistant named Glassbox.<|im_end|>\n' +
        '<|im_start|>user\nWhat is a token?<|im_end|>\n<|im_start|>assistant\n',
    );
    const ids = largeTok.apply_chat_template(messages, {
      add_generation_prompt: true,
      return_tensor: false,
      return_dict: false,
    });
    expect(ids).toEqual(largeTok.encode(rendered, { add_special_tokens: false }));
    expect(ids[0]).toBe(1);
    expect(ids.filter((id) => id === 1)).toHaveLength(3);
    expect(ids.filter((id) => id === 2)).toHaveLength(2);
    expect(largeTok.decode(ids)).toBe(rendered);
    expect(largeTok.decode(ids, { skip_special_tokens: true })).toBe(
      'system\nYou are a helpful AI assistant named Glassbox.\nuser\nWhat is a token?\nassistant\n',
    );

    const withSystem = largeTok.apply_chat_template(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      { tokenize: false },
    );
    expect(withSystem).toBe('<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n');
  });

  it('is deterministic: same seed gives identical JSON, another seed changes only synthetic merges', () => {
    const again = trainByteLevelBpe({
      corpus,
      vocabSize: 49152,
      specialTokens: CHAT_SPECIAL_TOKENS,
      seed: 1,
    });
    expect(JSON.stringify(again.tokenizerJson)).toBe(JSON.stringify(large.tokenizerJson));
    const other = trainByteLevelBpe({
      corpus,
      vocabSize: 49152,
      specialTokens: CHAT_SPECIAL_TOKENS,
      seed: 2,
    });
    expect(JSON.stringify(other.tokenizerJson)).not.toBe(JSON.stringify(large.tokenizerJson));
    const merges = (bpe: ByteLevelBpe): [string, string][] =>
      (bpe.tokenizerJson.model as BpeModelJson).merges;
    expect(merges(other).slice(0, 1000)).toEqual(merges(large).slice(0, 1000));
  });

  it('trains the 49152 vocabulary well within the time budget', () => {
    const start = performance.now();
    trainByteLevelBpe({ corpus, vocabSize: 49152, specialTokens: CHAT_SPECIAL_TOKENS, seed: 3 });
    expect(performance.now() - start).toBeLessThan(60_000);
  });

  it('rejects impossible requests', () => {
    expect(() =>
      trainByteLevelBpe({ corpus, vocabSize: 200, specialTokens: CHAT_SPECIAL_TOKENS, seed: 1 }),
    ).toThrow();
    expect(() =>
      trainByteLevelBpe({ corpus, vocabSize: 600, specialTokens: ['<a>', '<a>'], seed: 1 }),
    ).toThrow();
  });
});

describe('WordPiece', () => {
  let small: WordPiece;
  let large: WordPiece;
  let smallTok: PreTrainedTokenizer;
  let largeTok: PreTrainedTokenizer;

  beforeAll(async () => {
    small = timed('WordPiece 1000', () => trainWordPiece({ corpus, vocabSize: 1000, seed: 1 }));
    large = timed('WordPiece 30522', () => trainWordPiece({ corpus, vocabSize: 30522, seed: 1 }));
    smallTok = await load(small.tokenizerJson, embeddingTokenizerConfig(small, { modelMaxLength: 512 }));
    largeTok = await load(large.tokenizerJson, embeddingTokenizerConfig(large, { modelMaxLength: 512 }));
  });

  it('has exactly the requested vocabulary size and compact special ids', () => {
    for (const [wp, tok, size] of [
      [small, smallTok, 1000],
      [large, largeTok, 30522],
    ] as const) {
      expect(wp.vocabSize).toBe(size);
      const ids = Object.values((wp.tokenizerJson.model as WordPieceModelJson).vocab).sort((x, y) => x - y);
      expect(ids).toEqual(Array.from({ length: size }, (_, i) => i));
      expect(tok.get_vocab().size).toBe(size);
      expect(wp.specialTokenIds).toEqual({ '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, '[MASK]': 4 });
      // Transformers.js 4.3.1 keeps no cls_token_id attribute; the id comes from the vocabulary.
      expect(tok.convert_tokens_to_ids(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'])).toEqual([
        0, 1, 2, 3, 4,
      ]);
      expect([tok.pad_token_id, tok.unk_token_id, tok.sep_token_id, tok.mask_token_id]).toEqual([0, 1, 3, 4]);
    }
  });

  it('lowercases, strips accents, and splits unseen words into ## pieces', () => {
    for (const tok of [smallTok, largeTok]) {
      expect(
        tok
          .tokenize('Café NAÏVE')
          .map((t) => t.replace(/^##/, ''))
          .join(''),
      ).toBe('cafenaive');
      const pieces = tok.tokenize('glorbulousness');
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces[0]?.startsWith('##')).toBe(false);
      for (const piece of pieces.slice(1)) expect(piece.startsWith('##')).toBe(true);
      expect(pieces.map((t) => t.replace(/^##/, '')).join('')).toBe('glorbulousness');
    }
    // A frequent corpus word is a single piece once enough merges were learned.
    expect(largeTok.tokenize('The language model')).toEqual(['the', 'language', 'model']);
  });

  it('maps words with unknown characters to [UNK] and wraps with [CLS]/[SEP]', () => {
    for (const tok of [smallTok, largeTok]) {
      const ids = tok.encode('hello 😀 world');
      expect(ids[0]).toBe(2);
      expect(ids[ids.length - 1]).toBe(3);
      expect(ids.filter((id) => id === 1)).toHaveLength(1);
      expect(tok.tokenize('日本')).toEqual(['[UNK]', '[UNK]']); // CJK characters are split, then unknown
      expect(tok.encode('a [MASK] b', { add_special_tokens: false })).toContain(4);
    }
  });

  it('round-trips normalized text and produces BERT pair inputs', () => {
    for (const tok of [smallTok, largeTok]) {
      const ids = tok.encode("Hello, World! The Café is naïve; isn't it?");
      expect(tok.decode(ids, { skip_special_tokens: true })).toBe(
        "hello, world! the cafe is naive ; isn't it?",
      );
      const pair = tok('first part', { text_pair: 'second', return_tensor: false });
      const inputIds = pair.input_ids as number[];
      const typeIds = pair.token_type_ids as number[];
      expect(inputIds[0]).toBe(2);
      expect(inputIds.filter((id) => id === 3)).toHaveLength(2);
      expect(typeIds[0]).toBe(0);
      expect(typeIds[typeIds.length - 1]).toBe(1);
      expect(typeIds.filter((t) => t === 0)).toHaveLength(inputIds.indexOf(3) + 1);
    }
  });

  it('is deterministic per seed', () => {
    const again = trainWordPiece({ corpus, vocabSize: 30522, seed: 1 });
    expect(JSON.stringify(again.tokenizerJson)).toBe(JSON.stringify(large.tokenizerJson));
    const other = trainWordPiece({ corpus, vocabSize: 30522, seed: 2 });
    expect(JSON.stringify(other.tokenizerJson)).not.toBe(JSON.stringify(large.tokenizerJson));
  });

  it('rejects a vocabulary too small for the alphabet', () => {
    expect(() => trainWordPiece({ corpus, vocabSize: 50, seed: 1 })).toThrow();
  });
});
