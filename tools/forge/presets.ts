/**
 * The forge's presets: every model folder it can write, as one frozen table.
 *
 * `tiny-*` presets are kilobyte-sized models for tests and the offline demo; `*-shaped` presets
 * copy the shapes of real checkpoints (SmolLM2-135M-Instruct, all-MiniLM-L6-v2) so benchmarks
 * move the same bytes and run the same kernels, with random weights.
 *
 * `tiny-chat-hub` is tiny-chat as onnx-community repositories ship a model: every dtype's weights in
 * external data files, one dtype's split in two, declared in config.json's `transformers.js_config`;
 * `tiny-chat-hub-undeclared` leaves the declaration out, as a broken repository would. Both are for
 * tests only, so they are written outside public/ (see PRESET_GROUPS).
 *
 * @example
 *   PRESETS['tiny-chat'].repo;               // → 'glassbox/tiny-chat'
 *   PRESET_GROUPS.demo;                     // → ['tiny-chat', 'tiny-embed']
 *   presetNameOf(PRESETS['tiny-chat']);     // → 'tiny-chat'
 */
import type { Dtype } from '../../src/core/model.ts';
import { DEFAULT_DECODER_INIT, type DecoderConfig } from './decoder.ts';
import { DEFAULT_ENCODER_INIT, type EncoderConfig } from './encoder.ts';
import type { GgufType } from './gguf.ts';

/**
 * Dtypes the forge writes. Each is a weight format of src/core/weightFiles.ts, which names its file
 * (`weightFile(dtype)`), so the forge writes the files the app looks for.
 */
export const ALL_DTYPES = Object.freeze([
  'fp32',
  'fp16',
  'q8',
  'q4',
  'q4f16',
] as const satisfies readonly Dtype[]);
export type ForgedDtype = (typeof ALL_DTYPES)[number];

/** The dtypes whose graphs compute in float16, with a float16 KV cache (`kv_cache_dtype` in config.json). */
export const FLOAT16_DTYPES = Object.freeze(['fp16', 'q4f16'] as const satisfies readonly ForgedDtype[]);
export const isFloat16Dtype = (dtype: ForgedDtype): boolean =>
  (FLOAT16_DTYPES as readonly ForgedDtype[]).includes(dtype);

/** Weights kept beside the graph, as exports past 2 GiB (and onnx-community's, whatever their size) ship them. */
export interface ExternalDataLayout {
  /** How many data files each dtype's weights are split over (`.onnx_data`, `.onnx_data_1`, …); 0 keeps them inline. */
  readonly files: Readonly<Record<ForgedDtype, number>>;
  /** Whether config.json declares them (`transformers.js_config.use_external_data_format`), as real repositories do. */
  readonly declared: boolean;
}

interface PresetCommon {
  /** Hugging Face repository id the folder is served as. */
  readonly repo: `glassbox/${string}`;
  readonly description: string;
  /** Seeds the weights (and the tokenizer's synthetic merges). */
  readonly seed: number;
  readonly dtypes: readonly ForgedDtype[];
  /** The dtype config.json names as the default (`transformers.js_config.dtype`), if any. */
  readonly defaultDtype?: ForgedDtype;
  readonly externalData?: ExternalDataLayout;
}

export interface DecoderPreset extends PresetCommon {
  readonly kind: 'decoder';
  readonly model: DecoderConfig;
  readonly tokenizer: { readonly kind: 'byte-level-bpe'; readonly vocabSize: number };
  /** Special token ids, as the chat tokenizer lays them out (<|endoftext|>, <|im_start|>, <|im_end|>). */
  readonly tokens: { readonly bos: number; readonly eos: number; readonly pad: number };
  /** GGUF files written beside the ONNX ones (gguf.ts), for llama.cpp to run the same model. */
  readonly gguf?: readonly GgufType[];
}

export interface EncoderPreset extends PresetCommon {
  readonly kind: 'encoder';
  readonly model: EncoderConfig;
  readonly tokenizer: { readonly kind: 'wordpiece'; readonly vocabSize: number };
  readonly tokens: { readonly pad: number };
}

export type Preset = DecoderPreset | EncoderPreset;

/** SmolLM2's layout: <|endoftext|>=0, <|im_start|>=1 (bos), <|im_end|>=2 (eos and pad). */
const CHAT_TOKENS = Object.freeze({ bos: 1, eos: 2, pad: 2 });
/** BERT's layout: [PAD]=0. */
const BERT_TOKENS = Object.freeze({ pad: 0 });

const TINY_CHAT = {
  kind: 'decoder',
  repo: 'glassbox/tiny-chat',
  description:
    'A 2-layer LLaMA-style chat model with a 512-token byte-level BPE: kilobytes, for tests and the offline demo.',
  seed: 20240601,
  dtypes: ALL_DTYPES,
  model: {
    architecture: 'llama',
    hiddenSize: 64,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 16,
    intermediateSize: 128,
    vocabSize: 512,
    maxPositionEmbeddings: 2048,
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
    tieWordEmbeddings: true,
    // Two layers need louder blocks than deep models to stay off repeated tokens (see DEFAULT_DECODER_INIT);
    // a 0.3 embedding gives logits with std ≈ 2.4, so the demo's probability view is not flat.
    init: {
      ...DEFAULT_DECODER_INIT,
      embeddingStd: 0.3,
      queryKeyGain: 1.5,
      attentionOutputGain: 2,
      mlpOutputGain: 8,
    },
  },
  tokenizer: { kind: 'byte-level-bpe', vocabSize: 512 },
  tokens: CHAT_TOKENS,
} as const satisfies DecoderPreset;

