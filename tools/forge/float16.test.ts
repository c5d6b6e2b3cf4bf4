/**
 * The fp16 and q4f16 siblings: converted as onnxconverter-common converts an export, quantized as
 * onnxruntime's 4-bit quantizer quantizes a float16 model, and run by onnxruntime-node's CPU provider
 * (which loads them, computing in float32 the ops it has no float16 kernel for).
 *
 * What is compared with what:
 *  - fp16 against fp32: the same weights to float16 precision, so greedy tokens agree, or first part
 *    where fp32 itself had a near-tie (the margin is printed);
 *  - q4f16 against its float32 twin (`float16GraphToFloat32`: the same file's weights and ops at float32
 *    precision): likewise; and the twin against the fp32 graph rebuilt by our own dequantizer (exact);
 *  - q4f16 against fp32 and q4: within the drift every 4-bit model has (see quantize.test.ts), since its
 *    blocks are quantized from the float16 weights with float16 scales, not copied from q4.
 *
 * Run: npx vitest run tools/forge/float16.test.ts
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetDtypes } from './buildModel.ts';
import { buildDecoder, MASK_VALUE, type DecoderConfig } from './decoder.ts';
import { buildEncoder, type EncoderConfig } from './encoder.ts';
import { convertToFloat16, FLOAT16_MAX_FINITE } from './float16.ts';
import { float16Bits, float16ToFloat32, float16Value, float32ToFloat16 } from './onnx/float16.ts';
import { GraphBuilder, tensorToFloat32, type OnnxModel } from './onnx/graph.ts';
import { PRESETS } from './presets.ts';
import { dequantizeNBits, opHistogram, quantizeModel, quantizeNBits } from './quantize.ts';
import { dequantizeQ4Graph } from './testing/dequantize.ts';
import { float16GraphToFloat32 } from './testing/float32.ts';
import {
  compareGreedy,
  createSession,
  floatData,
  greedyTrace,
  int64Tensor,
  maxAbs,
  maxAbsDifference,
  relativeRms,
  type GreedyTrace,
} from './testing/ort.ts';
import { normalWeights } from './weights.ts';

/**
 * Largest reference margin (in logits) at which a differing greedy token counts as a near-tie: about 2× the
 * largest fp16-vs-fp32 logit difference measured on these models (0.044 on all 30 layers of
 * smollm2-135m-shaped), whose logits have an RMS of about 2.4.
 */
const NEAR_TIE = 0.1;
/** The float32 twin vs the fp32 graph rebuilt from our dequantized weights: only summation order differs. */
const DEQUANTIZED_TOLERANCE = 5e-5;
const STEPS = 32;

const toInt = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

