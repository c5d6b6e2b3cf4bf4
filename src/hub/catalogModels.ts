/**
 * The catalog's data: the two forged demo models the app serves itself, then a curated set of small
 * Hugging Face Hub models that run with Transformers.js 4.3.1, each with its sizes per weight format,
 * license and openness card. A long table on purpose: one entry per model, every fact with its source.
 *
 * How the facts were gathered, so a reader can weigh them:
 * - Every number and every openness status on a Hub entry was read in a source listed in the
 *   entry's `sources`. What no source gave is null (or 'unknown' on the openness card), never a
 *   guess; each description says which facts are missing.
 * - Sizes are the Hub's file list at the revision in `sizesAt`: decimal units rounded to three
 *   significant figures ("654 MB"), so they are good to about half a percent, not to the byte. A
 *   dtype's size is `onnx/model{suffix}.onnx` plus `onnx/model{suffix}.onnx_data` when the repo
 *   splits the weights out. A key with a null size means the file is known to exist (the model card
 *   or an official example loads it) but its size was not found.
 * - Recommendations are this project's policy, explained at `WASM_WEIGHT_BUDGET` (catalog.ts), not a vendor's.
 *
 * The forged models (`forged: true`) have random weights made by tools/forge: they show the
 * machinery (files, operators, shapes, tokens), not language. Their sizes and parameter counts are
 * left null on purpose: the app serves the files itself, so it reads both from its own host (the
 * download progress and the inspector), and a number copied here would drift whenever the forge's
 * presets change.
 */
import type { OpennessCard } from '../core/openness.ts';
import { LICENSES } from '../core/openness.ts';
import { defineModel, hub, type CatalogModel } from './catalogEntry.ts';

const FORGE_SOURCES = Object.freeze([
  'tools/forge/presets.ts',
  'tools/forge/decoder.ts',
  'tools/forge/encoder.ts',
  'tools/forge/weights.ts',
  'tools/forge/random.ts',
  'tools/forge/corpus',
]);

/** Everything about a forged model is in this repository; the card says where. */
function forgedOpenness(architectureFile: string): OpennessCard {
  return {
    architecture: {
      status: 'yes',
      source: architectureFile,
      note: 'The forge writes the ONNX graph op by op.',
    },
    weights: {
      status: 'yes',
      source: 'tools/forge/weights.ts',
      note: 'Served by this app; anyone can regenerate them byte for byte from the preset seed.',
    },
    trainingCode: {
      status: 'yes',
      source: 'tools/forge/random.ts',
      note: 'There is no training: the weights are drawn from a seeded generator, which is all the code there is.',
    },
    trainingData: {
      status: 'yes',
      source: 'tools/forge/corpus',
      note: 'No training data. The tokenizer is built from English text this project owns.',
    },
  };
}

/** The forged demo models, served by the app itself. Listed first in `CATALOG`. */
export const DEMO_MODELS: readonly CatalogModel[] = Object.freeze([
  defineModel({
    id: 'glassbox/tiny-chat',
    label: 'Tiny chat (forged)',
    task: 'text-generation',
    description:
      'Random weights, not a language model: a 2-layer LLaMA-style decoder forged by this project to show the ' +
      'machinery (files, ops, shapes, tokens). Its text is meaningless by design.',
    forged: true,
    parameters: null,
    contextLength: 2048,
    sizes: { fp32: null, fp16: null, q8: null, q4: null, q4f16: null },
    sizesAt: null,
    recommended: { wasm: 'fp32', webgpu: 'fp32' },
    license: 'apache-2.0',
    openness: forgedOpenness('tools/forge/decoder.ts'),
    embedding: null,
    sources: FORGE_SOURCES,
  }),
  defineModel({
    id: 'glassbox/tiny-embed',
    label: 'Tiny embeddings (forged)',
    task: 'feature-extraction',
    description:
      'Random weights, not a language model: a 2-layer BERT-style encoder forged by this project to show the ' +
      'machinery. Its vectors are real vectors; their geometry means nothing.',
    forged: true,
    parameters: null,
    contextLength: 512,
    sizes: { fp32: null, fp16: null, q8: null, q4: null, q4f16: null },
    sizesAt: null,
    recommended: { wasm: 'fp32', webgpu: 'fp32' },
    license: 'apache-2.0',
    openness: forgedOpenness('tools/forge/encoder.ts'),
    // Mean pooling with normalization is the embeddings panel's default; the forge trains nothing
    // that would favour another pooling.
    embedding: { pooling: 'mean', normalize: true, dimensions: 64, prefixes: null, pooledOutput: null },
    sources: FORGE_SOURCES,
  }),
]);