/** tiny-chat's weights and tokenizer as a Hub repository ships them: every dtype in external data, fp32 split in two. */
const TINY_CHAT_HUB = {
  ...TINY_CHAT,
  repo: 'glassbox/tiny-chat-hub',
  description:
    'tiny-chat in the layout onnx-community repositories use: every dtype keeps its weights in external data (fp32 split over two files), declared in config.json. For tests only.',
  defaultDtype: 'q4f16',
  externalData: { files: { fp32: 2, fp16: 1, q8: 1, q4: 1, q4f16: 1 }, declared: true },
} as const satisfies DecoderPreset;

export const PRESETS = Object.freeze({
  'tiny-chat': TINY_CHAT,
  'tiny-embed': {
    kind: 'encoder',
    repo: 'glassbox/tiny-embed',
    description:
      'A 2-layer BERT-style sentence encoder with a 1024-piece WordPiece vocabulary: kilobytes, for tests and the offline demo.',
    seed: 20240602,
    dtypes: ALL_DTYPES,
    model: {
      architecture: 'bert',
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      intermediateSize: 128,
      vocabSize: 1024,
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
      init: DEFAULT_ENCODER_INIT,
    },
    tokenizer: { kind: 'wordpiece', vocabSize: 1024 },
    tokens: BERT_TOKENS,
  },
  'smollm2-135m-shaped': {
    kind: 'decoder',
    repo: 'glassbox/smollm2-135m-shaped',
    description:
      "SmolLM2-135M-Instruct's exact shapes (30 layers, 576 hidden, 9 heads / 3 KV heads, 49152 vocab) with random weights: for benchmarks.",
    seed: 20240603,
    dtypes: ALL_DTYPES,
    model: {
      architecture: 'llama',
      hiddenSize: 576,
      numLayers: 30,
      numHeads: 9,
      numKvHeads: 3,
      headDim: 64,
      intermediateSize: 1536,
      vocabSize: 49152,
      maxPositionEmbeddings: 8192,
      ropeTheta: 100000,
      rmsNormEps: 1e-5,
      tieWordEmbeddings: true,
      init: DEFAULT_DECODER_INIT,
    },
    tokenizer: { kind: 'byte-level-bpe', vocabSize: 49152 },
    tokens: CHAT_TOKENS,
    // The benchmark's CPU peer, wllama, runs these.
    gguf: ['f32', 'q8_0', 'q4_0'],
  },
  'minilm-l6-shaped': {
    kind: 'encoder',
    repo: 'glassbox/minilm-l6-shaped',
    description:
      "all-MiniLM-L6-v2's exact shapes (6 layers, 384 hidden, 12 heads, 30522 vocab) with random weights: for benchmarks.",
    seed: 20240604,
    dtypes: ALL_DTYPES,
    model: {
      architecture: 'bert',
      hiddenSize: 384,
      numLayers: 6,
      numHeads: 12,
      intermediateSize: 1536,
      vocabSize: 30522,
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
      init: DEFAULT_ENCODER_INIT,
    },
    tokenizer: { kind: 'wordpiece', vocabSize: 30522 },
    tokens: BERT_TOKENS,
  },
  'tiny-chat-hub': TINY_CHAT_HUB,
  'tiny-chat-fused': {
    ...TINY_CHAT,
    repo: 'glassbox/tiny-chat-fused',
    description:
      "tiny-chat with each layer's attention fused into one GroupQueryAttention (rotary included), as onnxruntime-genai and recent onnx-community exports write it: its attention probabilities are not a value of the graph. For tests only.",
    dtypes: ['fp32'],
    model: { ...TINY_CHAT.model, attention: 'group-query' },
  },
  'tiny-chat-hub-undeclared': {
    ...TINY_CHAT_HUB,
    repo: 'glassbox/tiny-chat-hub-undeclared',
    description:
      'tiny-chat-hub without the use_external_data_format declaration in config.json, as a broken repository ships it: the graphs name data files the config does not. For tests only.',
    externalData: { ...TINY_CHAT_HUB.externalData, declared: false },
  },
} as const satisfies Record<string, Preset>);

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.freeze(Object.keys(PRESETS) as PresetName[]);

/** What each CLI command writes: the app's demo models, the benchmark's, and models only tests load. */
export const PRESET_GROUPS = Object.freeze({
  demo: ['tiny-chat', 'tiny-embed'],
  bench: ['smollm2-135m-shaped', 'minilm-l6-shaped'],
  test: ['tiny-chat-hub', 'tiny-chat-hub-undeclared', 'tiny-chat-fused'],
} as const satisfies Record<string, readonly PresetName[]>);
export type PresetGroup = keyof typeof PRESET_GROUPS;

export function getPreset(name: string): Preset {
  if (!(name in PRESETS))
    throw new Error(`Unknown preset "${name}". Known presets: ${PRESET_NAMES.join(', ')}.`);
  return PRESETS[name as PresetName];
}

/** The preset's name, as its repository names it (`glassbox/tiny-chat` → `tiny-chat`). */
export function presetNameOf(preset: Preset): string {
  return preset.repo.split('/')[1] ?? preset.repo;
}
