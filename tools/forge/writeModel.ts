/**
 * Writes a complete Hugging Face-format model folder for a preset:
 *
 *   config.json  generation_config.json (decoders)  tokenizer.json  tokenizer_config.json
 *   onnx/model.onnx  onnx/model_quantized.onnx  onnx/model_q4.onnx  README.md  .forge-stamp
 *
 * The folder is assembled under a temporary name beside its destination and renamed into place
 * only when complete, so an interrupted run never leaves a folder that looks finished. The
 * `.forge-stamp` records a hash of the forge's sources and the preset: a folder whose stamp
 * matches (and whose files are all there, at their recorded sizes) is up to date.
 *
 * @example
 *   await writeModelFolder('tiny-chat', 'public/models/glassbox/tiny-chat/resolve/main');
 *   // → { status: 'written', folder: '…/resolve/main', bytes: 1_387_002, timings: { tokenizer: 310, fp32: 12, … } }
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDecoder, decoderParameterCount } from './decoder.ts';
import { buildEncoder, encoderParameterCount } from './encoder.ts';
import type { OnnxModel } from './onnx/graph.ts';
import { encodeModel } from './onnx/proto.ts';
import { DTYPE_FILES, getPreset, type ForgedDtype, type Preset, type PresetName } from './presets.ts';
import { quantizeModel } from './quantize.ts';
import { trainByteLevelBpe } from './tokenizers/bpe.ts';
import {
  CHAT_SPECIAL_TOKENS,
  chatTokenizerConfig,
  embeddingTokenizerConfig,
  loadCorpus,
} from './tokenizers/configs.ts';
import { trainWordPiece } from './tokenizers/wordpiece.ts';
import { safetensorsOf } from './safetensors.ts';

export const STAMP_FILE = '.forge-stamp';
/** Bump when the folder layout changes in a way the source hash would not show. */
const STAMP_VERSION = 1;
const FORGE_ROOT = dirname(fileURLToPath(import.meta.url));

/** The fp32 graph of a preset: the starting point of every dtype. */
export function buildPresetModel(preset: Preset): OnnxModel {
  return preset.kind === 'decoder'
    ? buildDecoder(preset.model, preset.seed)
    : buildEncoder(preset.model, preset.seed);
}

/** The graph of a preset at a dtype (quantized from the fp32 graph when asked). */
export function buildPresetDtype(fp32: OnnxModel, dtype: ForgedDtype): OnnxModel {
  return dtype === 'fp32' ? fp32 : quantizeModel(fp32, dtype);
}

export function parameterCount(preset: Preset): number {
  return preset.kind === 'decoder'
    ? decoderParameterCount(preset.model)
    : encoderParameterCount(preset.model);
}

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