// Sources shared by several entries.
const SMOLLM_REPO = 'https://github.com/huggingface/smollm';
const SMOLLM_PAPER = 'https://arxiv.org/abs/2502.02737';
const SMOLLM_PRETRAINING = 'https://github.com/huggingface/smollm/tree/main/text/pretraining/smollm2';
const SMOLLM_POSTTRAINING = 'https://github.com/huggingface/alignment-handbook/tree/main/recipes/smollm2';
const SMOLLM_WEBGPU_EXAMPLE =
  'https://github.com/huggingface/transformers.js-examples/blob/main/smollm-webgpu/src/worker.js';
const QWEN25_BLOG = 'https://qwenlm.github.io/blog/qwen2.5/';
const LLAMA32_CARD = 'https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/MODEL_CARD.md';
const EMBEDDINGGEMMA_BLOG = 'https://huggingface.co/blog/embeddinggemma';
const EMBEDDINGGEMMA_OVERVIEW = 'https://ai.google.dev/gemma/docs/embeddinggemma';

/** SmolLM2's card is the same for the three sizes apart from the token count. */
function smollm2Openness(card: string): OpennessCard {
  return {
    architecture: {
      status: 'yes',
      source: SMOLLM_PAPER,
      note: 'A LLaMA-style decoder; the paper and config.json describe every dimension.',
    },
    weights: { status: 'yes', source: card, note: 'Apache 2.0, base and instruct checkpoints.' },
    trainingCode: {
      status: 'yes',
      source: SMOLLM_PRETRAINING,
      note: 'Pretraining configs for nanotron in huggingface/smollm; SFT and DPO recipes in the alignment-handbook.',
    },
    trainingData: {
      status: 'yes',
      source: SMOLLM_REPO,
      note:
        'Pretrained on FineWeb-Edu, DCLM, The Stack and the team’s own FineMath; instruction-tuned on ' +
        'SmolTalk; all on the Hub.',
    },
  };
}