describe('fp16 graph, as onnxconverter-common converts with keep_io_types=False', () => {
  const { model: config, seed } = PRESETS['tiny-chat'];
  const fp32 = buildDecoder(config, seed);
  const fp16 = convertToFloat16(fp32);

  it('makes every float initializer, graph input and output float16 (the KV cache and logits included)', () => {
    expect(fp16.graph.initializers.map((t) => t.dtype).filter((d) => d === 'float32')).toEqual([]);
    expect(fp16.graph.initializers).toHaveLength(fp32.graph.initializers.length);
    expect(Object.fromEntries(fp16.graph.inputs.map((i) => [i.name, i.dtype]))).toMatchObject({
      input_ids: 'int64',
      attention_mask: 'int64',
      position_ids: 'int64',
      'past_key_values.0.key': 'float16',
      'past_key_values.1.value': 'float16',
    });
    expect(new Set(fp16.graph.outputs.map((o) => o.dtype))).toEqual(new Set(['float16']));
    expect(fp16.graph.inputs.map((i) => i.dims)).toEqual(fp32.graph.inputs.map((i) => i.dims));
  });

  it('clamps weights into ±1e4 as the converter does: the mask value -3.4e38 becomes -1e4, not -inf', () => {
    const maskName = fp32.graph.initializers.find(
      (t) => t.dtype === 'float32' && tensorToFloat32(t)[0] === Math.fround(MASK_VALUE),
    )?.name;
    const mask = fp16.graph.initializers.find((t) => t.name === maskName);
    expect(mask?.dtype).toBe('float16');
    expect(mask === undefined ? null : [...tensorToFloat32(mask)]).toEqual([-FLOAT16_MAX_FINITE]);
  });

  it('turns Cast(to=FLOAT) into Cast(to=FLOAT16) and keeps Max, on the converter’s block list, in float32 between Casts', () => {
    const casts = (m: OnnxModel, to: number): string[] =>
      m.graph.nodes
        .filter((n) => n.opType === 'Cast' && toInt(n.attributes.find((a) => a.name === 'to')?.value) === to)
        .map((n) => n.name);
    const max = fp32.graph.nodes.find((n) => n.opType === 'Max');
    if (max === undefined) throw new Error('the decoder has no Max');
    expect(casts(fp16, 10)).toEqual([...casts(fp32, 1), `${max.name}_output_cast0`]);
    expect(casts(fp16, 1)).toEqual([`${max.name}_input_cast0`, `${max.name}_input_cast1`]);
    const converted = fp16.graph.nodes.find((n) => n.name === max.name);
    expect(converted?.inputs).toEqual([`${max.name}_input_cast_0`, `${max.name}_input_cast_1`]);
    expect(converted?.outputs).toEqual([`${max.name}_output_cast_0`]);
    // The graph otherwise keeps its nodes, in order.
    expect(fp16.graph.nodes.filter((n) => !n.name.includes('_cast')).map((n) => n.name)).toEqual(
      fp32.graph.nodes.map((n) => n.name),
    );
  });

  it('wraps nothing in an encoder (no blocked op) and leaves the fp32 graph it was given untouched', () => {
    const { model, seed: encoderSeed } = PRESETS['tiny-embed'];
    const encoder = buildEncoder(model, encoderSeed);
    const before = encoder.graph.initializers.map((t) => t.data.slice());
    const converted = convertToFloat16(encoder);
    expect(opHistogram(converted)).toEqual(opHistogram(encoder));
    expect(converted.graph.outputs[0]?.dtype).toBe('float16');
    expect(encoder.graph.initializers.map((t) => t.data)).toEqual(before);
    expect(fp32.graph.inputs.find((i) => i.name === 'past_key_values.0.key')?.dtype).toBe('float32');
  });
});

describe('q4f16 graph: MatMulNBits in the float16 graph', () => {
  const { model: config, seed } = PRESETS['tiny-chat'];
  const q4f16 = presetDtypes(buildDecoder(config, seed))('q4f16');

  it('quantizes every constant-weight MatMul (tied lm_head included) with float16 scales and keeps the embedding float16', () => {
    const nbits = q4f16.graph.nodes.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits).toHaveLength(7 * config.numLayers + 1);
    const initializers = new Map(q4f16.graph.initializers.map((t) => [t.name, t]));
    for (const node of nbits) {
      expect(node.domain).toBe('com.microsoft');
      const [, packed, scales, zeroPoints] = node.inputs.map((i) => initializers.get(i));
      expect([packed?.dtype, scales?.dtype, zeroPoints?.dtype]).toEqual(['uint8', 'float16', 'uint8']);
    }
    expect(initializers.get('model.embed_tokens.weight')?.dtype).toBe('float16');
    expect(q4f16.metadata).toMatchObject({ 'glassbox.float': 'float16', 'glassbox.quantization': 'q4' });
  });

  it('MatMulNBits with float16 input and scales, fed an identity, gives our dequantized weights rounded to float16, bit for bit', async () => {
    const K = 96;
    const N = 40;
    const weights = float16ToFloat32(float32ToFloat16(normalWeights(3, 'q4f16 identity', K * N, 0.7, 0.1)));
    const g = new GraphBuilder();
    const x = g.input('x', 'float16', ['rows', K]);
    const w = g.initializer('W', 'float16', [K, N], float32ToFloat16(weights));
    g.output(g.op('MatMul', [x, w]), 'y', 'float16', ['rows', N]);
    const model = quantizeModel(g.toModel(), 'q4');
    expect(opHistogram(model)).toEqual({ MatMulNBits: 1 });

    const identity = new Float32Array(K * K).map((_, i) => (i % (K + 1) === 0 ? 1 : 0));
    const out = await (
      await createSession(model)
    ).run({
      x: new ort.Tensor('float16', float32ToFloat16(identity), [K, K]),
    });
    const q = quantizeNBits(weights, K, N, 32, 'float16');
    expect([...q.scales].every((s) => float16Value(float16Bits(s)) === s)).toBe(true);
    const expected = float32ToFloat16(dequantizeNBits(q, K, N));
    expect([...(out['y']?.data as Uint16Array)]).toEqual([...expected]);
  });
});

