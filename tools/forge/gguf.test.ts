import { describe, expect, it } from 'vitest';
import { buildPresetModel } from './buildModel.ts';
import {
  decoderGguf,
  encodeGguf,
  GGUF_TYPES,
  permuteRotaryRows,
  quantizeQ4_0,
  quantizeQ8_0,
} from './gguf.ts';
import { float16Bits } from './onnx/float16.ts';
import { getPreset, type DecoderPreset } from './presets.ts';
import { forgeTokenizer } from './presetTokenizer.ts';
import { parametersOf } from './safetensors.ts';
import { parseGguf, tensorValues } from './testing/gguf.ts';

const concat = (chunks: readonly Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
};

/** One block: -2, -1.875, …, 1.875 (x_j = (j − 16) / 8). */
const ramp = Float32Array.from({ length: 32 }, (_, j) => (j - 16) / 8);

describe('GGUF blocks, as ggml quantizes them', () => {
  it('q8_0: a float16 scale max|x|/127, then round(x / scale), halves away from zero', () => {
    const block = quantizeQ8_0(ramp);
    expect(block.length).toBe(34);
    const view = new DataView(block.buffer);
    expect(view.getUint16(0, true)).toBe(float16Bits(2 / 127));
    // x · 63.5: -2 → -127, -1.875 → -119.06 → -119, 0 → 0, 0.125 → 7.94 → 8, 1.875 → 119
    expect([0, 1, 16, 17, 31].map((j) => view.getInt8(2 + j))).toEqual([-127, -119, 0, 8, 119]);
  });

  it('q4_0: scale (largest magnitude) / -8, value j in the low nibble of byte j and j + 16 in its high one', () => {
    const block = quantizeQ4_0(ramp);
    expect(block.length).toBe(18);
    expect(new DataView(block.buffer).getUint16(0, true)).toBe(0x3400); // -2 / -8 = 0.25
    // nibble = min(15, ⌊x · 4 + 8.5⌋): x_0 = -2 → 0, x_1 → 1, x_15 = -0.125 → 8, x_16 = 0 → 8, x_31 = 1.875 → 16 → 15
    expect(block[2]).toBe(0x80);
    expect(block[3]).toBe(0x91);
    expect(block[17]).toBe(0xf8);
  });

  it('permutes Q and K rows per head from the rotate_half halves to neighbouring pairs', () => {
    // Two heads of dimension 4, one column: head h's rows are [a0, a1, b0, b1] (halves a and b).
    expect([...permuteRotaryRows(Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]), 2, 1)]).toEqual([
      0, 10, 1, 11, 20, 30, 21, 31,
    ]);
  });
});

describe('GGUF container', () => {
  it('reads back its metadata and tensor infos, with each tensor 32-byte aligned', () => {
    const chunks = encodeGguf(
      [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['llama.block_count', { type: 'u32', value: 30 }],
        ['llama.rope.freq_base', { type: 'f32', value: 100000 }],
        ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
        ['tokenizer.ggml.tokens', { type: 'strings', value: ['<|endoftext|>', 'Ġthe'] }],
        ['tokenizer.ggml.token_type', { type: 'i32s', value: [3, 1] }],
      ],
      [
        { name: 'a', dims: [3], type: 'f32', data: new Uint8Array(new Float32Array([1, 2, 3]).buffer) },
        { name: 'b', dims: [32, 2], type: 'q8_0', data: quantizeQ8_0(new Float32Array(64).fill(1)) },
      ],
    );
    const file = parseGguf(concat(chunks));
    expect(file.version).toBe(3);
    expect(Object.fromEntries(file.metadata)).toEqual({
      'general.architecture': 'llama',
      'llama.block_count': 30,
      'llama.rope.freq_base': 100000,
      'tokenizer.ggml.add_bos_token': false,
      'tokenizer.ggml.tokens': ['<|endoftext|>', 'Ġthe'],
      'tokenizer.ggml.token_type': [3, 1],
    });
    expect(file.tensors).toEqual([
      { name: 'a', dims: [3], type: 0, offset: 0 },
      { name: 'b', dims: [32, 2], type: 8, offset: 32 },
    ]);
    expect(file.dataStart % 32).toBe(0);
    expect(file.bytes.length).toBe(file.dataStart + 32 + 68 + 28); // b's 68 bytes padded to 96
    expect([...tensorValues(file, 'a')]).toEqual([1, 2, 3]);
    expect(tensorValues(file, 'b').every((value) => Math.abs(value - 1) < 1e-3)).toBe(true); // 127 · fp16(1/127)
  });
});

