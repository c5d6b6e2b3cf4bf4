/**
 * A forged decoder as GGUF v3, llama.cpp's file format, at f32, q8_0 or q4_0: the fp32 parameters the ONNX
 * files are made from, named, laid out and described as llama.cpp's convert_hf_to_gguf.py writes a
 * LlamaForCausalLM, so llama.cpp (wllama in the benchmark) runs the very same model as the app.
 *
 *   const chunks = decoderGguf(preset, parametersOf(buildPresetModel(preset)), tokenizer.tokenizerJson, 'q4_0');
 *   // header, metadata and tensor infos, then each tensor's data 32-byte aligned
 *
 * As convert_hf_to_gguf.py does for Llama, the rows of q_proj and k_proj are permuted per head from
 * Hugging Face's rotary layout (the two halves of a head rotate together: rotate_half) to GGML's (pairs of
 * neighbours rotate together); without it llama.cpp computes a different model. Quantized files quantize
 * every matrix, the tied embedding included (as `llama-quantize --pure`), and keep the norms in f32; the
 * blocks are ggml's quantize_row_q8_0_ref and quantize_row_q4_0_ref.
 */
import { float16Bits } from './onnx/float16.ts';
import type { DecoderPreset } from './presets.ts';
import type { Parameter } from './safetensors.ts';

export const GGUF_TYPES = Object.freeze(['f32', 'q8_0', 'q4_0'] as const);
export type GgufType = (typeof GGUF_TYPES)[number];

/** Where each type's file goes in a model folder. */
export const ggufFile = (type: GgufType): string => `gguf/model-${type}.gguf`;

/** ggml_type ids, and the llama_ftype of a file of that type. */
const GGML_TYPE: Readonly<Record<GgufType, number>> = { f32: 0, q4_0: 2, q8_0: 8 };
const FILE_TYPE: Readonly<Record<GgufType, number>> = { f32: 0, q4_0: 2, q8_0: 7 };
export const GGUF_ALIGNMENT = 32;
/** Values per quantized block (QK8_0 = QK4_0 = 32). */
export const BLOCK = 32;

export type MetadataValue =
  | { readonly type: 'u32'; readonly value: number }
  | { readonly type: 'f32'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'i32s'; readonly value: readonly number[] };

export interface GgufTensor {
  readonly name: string;
  /** ggml's order: dims[0] is the contiguous one (a torch [out, in] matrix is [in, out]). */
  readonly dims: readonly number[];
  readonly type: GgufType;
  readonly data: Uint8Array;
}

/** gguf_type ids of the value types written here. */
const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;

