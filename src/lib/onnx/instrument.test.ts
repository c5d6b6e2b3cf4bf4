/**
 * The "Look inside" taps and the logit lens head, checked in onnxruntime-node: on the forged tiny-chat
 * at each dtype, on a toy decoder with fused norms (SkipSimplifiedLayerNormalization, as onnxruntime-genai
 * exports write it), with external data, and a table of graphs that are refused or reported as fused.
 *
 * Run: npx vitest run src/lib/onnx/instrument.test.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPresetModel, presetDtypes } from '../../../tools/forge/buildModel.ts';
import { float, GraphBuilder, MICROSOFT_DOMAIN, type OnnxModel } from '../../../tools/forge/onnx/graph.ts';
import { encodeModel } from '../../../tools/forge/onnx/proto.ts';
import { PRESETS, type ForgedDtype } from '../../../tools/forge/presets.ts';
import {
  argmax,
  createSession,
  emptyCache,
  floatData,
  greedyWithCache,
  int64Tensor,
  maxAbsDifference,
} from '../../../tools/forge/testing/ort.ts';
import { instrumentDecoder, InstrumentError, type DecoderLayout } from './instrument.ts';
import { buildLensHead, LENS } from './lensHead.ts';
import { RewriteError, rewriteOnnx } from './rewrite.ts';

const preset = PRESETS['tiny-chat'];
const config = preset.model;
const graphOf = presetDtypes(buildPresetModel(preset));
const PROMPT = [1, 5, 9, 12, 40, 41, 300, 7];
/** Absolute, on probabilities: the lens head against softmax of the model's own logits. */
const LENS_TOLERANCE = 1e-4;
/**
 * The same, in a float16 graph: onnxruntime's float16 kernels give the head's copy logits up to one
 * float16 rounding away from the decoder's (measured: 0.0032 for fp16, 0.0078 for q4f16, logits up to 9.4).
 */
const LENS_TOLERANCE_FLOAT16 = 2e-3;

const float16 = (dtype: ForgedDtype) => dtype === 'fp16' || dtype === 'q4f16';

/** Every output of a decoder run on `tokens` from an empty cache. */
async function runAll(session: ort.InferenceSession, tokens: readonly number[], dtype: ForgedDtype) {
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64Tensor([tokens]),
    attention_mask: int64Tensor([tokens.map(() => 1)]),
    position_ids: int64Tensor([tokens.map((_, i) => i)]),
  };
  emptyCache(config, 1, float16(dtype) ? 'float16' : 'float32').forEach((layer, i) => {
    feeds[`past_key_values.${i}.key`] = layer.key;
    feeds[`past_key_values.${i}.value`] = layer.value;
  });
  return session.run(feeds);
}

function output(outputs: ort.InferenceSession.OnnxValueMapType, name: string): ort.Tensor {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`No output ${name}.`);
  return tensor;
}

/** Softmax over the last axis, in float64, of [rows, width] values. */
function softmaxRows(values: Float32Array, width: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let start = 0; start < values.length; start += width) {
    const row = values.subarray(start, start + width);
    const max = Math.max(...row);
    let sum = 0;
    for (let i = 0; i < width; i++) sum += out[start + i] = Math.exp(row[i]! - max);
    for (let i = 0; i < width; i++) out[start + i]! /= sum;
  }
  return out;
}

/** Runs the lens head on `hidden` and checks it against the model's logits at every position. */
async function expectLensMatches(
  lensModel: Uint8Array,
  hidden: ort.Tensor,
  logits: ort.Tensor,
  tolerance = LENS_TOLERANCE,
) {
  const lens = await createSession(lensModel);
  const out = await lens.run({ [LENS.hidden]: hidden });
  const [, seq = 0, vocab = 0] = logits.dims;
  const probs = floatData(output(out, LENS.probs));
  expect(output(out, LENS.probs).dims).toEqual(logits.dims);
  expect(maxAbsDifference(probs, softmaxRows(floatData(logits), vocab))).toBeLessThanOrEqual(tolerance);
  const top = output(out, LENS.topIndices).data as BigInt64Array;
  const k = output(out, LENS.topIndices).dims[2] ?? 0;
  for (let position = 0; position < seq; position++) {
    const row = floatData(logits).subarray(position * vocab, (position + 1) * vocab);
    expect(Number(top[position * k])).toBe(argmax(row));
  }
}