/** Curated Hub models, chat first, then embeddings. */
export const HUB_MODELS: readonly CatalogModel[] = Object.freeze([
  defineModel({
    id: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    label: 'SmolLM2 135M Instruct',
    task: 'text-generation',
    description:
      'Hugging Face’s smallest SmolLM2 chat model, trained on 2 trillion tokens; fully open. On WASM its ' +
      'q4f16 file, the smallest, runs as int8. This repository publishes no q8 file. Unverified: the context length comes from LM Studio’s card for the model, ' +
      'not from its config.json.',
    forged: false,
    parameters: 135_000_000,
    contextLength: 8192,
    sizes: { fp32: hub('654 MB'), fp16: hub('327 MB'), q4: hub('200 MB'), q4f16: hub('134 MB') },
    sizesAt: 'a5cf62c',
    recommended: { wasm: 'q4f16', webgpu: 'q4f16' },
    license: 'apache-2.0',
    openness: smollm2Openness('https://huggingface.co/HuggingFaceTB/SmolLM2-135M'),
    embedding: null,
    sources: [
      'https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct/tree/main/onnx',
      'https://huggingface.co/HuggingFaceTB/SmolLM2-135M',
      'https://huggingface.co/lmstudio-community/SmolLM2-135M-Instruct-GGUF/commit/04f7f8a05a8e4bc208e88d11e8c9122be36c2f9b',
      SMOLLM_PAPER,
      SMOLLM_REPO,
      SMOLLM_PRETRAINING,
      SMOLLM_POSTTRAINING,
      SMOLLM_WEBGPU_EXAMPLE,
    ],
  }),
  defineModel({
    id: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    label: 'SmolLM2 360M Instruct',
    task: 'text-generation',
    description:
      'The middle SmolLM2 chat model, trained on 4 trillion tokens; fully open. This repository publishes no ' +
      'q8 file. Unverified: the context length comes from LM Studio’s card for the model, not from its ' +
      'config.json.',
    forged: false,
    parameters: 360_000_000,
    contextLength: 8192,
    sizes: { fp32: hub('1.64 GB'), fp16: hub('819 MB'), q4: hub('417 MB'), q4f16: hub('299 MB') },
    sizesAt: '6d8b2a3',
    recommended: { wasm: 'q4f16', webgpu: 'q4f16' },
    license: 'apache-2.0',
    openness: smollm2Openness('https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct'),
    embedding: null,
    sources: [
      'https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct/tree/main/onnx',
      'https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct',
      'https://huggingface.co/lmstudio-community/SmolLM2-360M-Instruct-GGUF',
      SMOLLM_PAPER,
      SMOLLM_REPO,
      SMOLLM_PRETRAINING,
      SMOLLM_POSTTRAINING,
      SMOLLM_WEBGPU_EXAMPLE,
    ],
  }),
  defineModel({
    id: 'HuggingFaceTB/SmolLM2-1.7B-Instruct',
    label: 'SmolLM2 1.7B Instruct',
    task: 'text-generation',
    description:
      'The largest SmolLM2 chat model, trained on 11 trillion tokens; fully open. Its fp32 weights (6.85 GB), ' +
      'and its 4-bit ones once run as int8, do not fit in WASM memory, so WASM gets q8. Unverified: the context length comes from LM Studio’s card ' +
      'for the model, not from its config.json.',
    forged: false,
    parameters: 1_700_000_000,
    contextLength: 8192,
    sizes: {
      fp32: hub('166 kB', '6.85 GB'),
      fp16: hub('1.33 GB', '2.1 GB'),
      q8: hub('1.71 GB'),
      q4: hub('1.41 GB'),
      q4f16: hub('1.11 GB'),
    },
    sizesAt: '31b70e2',
    recommended: { wasm: 'q8', webgpu: 'q4f16' },
    license: 'apache-2.0',
    openness: smollm2Openness('https://huggingface.co/HuggingFaceTB/SmolLM2-1.7B-Instruct'),
    embedding: null,
    sources: [
      'https://huggingface.co/HuggingFaceTB/SmolLM2-1.7B-Instruct/tree/main/onnx',
      'https://huggingface.co/HuggingFaceTB/SmolLM2-1.7B-Instruct',
      'https://huggingface.co/lmstudio-community/SmolLM2-1.7B-Instruct-GGUF',
      SMOLLM_PAPER,
      SMOLLM_REPO,
      SMOLLM_PRETRAINING,
      SMOLLM_POSTTRAINING,
      SMOLLM_WEBGPU_EXAMPLE,
    ],
  }),
  defineModel({
    id: 'onnx-community/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5 0.5B Instruct',
    task: 'text-generation',
    description:
      'Alibaba’s Qwen2.5 0.5B chat model (29+ languages), converted to ONNX by the onnx-community. Open weights ' +
      'under Apache 2.0; the 18-trillion-token pretraining data is described but not released. Unverified: ' +
      'whether any training code is published (none found).',
    forged: false,
    parameters: 490_000_000,
    contextLength: 32_768,
    sizes: {
      fp32: hub('1.99 GB'),
      fp16: hub('997 MB'),
      q8: hub('512 MB'),
      q4: hub('786 MB'),
      q4f16: hub('483 MB'),
    },
    sizesAt: '516c8d0',
    recommended: { wasm: 'q4f16', webgpu: 'q4f16' },
    license: 'apache-2.0',
    openness: {
      architecture: {
        status: 'yes',
        source: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct',
        note: 'Transformer with RoPE, SwiGLU, RMSNorm, QKV bias and tied embeddings; 24 layers, 14 query / 2 KV heads.',
      },
      weights: {
        status: 'yes',
        source: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct',
        note: 'Apache 2.0 for this size.',
      },
      trainingCode: {
        status: 'unknown',
        source: null,
        note: 'Neither the model card nor the release blog links training code.',
      },
      trainingData: {
        status: 'no',
        source: QWEN25_BLOG,
        note: 'Pretrained on Alibaba’s own dataset of up to 18 trillion tokens, which is not released.',
      },
    },
    embedding: null,
    sources: [
      'https://huggingface.co/onnx-community/Qwen2.5-0.5B-Instruct/tree/main/onnx',
      'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct',
      QWEN25_BLOG,
    ],
  }),
  defineModel({
    id: 'onnx-community/Llama-3.2-1B-Instruct',
    label: 'Llama 3.2 1B Instruct',
    task: 'text-generation',
    description:
      'Meta’s Llama 3.2 1B chat model, converted to ONNX by the onnx-community. Open weights under a custom ' +
      'license with use restrictions (an acceptable-use policy, a separate license above 700 million monthly ' +
      'users, “Built with Llama” attribution). Training code and data are not published. Its fp32 weights ' +
      '(4.94 GB), and its 4-bit ones once run as int8, do not fit in WASM memory, so WASM gets q8.',
    forged: false,
    parameters: 1_230_000_000,
    contextLength: 131_072,
    sizes: {
      fp32: hub('524 kB', '4.94 GB'),
      fp16: hub('532 kB', '2.47 GB'),
      q8: hub('1.24 GB'),
      q4: hub('1.66 GB'),
      q4f16: hub('1.07 GB'),
    },
    sizesAt: '1ae0c06',
    recommended: { wasm: 'q8', webgpu: 'q4f16' },
    license: 'llama3.2',
    openness: {
      architecture: {
        status: 'yes',
        source: LLAMA32_CARD,
        note: 'An auto-regressive transformer with grouped-query attention and shared embeddings; config.json gives the shapes.',
      },
      weights: {
        status: 'yes',
        source: LICENSES['llama3.2'].url,
        note: 'Downloadable, under the Llama 3.2 Community License and its Acceptable Use Policy.',
      },
      trainingCode: {
        status: 'no',
        source: LLAMA32_CARD,
        note: 'The card says Meta used “custom training libraries”; they are not released.',
      },
      trainingData: {
        status: 'no',
        source: LLAMA32_CARD,
        note: '“A new mix of publicly available online data”, up to 9 trillion tokens: described, not released.',
      },
    },
    embedding: null,
    sources: [
      'https://huggingface.co/onnx-community/Llama-3.2-1B-Instruct/tree/main/onnx',
      'https://huggingface.co/onnx-community/Llama-3.2-1B-Instruct/blob/f91ba3ec08fde6b664d0b1a02cf4305b53a41141/config.json',
      LLAMA32_CARD,
      LICENSES['llama3.2'].url,
    ],
  }),
  defineModel({
    id: 'onnx-community/Qwen3-0.6B-ONNX',
    label: 'Qwen3 0.6B',
    task: 'text-generation',
    description:
      'Alibaba’s Qwen3 0.6B, with thinking and non-thinking modes, converted to ONNX by the onnx-community. ' +
      'Open weights under Apache 2.0; the 36-trillion-token pretraining data is described but not released. ' +
      'On WASM its q4f16 weights run as int8. Unverified: which weight files the repository holds beyond ' +
      'q4f16 (the one its card and the official WebGPU example load) and all file sizes; whether any ' +
      'training code is published.',
    forged: false,
    parameters: 600_000_000,
    contextLength: 32_768,
    sizes: { q4f16: null },
    sizesAt: null,
    recommended: { wasm: 'q4f16', webgpu: 'q4f16' },
    license: 'apache-2.0',
    openness: {
      architecture: {
        status: 'yes',
        source: 'https://huggingface.co/Qwen/Qwen3-0.6B',
        note: 'A causal transformer with 28 layers and grouped-query attention (16 query / 8 KV heads).',
      },
      weights: { status: 'yes', source: 'https://huggingface.co/Qwen/Qwen3-0.6B', note: 'Apache 2.0.' },
      trainingCode: {
        status: 'unknown',
        source: null,
        note: 'Neither the model card nor the release blog links training code.',
      },
      trainingData: {
        status: 'no',
        source: 'https://huggingface.co/Qwen/Qwen3-1.7B-Base/blob/refs%2Fpr%2F2/README.md',
        note: 'Qwen3 is pretrained on 36 trillion tokens in 119 languages, described in the family’s cards, not released.',
      },
    },
    embedding: null,
    sources: [
      'https://huggingface.co/onnx-community/Qwen3-0.6B-ONNX',
      'https://github.com/huggingface/transformers.js-examples/blob/main/qwen3-webgpu/src/worker.js',
      'https://huggingface.co/Qwen/Qwen3-0.6B',
      'https://docs.m5stack.com/en/stackflow/models/qwen3-0.6b',
      'https://huggingface.co/Qwen/Qwen3-1.7B-Base/blob/refs%2Fpr%2F2/README.md',
    ],
  }),
  defineModel({
    id: 'Xenova/all-MiniLM-L6-v2',
    label: 'all-MiniLM-L6-v2',
    task: 'feature-extraction',
    description:
      'The classic small English sentence encoder from sentence-transformers, converted to ONNX. Fully open: ' +
      'the training script and the list of its public datasets ship with the model. Inputs longer than 256 ' +
      'word pieces are truncated. Unverified: the parameter count (the card does not state it).',
    forged: false,
    parameters: null,
    contextLength: 256,
    sizes: { fp32: hub('90.4 MB'), fp16: hub('45.3 MB'), q8: hub('23 MB') },
    sizesAt: 'cb3d680',
    recommended: { wasm: 'q8', webgpu: 'fp32' },
    license: 'apache-2.0',
    openness: {
      architecture: {
        status: 'yes',
        source: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2',
        note: 'A 6-layer BERT (MiniLM) encoder followed by mean pooling and normalization.',
      },
      weights: {
        status: 'yes',
        source: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2',
        note: 'Apache 2.0.',
      },
      trainingCode: {
        status: 'yes',
        source: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/blob/main/train_script.py',
        note: 'train_script.py is in the model repository.',
      },
      trainingData: {
        status: 'yes',
        source: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/blob/main/data_config.json',
        note: 'About a billion sentence pairs from public datasets (S2ORC, MS MARCO, Stack Exchange, …), listed in the card and data_config.json.',
      },
    },
    embedding: { pooling: 'mean', normalize: true, dimensions: 384, prefixes: null, pooledOutput: null },
    sources: [
      'https://huggingface.co/Xenova/all-MiniLM-L6-v2/tree/cb3d680149bf9a3209564e1b27ab3bb355b65707/onnx',
      'https://huggingface.co/Xenova/all-MiniLM-L6-v2/blob/cb3d680149bf9a3209564e1b27ab3bb355b65707/README.md',
      'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2',
      'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/blob/main/train_script.py',
      'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/blob/main/data_config.json',
    ],
  }),
  defineModel({
    id: 'Xenova/bge-small-en-v1.5',
    label: 'BGE small en v1.5',
    task: 'feature-extraction',
    description:
      'BAAI’s small English retrieval encoder, converted to ONNX. It uses the [CLS] vector, not mean pooling: ' +
      'BAAI warns that mean pooling degrades it. Queries (not documents) take an instruction prefix for ' +
      'retrieval. Unverified: the parameter count; the exact data mix of v1.5.',
    forged: false,
    parameters: null,
    contextLength: 512,
    sizes: { fp32: hub('133 MB'), fp16: hub('66.7 MB'), q8: hub('34 MB') },
    sizesAt: 'b7ad92a',
    recommended: { wasm: 'q8', webgpu: 'fp32' },
    license: 'mit',
    openness: {
      architecture: {
        status: 'yes',
        source:
          'https://github.com/FlagOpen/FlagEmbedding/blob/master/research/baai_general_embedding/README.md',
        note: 'A BERT encoder read at the [CLS] token, then normalized.',
      },
      weights: { status: 'yes', source: 'https://huggingface.co/BAAI/bge-small-en-v1.5', note: 'MIT.' },
      trainingCode: {
        status: 'yes',
        source: 'https://github.com/FlagOpen/FlagEmbedding',
        note: 'FlagEmbedding publishes the RetroMAE pretraining and contrastive fine-tuning code.',
      },
      trainingData: {
        status: 'partly',
        source: 'https://github.com/FlagOpen/FlagEmbedding',
        note:
          'BAAI lists the English training pairs by public source (sentence-transformers data, Wikipedia, ' +
          'cc-net, Stack Exchange, Reddit, S2ORC); the assembled set is not released as one dataset.',
      },
    },
    embedding: {
      pooling: 'cls',
      normalize: true,
      dimensions: 384,
      prefixes: { query: 'Represent this sentence for searching relevant passages: ', document: '' },
      pooledOutput: null,
    },
    sources: [
      'https://huggingface.co/Xenova/bge-small-en-v1.5/tree/main/onnx',
      'https://huggingface.co/BAAI/bge-small-en-v1.5',
      'https://github.com/FlagOpen/FlagEmbedding',
      'https://github.com/FlagOpen/FlagEmbedding/blob/master/research/baai_general_embedding/README.md',
    ],
  }),
  defineModel({
    id: 'Xenova/multilingual-e5-small',
    label: 'multilingual-E5 small',
    task: 'feature-extraction',
    description:
      'Microsoft’s small multilingual encoder (about 100 languages), converted to ONNX. Every input must start ' +
      'with "query: " or "passage: ". Unverified: the parameter count; whether training code is published; a ' +
      'released copy of the assembled training pairs.',
    forged: false,
    parameters: null,
    contextLength: 512,
    sizes: { fp32: hub('470 MB'), fp16: hub('235 MB'), q8: hub('118 MB') },
    sizesAt: 'ae61bf0',
    recommended: { wasm: 'q8', webgpu: 'fp32' },
    license: 'mit',
    openness: {
      architecture: {
        status: 'yes',
        source: 'https://huggingface.co/Xenova/multilingual-e5-small/blob/main/config.json',
        note: 'A 12-layer BERT encoder with a 250k-token XLM-RoBERTa vocabulary, mean-pooled.',
      },
      weights: {
        status: 'yes',
        source: 'https://huggingface.co/intfloat/multilingual-e5-small',
        note: 'MIT.',
      },
      trainingCode: {
        status: 'unknown',
        source: null,
        note: 'The card links the paper and evaluation code; no training code was found.',
      },
      trainingData: {
        status: 'partly',
        source: 'https://huggingface.co/intfloat/multilingual-e5-small',
        note: 'The card lists the public sources of its weakly supervised and supervised pairs; the assembled set was not found released.',
      },
    },
    embedding: {
      pooling: 'mean',
      normalize: true,
      dimensions: 384,
      prefixes: { query: 'query: ', document: 'passage: ' },
      pooledOutput: null,
    },
    sources: [
      'https://huggingface.co/Xenova/multilingual-e5-small/tree/ae61bf0193ce3851dc8a45147e459b04ed783d8a/onnx',
      'https://huggingface.co/Xenova/multilingual-e5-small/blob/main/config.json',
      'https://huggingface.co/intfloat/multilingual-e5-small',
    ],
  }),
  defineModel({
    id: 'onnx-community/embeddinggemma-300m-ONNX',
    label: 'EmbeddingGemma 300M',
    task: 'feature-extraction',
    description:
      'Google’s multilingual (100+ languages) embedding model built on Gemma 3, converted to ONNX. The graph ' +
      'pools, projects and normalizes itself: read its sentence_embedding output. Queries and documents take ' +
      'task prefixes. Weights under the Gemma Terms of Use; the training data is proprietary. Unverified: all ' +
      'file sizes; whether training code is published. fp16 is not among the formats its Transformers.js ' +
      'example offers.',
    forged: false,
    parameters: 308_000_000,
    contextLength: 2048,
    sizes: { fp32: null, q8: null, q4: null },
    sizesAt: null,
    recommended: { wasm: 'q8', webgpu: 'fp32' },
    license: 'gemma',
    openness: {
      architecture: {
        status: 'yes',
        source: EMBEDDINGGEMMA_BLOG,
        note: 'Gemma 3 made bidirectional, then mean pooling and two dense layers to a 768-dimensional vector.',
      },
      weights: {
        status: 'yes',
        source: EMBEDDINGGEMMA_OVERVIEW,
        note: 'Open weights “licensed for responsible commercial use”: the Gemma Terms of Use and Prohibited Use Policy.',
      },
      trainingCode: {
        status: 'unknown',
        source: null,
        note: 'The release shows how to fine-tune the model, not how Google trained it.',
      },
      trainingData: {
        status: 'no',
        source: EMBEDDINGGEMMA_BLOG,
        note: 'About 320 billion tokens of “proprietary” data: web text, code and synthetic examples.',
      },
    },
    embedding: {
      pooling: 'mean',
      normalize: true,
      dimensions: 768,
      prefixes: { query: 'task: search result | query: ', document: 'title: none | text: ' },
      pooledOutput: 'sentence_embedding',
    },
    sources: [
      EMBEDDINGGEMMA_BLOG,
      EMBEDDINGGEMMA_OVERVIEW,
      // The ONNX repository's license tag, seen on a duplicate of it, and a derivative's card quoting the terms.
      'https://huggingface.co/textagent/embeddinggemma-300m-ONNX/blob/main/tokenizer_config.json',
      'https://huggingface.co/cookieshake/embeddinggemma-300m-onnx',
      LICENSES.gemma.url,
    ],
  }),
]);