/** A little-endian byte buffer that grows as it is written. */
class Writer {
  private bytes = new Uint8Array(1 << 16);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private room(size: number): void {
    if (this.length + size <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + size));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
  u32(value: number): void {
    this.room(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }
  i32(value: number): void {
    this.room(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }
  u64(value: number): void {
    this.room(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
  }
  f32(value: number): void {
    this.room(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }
  u8(value: number): void {
    this.room(1);
    this.bytes[this.length++] = value;
  }
  string(value: string): void {
    const encoded = new TextEncoder().encode(value);
    this.u64(encoded.length);
    this.room(encoded.length);
    this.bytes.set(encoded, this.length);
    this.length += encoded.length;
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    this.room(pad);
    this.bytes.fill(0, this.length, this.length + pad);
    this.length += pad;
  }
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

function writeValue(out: Writer, value: MetadataValue): void {
  switch (value.type) {
    case 'u32':
      out.u32(VALUE_TYPE.u32);
      return out.u32(value.value);
    case 'f32':
      out.u32(VALUE_TYPE.f32);
      return out.f32(value.value);
    case 'bool':
      out.u32(VALUE_TYPE.bool);
      return out.u8(value.value ? 1 : 0);
    case 'string':
      out.u32(VALUE_TYPE.string);
      return out.string(value.value);
    case 'strings':
      out.u32(VALUE_TYPE.array);
      out.u32(VALUE_TYPE.string);
      out.u64(value.value.length);
      for (const item of value.value) out.string(item);
      return;
    case 'i32s':
      out.u32(VALUE_TYPE.array);
      out.u32(VALUE_TYPE.i32);
      out.u64(value.value.length);
      for (const item of value.value) out.i32(item);
      return;
  }
}

/**
 * A GGUF v3 file as chunks: magic, version, counts, the metadata, the tensor infos (offsets into the data,
 * each aligned to 32 bytes), padding, then the tensors' data.
 */
export function encodeGguf(
  metadata: readonly (readonly [string, MetadataValue])[],
  tensors: readonly GgufTensor[],
): Uint8Array[] {
  const header = new Writer();
  header.u32(0x46554747); // "GGUF"
  header.u32(3);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const [key, value] of metadata) {
    header.string(key);
    writeValue(header, value);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const dim of tensor.dims) header.u64(dim);
    header.u32(GGML_TYPE[tensor.type]);
    header.u64(offset);
    chunks.push(tensor.data);
    offset += tensor.data.length;
    const pad = (GGUF_ALIGNMENT - (offset % GGUF_ALIGNMENT)) % GGUF_ALIGNMENT;
    if (pad > 0) chunks.push(new Uint8Array(pad));
    offset += pad;
  }
  header.padTo(GGUF_ALIGNMENT);
  return [header.result(), ...chunks];
}

/** The largest magnitude in a block, and the value that has it (the first one, as ggml keeps it). */
function blockExtreme(values: Float32Array, start: number): { amax: number; max: number } {
  let amax = 0;
  let max = 0;
  for (let i = start; i < start + BLOCK; i++) {
    const v = values[i] ?? 0;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return { amax, max };
}

/** ggml's block_q8_0 per 32 values: a float16 scale max|x|/127, then 32 int8 round(x/scale). */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  const blocks = values.length / BLOCK;
  const out = new Uint8Array(blocks * 34);
  const quants = new Int8Array(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const d = Math.fround(blockExtreme(values, b * BLOCK).amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    const bits = float16Bits(d);
    out[b * 34] = bits & 0xff;
    out[b * 34 + 1] = bits >>> 8;
    for (let j = 0; j < BLOCK; j++) {
      const x = Math.fround((values[b * BLOCK + j] ?? 0) * id);
      quants[b * 34 + 2 + j] = Math.trunc(x < 0 ? x - 0.5 : x + 0.5); // roundf: halves away from zero (exact in doubles)
    }
  }
  return out;
}

/**
 * ggml's block_q4_0 per 32 values: a float16 scale d = (the value of largest magnitude) / -8, then 16 bytes,
 * byte j holding value j in its low nibble and value j + 16 in its high one, each min(15, ⌊x/d + 8.5⌋).
 */
export function quantizeQ4_0(values: Float32Array): Uint8Array {
  const blocks = values.length / BLOCK;
  const out = new Uint8Array(blocks * 18);
  for (let b = 0; b < blocks; b++) {
    const start = b * BLOCK;
    const d = Math.fround(blockExtreme(values, start).max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    const bits = float16Bits(d);
    out[b * 18] = bits & 0xff;
    out[b * 18 + 1] = bits >>> 8;
    for (let j = 0; j < BLOCK / 2; j++) {
      const low = Math.fround(Math.fround((values[start + j] ?? 0) * id) + 8.5);
      const high = Math.fround(Math.fround((values[start + j + BLOCK / 2] ?? 0) * id) + 8.5);
      out[b * 18 + 2 + j] = Math.min(15, Math.trunc(low)) | (Math.min(15, Math.trunc(high)) << 4);
    }
  }
  return out;
}

/**
 * convert_hf_to_gguf.py's LlamaModel.permute on a torch [heads · D, in] matrix: within each head, row
 * half · D/2 + j (Hugging Face: the halves rotate together) moves to 2j + half (GGML: neighbours do).
 */
export function permuteRotaryRows(values: Float32Array, heads: number, columns: number): Float32Array {
  const headDim = values.length / columns / heads;
  const half = headDim / 2;
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++)
    for (let part = 0; part < 2; part++)
      for (let j = 0; j < half; j++) {
        const from = (h * headDim + part * half + j) * columns;
        out.set(values.subarray(from, from + columns), (h * headDim + 2 * j + part) * columns);
      }
  return out;
}

/** Hugging Face's Llama parameter names → llama.cpp's tensor names. */
const TENSOR_NAMES: readonly (readonly [RegExp, string])[] = [
  [/^model\.embed_tokens\.weight$/, 'token_embd.weight'],
  [/^model\.norm\.weight$/, 'output_norm.weight'],
  [/^lm_head\.weight$/, 'output.weight'],
  [/^model\.layers\.(\d+)\.input_layernorm\.weight$/, 'blk.$1.attn_norm.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.q_proj\.weight$/, 'blk.$1.attn_q.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.k_proj\.weight$/, 'blk.$1.attn_k.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.v_proj\.weight$/, 'blk.$1.attn_v.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.o_proj\.weight$/, 'blk.$1.attn_output.weight'],
  [/^model\.layers\.(\d+)\.post_attention_layernorm\.weight$/, 'blk.$1.ffn_norm.weight'],
  [/^model\.layers\.(\d+)\.mlp\.gate_proj\.weight$/, 'blk.$1.ffn_gate.weight'],
  [/^model\.layers\.(\d+)\.mlp\.up_proj\.weight$/, 'blk.$1.ffn_up.weight'],
  [/^model\.layers\.(\d+)\.mlp\.down_proj\.weight$/, 'blk.$1.ffn_down.weight'],
];

export function llamaCppName(name: string): string {
  for (const [pattern, replacement] of TENSOR_NAMES)
    if (pattern.test(name)) return name.replace(pattern, replacement);
  throw new Error(`No llama.cpp name for the parameter ${name}.`);
}

const asBytes = (values: Float32Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** A parameter as llama.cpp stores it: Q and K permuted, matrices at `type`, vectors in f32. */
function ggufTensor(preset: DecoderPreset, parameter: Parameter, type: GgufType): GgufTensor {
  const name = llamaCppName(parameter.name);
  const columns = parameter.shape.at(-1) ?? 1;
  const heads = name.endsWith('attn_q.weight')
    ? preset.model.numHeads
    : name.endsWith('attn_k.weight')
      ? preset.model.numKvHeads
      : null;
  const values = heads === null ? parameter.values : permuteRotaryRows(parameter.values, heads, columns);
  const dims = [...parameter.shape].reverse();
  const stored: GgufType = dims.length === 2 && columns % BLOCK === 0 ? type : 'f32';
  const data =
    stored === 'q8_0' ? quantizeQ8_0(values) : stored === 'q4_0' ? quantizeQ4_0(values) : asBytes(values);
  return { name, dims, type: stored, data };
}

interface TokenizerJson {
  readonly added_tokens: readonly { readonly id: number; readonly special: boolean }[];
  readonly model: { readonly vocab: Record<string, number>; readonly merges: readonly (readonly string[])[] };
}

/** The byte-level BPE as llama.cpp's `gpt2` tokenizer model reads it: tokens by id, their types, merges. */
function tokenizerMetadata(preset: DecoderPreset, json: TokenizerJson): [string, MetadataValue][] {
  const tokens = new Array<string>(preset.model.vocabSize);
  for (const [token, id] of Object.entries(json.model.vocab)) tokens[id] = token;
  if (tokens.some((token) => token === undefined) || tokens.length !== preset.model.vocabSize)
    throw new Error(`${preset.repo}: the tokenizer does not name every id of the embedding.`);
  const special = new Set(json.added_tokens.filter((t) => t.special).map((t) => t.id));
  return [
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    // The forged pre-tokenizer is GPT-2's regex (tokenizers/bpe.ts).
    ['tokenizer.ggml.pre', { type: 'string', value: 'gpt-2' }],
    ['tokenizer.ggml.tokens', { type: 'strings', value: tokens }],
    // 1: normal, 3: control (llama_token_type)
    ['tokenizer.ggml.token_type', { type: 'i32s', value: tokens.map((_, id) => (special.has(id) ? 3 : 1)) }],
    ['tokenizer.ggml.merges', { type: 'strings', value: json.model.merges.map((pair) => pair.join(' ')) }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: preset.tokens.bos }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: preset.tokens.eos }],
    ['tokenizer.ggml.padding_token_id', { type: 'u32', value: preset.tokens.pad }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
  ];
}

/** The decoder of `preset`, its fp32 `parameters` (safetensors.ts' parametersOf), as a GGUF file of `type`, in chunks. */
export function decoderGguf(
  preset: DecoderPreset,
  parameters: readonly Parameter[],
  tokenizerJson: Record<string, unknown>,
  type: GgufType,
): Uint8Array[] {
  const m = preset.model;
  const u32 = (value: number) => ({ type: 'u32', value }) as const;
  const f32 = (value: number) => ({ type: 'f32', value }) as const;
  const metadata: [string, MetadataValue][] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: preset.repo }],
    ['general.file_type', u32(FILE_TYPE[type])],
    ['general.quantization_version', u32(2)],
    ['general.alignment', u32(GGUF_ALIGNMENT)],
    ['llama.context_length', u32(m.maxPositionEmbeddings)],
    ['llama.embedding_length', u32(m.hiddenSize)],
    ['llama.block_count', u32(m.numLayers)],
    ['llama.feed_forward_length', u32(m.intermediateSize)],
    ['llama.attention.head_count', u32(m.numHeads)],
    ['llama.attention.head_count_kv', u32(m.numKvHeads)],
    ['llama.attention.key_length', u32(m.headDim)],
    ['llama.attention.value_length', u32(m.headDim)],
    ['llama.rope.dimension_count', u32(m.headDim)],
    ['llama.rope.freq_base', f32(m.ropeTheta)],
    ['llama.attention.layer_norm_rms_epsilon', f32(m.rmsNormEps)],
    ['llama.vocab_size', u32(m.vocabSize)],
    ...tokenizerMetadata(preset, tokenizerJson as unknown as TokenizerJson),
  ];
  const tensors = parameters.map((parameter) => ggufTensor(preset, parameter, type));
  return encodeGguf(metadata, tensors);
}