/** config.json with the keys transformers writes for LlamaForCausalLM / BertModel. */
export function configJson(preset: Preset): Record<string, unknown> {
  const forged = {
    preset: presetNameOf(preset),
    seed: preset.seed,
    note: 'random weights: shows the machinery, not language',
  };
  if (preset.kind === 'decoder') {
    const m = preset.model;
    return {
      architectures: ['LlamaForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: preset.tokens.bos,
      eos_token_id: preset.tokens.eos,
      head_dim: m.headDim,
      hidden_act: 'silu',
      hidden_size: m.hiddenSize,
      initializer_range: m.init.embeddingStd,
      intermediate_size: m.intermediateSize,
      max_position_embeddings: m.maxPositionEmbeddings,
      mlp_bias: false,
      model_type: 'llama',
      num_attention_heads: m.numHeads,
      num_hidden_layers: m.numLayers,
      num_key_value_heads: m.numKvHeads,
      pad_token_id: preset.tokens.pad,
      pretraining_tp: 1,
      rms_norm_eps: m.rmsNormEps,
      rope_scaling: null,
      rope_theta: m.ropeTheta,
      tie_word_embeddings: m.tieWordEmbeddings,
      torch_dtype: 'float32',
      transformers_version: '4.46.0',
      use_cache: true,
      vocab_size: m.vocabSize,
      glassbox_forged: forged,
    };
  }
  const m = preset.model;
  return {
    architectures: ['BertModel'],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: m.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: m.intermediateSize,
    layer_norm_eps: m.layerNormEps,
    max_position_embeddings: m.maxPositionEmbeddings,
    model_type: 'bert',
    num_attention_heads: m.numHeads,
    num_hidden_layers: m.numLayers,
    pad_token_id: preset.tokens.pad,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
    transformers_version: '4.46.0',
    type_vocab_size: m.typeVocabSize,
    use_cache: true,
    vocab_size: m.vocabSize,
    glassbox_forged: forged,
  };
}

/** generation_config.json: special ids only; no sampling defaults, so greedy stays greedy. */
export function generationConfigJson(preset: Preset): Record<string, unknown> | null {
  if (preset.kind !== 'decoder') return null;
  return {
    bos_token_id: preset.tokens.bos,
    eos_token_id: preset.tokens.eos,
    pad_token_id: preset.tokens.pad,
    transformers_version: '4.46.0',
  };
}

export function modelCard(preset: Preset): string {
  const task = preset.kind === 'decoder' ? 'text-generation' : 'feature-extraction';
  const m = preset.model;
  const shape =
    preset.kind === 'decoder'
      ? `LLaMA-style decoder: ${m.numLayers} layers, hidden ${m.hiddenSize}, ${preset.model.numHeads} heads / ${preset.model.numKvHeads} KV heads, head dim ${preset.model.headDim}, FFN ${m.intermediateSize}, vocabulary ${m.vocabSize}, context ${m.maxPositionEmbeddings}, rope θ ${preset.model.ropeTheta}, ${preset.model.tieWordEmbeddings ? 'tied' : 'untied'} embeddings`
      : `BERT-style encoder: ${m.numLayers} layers, hidden ${m.hiddenSize}, ${m.numHeads} heads, FFN ${m.intermediateSize}, vocabulary ${m.vocabSize}, ${m.maxPositionEmbeddings} positions`;
  const files = preset.dtypes.map((d) => `- \`onnx/${DTYPE_FILES[d]}\` (${d})`).join('\n');
  return `---
library_name: transformers.js
pipeline_tag: ${task}
tags:
  - glassbox
  - forged
  - random-weights
---

# ${preset.repo}

**These are random weights.** This model was forged by Glassbox's \`tools/forge\` from seed ${preset.seed}; it was never trained. It shows the machinery (the same files, operators, shapes and code paths as a real model) and produces meaningless ${preset.kind === 'decoder' ? 'text' : 'vectors'}.

${preset.description}

- Architecture: ${shape}
- Parameters: ${parameterCount(preset).toLocaleString('en-US')}
- Tokenizer: ${preset.tokenizer.kind === 'byte-level-bpe' ? 'byte-level BPE' : 'WordPiece (uncased)'} trained on the project's own English text (\`tools/forge/corpus\`)
- Task: ${task}

## Files

- \`model.safetensors\`: the fp32 parameters in Hugging Face names and layouts
${files}

The quantized files follow Transformers.js conventions: \`_quantized\` is onnxruntime dynamic int8 quantization (DynamicQuantizeLinear + MatMulInteger), \`_q4\` uses MatMulNBits (4-bit, blocks of 32). The embedding Gather stays fp32.

Regenerate with \`npx tsx tools/forge/cli.ts\` (see \`tools/forge/README.md\`).
`;
}

function presetNameOf(preset: Preset): string {
  return preset.repo.split('/')[1] ?? preset.repo;
}

// ---------------------------------------------------------------------------------------------
// Stamps

/** Files whose contents decide what the forge writes: its sources, proto and corpus, not its tests. */
function forgeSourceFiles(dir = FORGE_ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing' && entry.name !== 'node_modules') files.push(...forgeSourceFiles(path));
    } else if (!entry.name.endsWith('.test.ts') && entry.name !== 'README.md') {
      files.push(path);
    }
  }
  return files.sort();
}

let sourceHash: string | undefined;
/** SHA-256 over the forge's source files (paths and contents), computed once per process. */
export function forgeSourceHash(): string {
  if (sourceHash === undefined) {
    const hash = createHash('sha256');
    for (const file of forgeSourceFiles()) {
      // Normalise line endings so a CRLF checkout agrees with an LF one.
      hash.update(relative(FORGE_ROOT, file).replaceAll('\\', '/')).update('\0');
      hash.update(readFileSync(file, 'utf8').replace(/\r\n?/g, '\n')).update('\0');
    }
    sourceHash = hash.digest('hex');
  }
  return sourceHash;
}

export interface ForgeStamp {
  readonly version: number;
  readonly preset: string;
  readonly repo: string;
  readonly seed: number;
  /** Hash of the forge sources and the preset's settings. */
  readonly hash: string;
  /** Relative path → size in bytes and SHA-256. */
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}

export function expectedStampHash(preset: Preset): string {
  return createHash('sha256')
    .update(String(STAMP_VERSION))
    .update(forgeSourceHash())
    .update(JSON.stringify(preset))
    .digest('hex');
}

function readStamp(folder: string): ForgeStamp | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(folder, STAMP_FILE), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || !('hash' in parsed) || !('files' in parsed))
      return null;
    return parsed as ForgeStamp;
  } catch {
    return null;
  }
}