/** Greedy traces of a graph for each prompt, with the KV cache as the graph declares it. */
async function traces(
  model: OnnxModel,
  config: DecoderConfig,
  prompts: readonly (readonly number[])[],
): Promise<GreedyTrace[]> {
  const session = await createSession(model);
  return Promise.all(prompts.map((prompt) => greedyTrace(session, config, prompt, STEPS)));
}

/** Expects each pair of runs to agree, or to part first where the reference had a near-tie; prints where they part. */
function expectSameOrNearTie(label: string, reference: GreedyTrace[], other: GreedyTrace[]): void {
  reference.forEach((trace, i) => {
    const other_ = other[i];
    if (other_ === undefined) throw new Error('missing trace');
    const { step, margin } = compareGreedy(trace, other_);
    console.info(
      step === null
        ? `${label}, prompt ${i}: all ${STEPS} greedy tokens equal`
        : `${label}, prompt ${i}: first difference at step ${step}, reference margin ${margin?.toFixed(4)}`,
    );
    if (step !== null) expect(margin).toBeLessThanOrEqual(NEAR_TIE);
  });
}

interface DecoderCase {
  readonly label: string;
  readonly config: DecoderConfig;
  readonly seed: number;
  readonly prompts: readonly (readonly number[])[];
  /**
   * ‖Δlogits‖/‖fp32‖ bounds at the first prompt's last position (measured: tiny-chat fp16 0.0024, q4f16 0.546,
   * q4 0.549; 4-layer fp16 0.0019, q4f16 0.416, q4 0.417).
   */
  readonly tolerance: { readonly fp16: number; readonly q4f16: number };
}

const DECODERS: readonly DecoderCase[] = [
  {
    label: 'tiny-chat',
    config: PRESETS['tiny-chat'].model,
    seed: PRESETS['tiny-chat'].seed,
    prompts: [[1, 20, 300, 40, 5, 60, 7, 80, 9, 100, 11], [1, 2, 3], [5]],
    tolerance: { fp16: 0.01, q4f16: 0.7 },
  },
  {
    label: 'smollm2-135m-shaped, first 4 of its 30 layers (same widths, heads and vocabulary)',
    config: { ...PRESETS['smollm2-135m-shaped'].model, numLayers: 4 },
    seed: PRESETS['smollm2-135m-shaped'].seed,
    prompts: [[1, 9338, 30, 2, 5, 6, 7, 8], [1, 2, 3], [40000]],
    tolerance: { fp16: 0.01, q4f16: 0.55 },
  },
];