describe.each(['fp32', 'q8', 'q4', 'fp16', 'q4f16'] as const)('the forged tiny-chat at %s', (dtype) => {
  let bytes: Uint8Array;
  let layout: DecoderLayout;
  let original: ort.InferenceSession.OnnxValueMapType;
  let instrumented: ort.InferenceSession.OnnxValueMapType;

  beforeAll(async () => {
    bytes = encodeModel(graphOf(dtype)).onnx;
    const result = await instrumentDecoder(bytes);
    layout = result.layout;
    original = await runAll(await createSession(bytes), PROMPT, dtype);
    instrumented = await runAll(await createSession(result.model), PROMPT, dtype);
  });

  it('finds the second residual addition and the attention Softmax of every layer, and the final norm', () => {
    expect(layout.layers).toEqual(
      Array.from({ length: config.numLayers }, (_, layer) => ({
        layer,
        residual: `/model/layers.${layer}/Add_1_output_0`,
        attention: `/model/layers.${layer}/self_attn/Softmax_output_0`,
      })),
    );
    expect(layout).toMatchObject({
      hiddenSize: config.hiddenSize,
      dtype: float16(dtype) ? 'float16' : 'float32',
      fusedAttention: null,
      logits: 'logits',
      finalNorm: { opType: 'decomposed', weight: 'model.norm.weight' },
    });
    expect(layout.finalNorm.epsilon).toBeCloseTo(config.rmsNormEps, 7);
  });

  it("gives exactly the original model's logits and KV cache", () => {
    for (const name of ['logits', 'present.0.key', `present.${config.numLayers - 1}.value`])
      expect(floatData(output(instrumented, name))).toEqual(floatData(output(original, name)));
  });

  it("outputs every layer's residual stream as [1, sequence, hidden]", () => {
    for (const { residual } of layout.layers) {
      const tensor = output(instrumented, residual);
      expect(tensor.dims).toEqual([1, PROMPT.length, config.hiddenSize]);
      expect(tensor.type).toBe(float16(dtype) ? 'float16' : 'float32');
    }
  });

  it('outputs attention probabilities [1, heads, query, key] that sum to 1 over keys and are causal', () => {
    const seq = PROMPT.length;
    const tolerance = float16(dtype) ? 2e-3 : 1e-5;
    for (const { attention } of layout.layers) {
      const tensor = output(instrumented, attention ?? '');
      expect(tensor.dims).toEqual([1, config.numHeads, seq, seq]);
      const probs = floatData(tensor);
      for (let row = 0; row < config.numHeads * seq; row++) {
        const query = row % seq;
        const keys = probs.subarray(row * seq, (row + 1) * seq);
        expect(Math.abs(keys.reduce((sum, p) => sum + p, 0) - 1)).toBeLessThanOrEqual(tolerance);
        expect(keys.subarray(query + 1).every((p) => p === 0)).toBe(true);
      }
    }
  });

  it(`has a lens head that turns the last residual into softmax(logits) (±${LENS_TOLERANCE}, ±${LENS_TOLERANCE_FLOAT16} in float16) and its top token`, async () => {
    const { model, hiddenSize, topK } = await buildLensHead(bytes);
    expect({ hiddenSize, topK }).toEqual({ hiddenSize: config.hiddenSize, topK: 10 });
    await expectLensMatches(
      model,
      output(instrumented, layout.layers.at(-1)?.residual ?? ''),
      output(original, 'logits'),
      float16(dtype) ? LENS_TOLERANCE_FLOAT16 : LENS_TOLERANCE,
    );
  });
});

it('reads, teacher-forced on prompt and reply, the greedy token at every position from the last layer', async () => {
  const bytes = encodeModel(graphOf('fp32')).onnx;
  const reply = await greedyWithCache(await createSession(bytes), config, PROMPT, 12);
  const { model, layout } = await instrumentDecoder(bytes);
  const out = await runAll(await createSession(model), [...PROMPT, ...reply], 'fp32');
  const lens = await createSession((await buildLensHead(bytes)).model);
  const lensOut = await lens.run({ [LENS.hidden]: output(out, layout.layers.at(-1)?.residual ?? '') });
  const top = output(lensOut, LENS.topIndices);
  const k = top.dims[2] ?? 0;
  const predicted = reply.map((_, i) => Number((top.data as BigInt64Array)[(PROMPT.length - 1 + i) * k]));
  expect(predicted).toEqual(reply);
});