describe.each(GGUF_TYPES)('tiny-chat as a %s GGUF', (type) => {
  const preset = getPreset('tiny-chat') as DecoderPreset;
  const parameters = parametersOf(buildPresetModel(preset));
  const tokenizer = forgeTokenizer(preset).tokenizerJson as {
    model: { vocab: Record<string, number>; merges: string[][] };
  };
  const file = parseGguf(concat(decoderGguf(preset, parameters, tokenizer, type)));
  const parameter = (name: string) => parameters.find((p) => p.name === name);

  it('describes a llama model and its gpt2 tokenizer as llama.cpp reads them', () => {
    const m = preset.model;
    expect(file.metadata.get('general.architecture')).toBe('llama');
    expect(file.metadata.get('general.file_type')).toBe({ f32: 0, q8_0: 7, q4_0: 2 }[type]);
    expect(file.metadata.get('llama.embedding_length')).toBe(m.hiddenSize);
    expect(file.metadata.get('llama.block_count')).toBe(m.numLayers);
    expect(file.metadata.get('llama.attention.head_count_kv')).toBe(m.numKvHeads);
    expect(file.metadata.get('llama.rope.dimension_count')).toBe(m.headDim);
    expect(file.metadata.get('llama.attention.layer_norm_rms_epsilon')).toBeCloseTo(m.rmsNormEps, 10);
    const tokens = file.metadata.get('tokenizer.ggml.tokens') as string[];
    expect(tokens).toHaveLength(m.vocabSize);
    expect(Object.entries(tokenizer.model.vocab).every(([token, id]) => tokens[id] === token)).toBe(true);
    expect((file.metadata.get('tokenizer.ggml.token_type') as number[]).slice(0, 4)).toEqual([3, 3, 3, 1]);
    expect(file.metadata.get('tokenizer.ggml.merges')).toEqual(
      tokenizer.model.merges.map((pair) => pair.join(' ')),
    );
    expect(file.metadata.get('tokenizer.ggml.bos_token_id')).toBe(preset.tokens.bos);
  });

  it('holds every parameter under its llama.cpp name: matrices at the file type, norms in f32', () => {
    const names = file.tensors.map((t) => t.name);
    expect(names).toHaveLength(parameters.length);
    expect(names).toContain('token_embd.weight');
    expect(names).toContain('blk.1.ffn_down.weight');
    expect(names).not.toContain('output.weight'); // tied: llama.cpp scores with token_embd
    const info = (name: string) => file.tensors.find((t) => t.name === name);
    expect(info('blk.0.attn_k.weight')?.dims).toEqual([preset.model.hiddenSize, 2 * 16]);
    expect(info('blk.0.attn_k.weight')?.type).toBe({ f32: 0, q8_0: 8, q4_0: 2 }[type]);
    expect(info('blk.0.attn_norm.weight')?.type).toBe(0);
    expect(file.tensors.every((t) => t.offset % 32 === 0)).toBe(true);
  });

  it('stores the values the ONNX files are made from, Q permuted, within the block error', () => {
    const query = parameter('model.layers.0.self_attn.q_proj.weight');
    const embedding = parameter('model.embed_tokens.weight');
    if (!query || !embedding) throw new Error('missing parameters');
    const expected = permuteRotaryRows(query.values, preset.model.numHeads, preset.model.hiddenSize);
    const maxError = (a: Float32Array, b: Float32Array) =>
      a.reduce((max, value, i) => Math.max(max, Math.abs(value - (b[i] ?? NaN))), 0);
    const largest = (values: Float32Array) => values.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    // f32 exact; q8_0 within half a step of max/127; q4_0 within a step of max/8 (the -8 end is one-sided)
    const bound = { f32: 0, q8_0: 0.5 / 127 + 1e-3, q4_0: 1 / 8 + 1e-3 }[type];
    expect(maxError(tensorValues(file, 'blk.0.attn_q.weight'), expected)).toBeLessThanOrEqual(
      bound * largest(query.values),
    );
    expect(maxError(tensorValues(file, 'token_embd.weight'), embedding.values)).toBeLessThanOrEqual(
      bound * largest(embedding.values),
    );
  });
});