describe.each(DECODERS)(
  'float16 decoder $label in onnxruntime-node',
  ({ config, seed, prompts, tolerance }) => {
    let graphOf: ReturnType<typeof presetDtypes>;
    beforeAll(() => {
      graphOf = presetDtypes(buildDecoder(config, seed));
    });

    it(`fp16: ${STEPS} greedy tokens equal fp32's, or part at a near-tie (margin ≤ ${NEAR_TIE})`, async () => {
      const reference = await traces(graphOf('fp32'), config, prompts);
      const fp16 = await traces(graphOf('fp16'), config, prompts);
      expectSameOrNearTie('fp16 vs fp32', reference, fp16);
      expect(relativeRms(fp16[0]?.logits[0] ?? [], reference[0]?.logits[0] ?? [])).toBeLessThanOrEqual(
        tolerance.fp16,
      );
    });

    it(`q4f16: ${STEPS} greedy tokens equal its float32 twin's, or part at a near-tie; its logits stay within 4-bit drift of fp32 (‖Δ‖/‖fp32‖ ≤ ${tolerance.q4f16})`, async () => {
      const q4f16 = graphOf('q4f16');
      const twin = await traces(float16GraphToFloat32(q4f16), config, prompts);
      const ours = await traces(q4f16, config, prompts);
      expectSameOrNearTie('q4f16 vs its float32 twin', twin, ours);
      const fp32 = await traces(graphOf('fp32'), config, prompts.slice(0, 1));
      expect(relativeRms(ours[0]?.logits[0] ?? [], fp32[0]?.logits[0] ?? [])).toBeLessThanOrEqual(
        tolerance.q4f16,
      );
    });

    it(`q4f16's float32 twin equals the fp32 graph rebuilt from our dequantized weights (max |Δ| ≤ ${DEQUANTIZED_TOLERANCE} · max |logit|)`, async () => {
      const twin = float16GraphToFloat32(graphOf('q4f16'));
      const prompt = prompts.slice(0, 1);
      const [expected] = await traces(dequantizeQ4Graph(twin), config, prompt);
      const [actual] = await traces(twin, config, prompt);
      const first = expected?.logits[0] ?? new Float32Array();
      expect(maxAbsDifference(actual?.logits[0] ?? [], first)).toBeLessThanOrEqual(
        DEQUANTIZED_TOLERANCE * maxAbs(first),
      );
    });
  },
);

interface EncoderCase {
  readonly label: string;
  readonly config: EncoderConfig;
  readonly seed: number;
  /**
   * ‖Δ‖/‖fp32‖ bounds on last_hidden_state (measured: tiny fp16 0.0006, q4f16 0.029, q4f16 vs its twin 0.0006;
   * MiniLM fp16 0.0009, q4f16 0.051, vs its twin 0.0010).
   */
  readonly tolerance: { readonly fp16: number; readonly q4f16: number };
}

const ENCODERS: readonly EncoderCase[] = [
  {
    label: 'tiny-embed',
    config: PRESETS['tiny-embed'].model,
    seed: PRESETS['tiny-embed'].seed,
    tolerance: { fp16: 0.005, q4f16: 0.06 },
  },
  {
    label: 'minilm-l6-shaped',
    config: PRESETS['minilm-l6-shaped'].model,
    seed: PRESETS['minilm-l6-shaped'].seed,
    tolerance: { fp16: 0.005, q4f16: 0.08 },
  },
];

describe.each(ENCODERS)('float16 encoder $label in onnxruntime-node', ({ config, seed, tolerance }) => {
  const tokens = [2, 300, 301, 302, 303, 304, 3, 600, 601, 602, 3];
  const run = async (model: OnnxModel): Promise<Float32Array> => {
    const out = await (
      await createSession(model)
    ).run({
      input_ids: int64Tensor([tokens]),
      attention_mask: int64Tensor([tokens.map(() => 1)]),
      token_type_ids: int64Tensor([tokens.map(() => 0)]),
    });
    const hidden = out['last_hidden_state'];
    if (hidden === undefined) throw new Error('no last_hidden_state');
    return floatData(hidden);
  };

  it(`keeps last_hidden_state near fp32: ‖Δ‖/‖fp32‖ ≤ ${tolerance.fp16} for fp16, ≤ ${tolerance.q4f16} for q4f16, and q4f16 near its float32 twin`, async () => {
    const graphOf = presetDtypes(buildEncoder(config, seed));
    const reference = await run(graphOf('fp32'));
    expect(relativeRms(await run(graphOf('fp16')), reference)).toBeLessThanOrEqual(tolerance.fp16);
    const q4f16 = await run(graphOf('q4f16'));
    expect(relativeRms(q4f16, reference)).toBeLessThanOrEqual(tolerance.q4f16);
    expect(relativeRms(q4f16, await run(float16GraphToFloat32(graphOf('q4f16'))))).toBeLessThanOrEqual(
      tolerance.fp16,
    );
  });
});