it("reads q4 rewritten as int8 for the CPU at the rewrite's own weights (its head stays MatMulInteger)", async () => {
  const { model: rewritten } = await rewriteOnnx(encodeModel(graphOf('q4')).onnx, { target: 'int8' });
  const { model, layout } = await instrumentDecoder(rewritten);
  const out = await runAll(await createSession(model), PROMPT, 'q4');
  const original = await runAll(await createSession(rewritten), PROMPT, 'q4');
  expect(floatData(output(out, 'logits'))).toEqual(floatData(output(original, 'logits')));
  await expectLensMatches(
    (await buildLensHead(rewritten)).model,
    output(out, layout.layers.at(-1)?.residual ?? ''),
    output(original, 'logits'),
  );
});

describe('a decoder with external data', () => {
  const encoded = encodeModel(graphOf('q4'), {
    externalThresholdBytes: 0,
    externalDataFile: 'model_q4.onnx_data',
  });
  const data = new Uint8Array(encoded.externalData?.flatMap((chunk) => Array.from(chunk)) ?? []);
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'instrument-'));
    writeFileSync(join(directory, 'model_q4.onnx_data'), data);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps referring to the same data file, and the lens head copies its weights inline', async () => {
    const { model, layout } = await instrumentDecoder(encoded.onnx);
    writeFileSync(join(directory, 'instrumented.onnx'), model);
    const out = await runAll(await createSession(join(directory, 'instrumented.onnx')), PROMPT, 'q4');
    const inline = await runAll(await createSession(encodeModel(graphOf('q4')).onnx), PROMPT, 'q4');
    expect(floatData(output(out, 'logits'))).toEqual(floatData(output(inline, 'logits')));
    const { model: lens } = await buildLensHead(encoded.onnx, {
      externalData: new Map([['model_q4.onnx_data', data]]),
    });
    await expectLensMatches(
      lens,
      output(out, layout.layers.at(-1)?.residual ?? ''),
      output(inline, 'logits'),
    );
  });

  it('refuses a lens head when the data file is not given', async () => {
    await expect(buildLensHead(encoded.onnx)).rejects.toThrow(RewriteError);
  });
});

// ---------------------------------------------------------------------------------------------
// Toy decoders in other forms

const H = 8;
const V = 24;

interface ToyOptions {
  /** What a layer's attention branch is: a MatMul standing in for it, or a fused GroupQueryAttention. */
  readonly attention?: 'matmul' | 'gqa';
  /** Leave out the residual additions. */
  readonly residual?: boolean;
  /** One layer without its MLP (an odd count of additions). */
  readonly attentionOnly?: boolean;
}

/**
 * A decoder in the form onnxruntime-genai writes: SimplifiedLayerNormalization for layer 0's input norm,
 * then each residual addition fused into the next norm (SkipSimplifiedLayerNormalization, the sum as
 * output 3), the last into the final norm, which leaves its sum unnamed.
 */
function fusedNormDecoder(options: ToyOptions = {}): OnnxModel {
  const { attention = 'matmul', residual = true, attentionOnly = false } = options;
  const g = new GraphBuilder();
  let seed = 1;
  const weight = (name: string, dims: number[]) =>
    g.initializer(
      name,
      'float32',
      dims,
      Float32Array.from(
        { length: dims.reduce((a, b) => a * b, 1) },
        (_, i) => Math.sin(i * 12.9898 + seed++) * 0.5,
      ),
    );
  const gamma = (name: string) =>
    g.initializer(
      name,
      'float32',
      [H],
      Float32Array.from({ length: H }, (_, i) => 1 + 0.1 * Math.cos(i + seed++)),
    );
  const epsilon = 1e-5;
  /** A Skip norm: [normed, sum]. */
  const skipNorm = (branch: string, stream: string, name: string): [string, string] => {
    if (!residual) return [branch, branch];
    const [normed = '', , , sum = ''] = g.node(
      'SkipSimplifiedLayerNormalization',
      [branch, stream, gamma(name)],
      { epsilon: float(epsilon) },
      { domain: MICROSOFT_DOMAIN, outputs: 4 },
    );
    return [normed, sum];
  };
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  let stream = g.op('Gather', [weight('embed', [V, H]), ids], { axis: 0 });
  let normed = g.op('SimplifiedLayerNormalization', [stream, gamma('in0')], {
    axis: -1,
    epsilon: float(epsilon),
  });
  let pending = '';
  for (let layer = 0; layer < (attentionOnly ? 1 : 2); layer++) {
    if (layer > 0) [normed, stream] = skipNorm(pending, stream, `in${layer}`);
    const attended =
      attention === 'gqa'
        ? (g.node(
            'GroupQueryAttention',
            [normed, normed, normed],
            { num_heads: 2, kv_num_heads: 1 },
            { domain: MICROSOFT_DOMAIN, outputs: 3 },
          )[0] ?? '')
        : g.op('MatMul', [normed, weight(`attn${layer}`, [H, H])]);
    const [post, sum] = skipNorm(attended, stream, `post${layer}`);
    stream = sum;
    pending = attentionOnly ? post : g.op('MatMul', [post, weight(`mlp${layer}`, [H, H])]);
  }
  const [final] = attentionOnly ? [pending] : skipNorm(pending, stream, 'final');
  g.op('MatMul', [final, weight('lm_head', [H, V])], {}, { output: 'logits' });
  g.output('logits', 'logits', 'float32', ['batch_size', 'sequence_length', V]);
  const model = g.toModel({ opset: 17 });
  // Exporters name only the outputs something reads: the final norm's sum and every mean / inverse std stay ''.
  const read = new Set([...model.graph.nodes.flatMap((node) => node.inputs), 'logits']);
  return {
    ...model,
    graph: {
      ...model.graph,
      nodes: model.graph.nodes.map((node) =>
        node.opType === 'SkipSimplifiedLayerNormalization'
          ? { ...node, outputs: node.outputs.map((name, i) => (i === 0 || read.has(name) ? name : '')) }
          : node,
      ),
    },
  };
}