/** True when the folder was written by this forge for this preset and every file it lists is there at its size. */
export function isUpToDate(preset: Preset, folder: string): boolean {
  const stamp = readStamp(folder);
  if (stamp === null || stamp.hash !== expectedStampHash(preset)) return false;
  return Object.entries(stamp.files).every(([file, info]) => {
    const path = join(folder, file);
    return existsSync(path) && statSync(path).size === info.bytes;
  });
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface WriteOptions {
  /** Rewrite even when the stamp says the folder is current. */
  readonly force?: boolean;
  /** Progress lines (what is being forged, how long it took). */
  readonly log?: (line: string) => void;
}

export interface WriteResult {
  readonly status: 'written' | 'up-to-date';
  readonly folder: string;
  readonly bytes: number;
  /** Milliseconds per phase. */
  readonly timings: Readonly<Record<string, number>>;
}

/** `<root>/<org>/<name>/resolve/main`: the Hugging Face hub's URL layout, so a static server can act as the hub. */
export function hubFolder(root: string, preset: Preset): string {
  const [org = '', name = ''] = preset.repo.split('/');
  return join(root, org, name, 'resolve', 'main');
}

export async function writeModelFolder(
  presetOrName: Preset | PresetName,
  folder: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const preset = typeof presetOrName === 'string' ? getPreset(presetOrName) : presetOrName;
  const log = options.log ?? ((): void => {});
  if (!options.force && isUpToDate(preset, folder)) {
    return { status: 'up-to-date', folder, bytes: 0, timings: {} };
  }

  const timings: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    timings[phase] = Math.round(performance.now() - start);
    return result;
  };

  await removeAbandonedStaging(folder);
  const staging = join(dirname(folder), `.${basename(folder)}.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'onnx'), { recursive: true });
  const files: Record<string, { bytes: number; sha256: string }> = {};
  const record = (path: string, chunks: readonly Uint8Array[]): void => {
    const hash = createHash('sha256');
    let bytes = 0;
    for (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.byteLength;
    }
    files[path] = { bytes, sha256: hash.digest('hex') };
  };
  const writeJson = async (path: string, value: unknown): Promise<void> => {
    const data = new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
    await writeFile(join(staging, path), data);
    record(path, [data]);
  };

  try {
    const tokenizer = await timed('tokenizer', () => forgeTokenizer(preset));
    await writeJson('config.json', configJson(preset));
    const generation = generationConfigJson(preset);
    if (generation !== null) await writeJson('generation_config.json', generation);
    await writeJson('tokenizer.json', tokenizer.tokenizerJson);
    await writeJson('tokenizer_config.json', tokenizer.tokenizerConfig);
    const card = new TextEncoder().encode(modelCard(preset));
    await writeFile(join(staging, 'README.md'), card);
    record('README.md', [card]);

    const fp32 = await timed('build fp32', () => buildPresetModel(preset));
    const safetensors = await timed('safetensors', () => safetensorsOf(fp32));
    await writeFile(join(staging, 'model.safetensors'), safetensors);
    record('model.safetensors', [safetensors]);
    for (const dtype of preset.dtypes) {
      const graph =
        dtype === 'fp32' ? fp32 : await timed(`quantize ${dtype}`, () => quantizeModel(fp32, dtype));
      const encoded = await timed(`encode ${dtype}`, () =>
        encodeModel(graph, { externalDataFile: `${DTYPE_FILES[dtype]}_data` }),
      );
      await timed(`write ${dtype}`, async () => {
        const path = `onnx/${DTYPE_FILES[dtype]}`;
        await writeFile(join(staging, path), encoded.onnx);
        record(path, [encoded.onnx]);
        if (encoded.externalData !== null && encoded.externalDataFile !== null) {
          const dataPath = `onnx/${encoded.externalDataFile}`;
          await writeChunks(join(staging, dataPath), encoded.externalData);
          record(dataPath, encoded.externalData);
        }
      });
    }

    const stamp: ForgeStamp = {
      version: STAMP_VERSION,
      preset: presetNameOf(preset),
      repo: preset.repo,
      seed: preset.seed,
      hash: expectedStampHash(preset),
      files,
    };
    // The stamp goes in last: a folder with a stamp is a complete folder.
    await writeFile(join(staging, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    await swapIntoPlace(staging, folder);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const bytes = Object.values(files).reduce((sum, f) => sum + f.bytes, 0);
  log(
    `${preset.repo}: ${(bytes / 1e6).toFixed(1)} MB in ${Object.entries(timings)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')}`,
  );
  return { status: 'written', folder, bytes, timings };
}

function basename(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

async function writeChunks(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

/** Replaces `folder` with `staging` using renames only, so readers see the old folder or the new one. */
async function swapIntoPlace(staging: string, folder: string): Promise<void> {
  await mkdir(dirname(folder), { recursive: true });
  const old = join(dirname(folder), `.${basename(folder)}.old-${process.pid}`);
  await rm(old, { recursive: true, force: true });
  const hadFolder = existsSync(folder);
  if (hadFolder) await rename(folder, old);
  try {
    await rename(staging, folder);
  } catch (error) {
    if (hadFolder) await rename(old, folder); // put the previous complete folder back
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes `.main.tmp-<pid>` / `.main.old-<pid>` left beside `folder` by runs that were killed. */
async function removeAbandonedStaging(folder: string): Promise<void> {
  const parent = dirname(folder);
  if (!existsSync(parent)) return;
  const pattern = new RegExp(
    `^\\.${basename(folder).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)$`,
  );
  for (const entry of readdirSync(parent)) {
    const pid = Number(pattern.exec(entry)?.[2]);
    if (Number.isInteger(pid) && pid !== process.pid && !processIsAlive(pid)) {
      await rm(join(parent, entry), { recursive: true, force: true });
    }
  }
}