describe('a decoder whose norms fuse the residual addition (SkipSimplifiedLayerNormalization)', () => {
  const bytes = encodeModel(fusedNormDecoder()).onnx;

  it('taps the sums, names the final norm’s, and unfuses the final norm in the lens head', async () => {
    const { model, layout } = await instrumentDecoder(bytes);
    expect(layout).toMatchObject({
      hiddenSize: H,
      fusedAttention: null,
      finalNorm: { opType: 'SkipSimplifiedLayerNormalization', epsilon: expect.closeTo(1e-5, 9) as number },
    });
    expect(layout.layers.map((layer) => layer.attention)).toEqual([null, null]);
    const session = await createSession(model);
    const tokens = [3, 1, 4, 1, 5, 9];
    const out = await session.run({ input_ids: int64Tensor([tokens]) });
    for (const { residual } of layout.layers)
      expect(output(out, residual).dims).toEqual([1, tokens.length, H]);
    await expectLensMatches(
      (await buildLensHead(bytes)).model,
      output(out, layout.layers.at(-1)?.residual ?? ''),
      output(out, 'logits'),
    );
  });
});

describe('graphs it refuses or reports as fused', () => {
  const table: { label: string; model: () => Uint8Array; error: RegExp }[] = [
    {
      label: 'not an ONNX file',
      model: () => new TextEncoder().encode('{"model_type": "llama"}'),
      error: /not a readable ONNX model|not an ONNX model/,
    },
    {
      label: 'no token embedding',
      model: () => {
        const g = new GraphBuilder();
        const x = g.input('x', 'float32', ['batch', H]);
        g.output(g.op('Relu', [x]), 'y', 'float32', ['batch', H]);
        return encodeModel(g.toModel()).onnx;
      },
      error: /no token embedding: no Gather reads input_ids/,
    },
    {
      label: 'no residual additions',
      model: () => encodeModel(fusedNormDecoder({ residual: false })).onnx,
      error: /no residual stream: nothing adds a computed branch back to the embedding/,
    },
    {
      label: 'an odd number of residual additions',
      model: () => encodeModel(fusedNormDecoder({ attentionOnly: true })).onnx,
      error: /residual stream has 1 addition, not two per layer/,
    },
  ];

  it.each(table)('refuses a graph with $label', async ({ model, error }) => {
    const bytes = model();
    await expect(instrumentDecoder(bytes)).rejects.toThrow(InstrumentError);
    await expect(instrumentDecoder(bytes)).rejects.toThrow(error);
  });

  it('reports fused GroupQueryAttention: no attention output, the op named, its heads', async () => {
    const { layout } = await instrumentDecoder(encodeModel(fusedNormDecoder({ attention: 'gqa' })).onnx);
    expect(layout.layers.map((layer) => layer.attention)).toEqual([null, null]);
    expect(layout).toMatchObject({ fusedAttention: 'GroupQueryAttention', heads: 2 });
  });
});
