/**
 * Quantized siblings: the weight codecs agree with onnxruntime's kernels, the rewritten graphs
 * have the structure real exports have, and their outputs stay near fp32.
 *
 * Why the decoder tolerances are loose: 4-bit blocks of 32 Gaussian weights carry ~8% RMS weight
 * error per MatMul (any q4 model does), and a random decoder has no confident predictions to
 * absorb it, so errors compound through the layers. Exactness is proven separately: the q4
 * graph equals the fp32 graph rebuilt from our own dequantized weights.
 *
 * Run: npx vitest run tools/forge/quantize.test.ts
 */
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder, type DecoderConfig } from './decoder.ts';
import { buildEncoder, type EncoderConfig } from './encoder.ts';
import { GraphBuilder, tensorToFloat32, type OnnxModel } from './onnx/graph.ts';
import { PRESETS } from './presets.ts';
import {
  dequantizeInt8,
  dequantizeNBits,
  opHistogram,
  quantizeInt8Symmetric,
  quantizeModel,
  quantizeNBits,
  type Quantization,
} from './quantize.ts';
import { dequantizeQ4Graph } from './testing/dequantize.ts';
import {
  createSession,
  emptyCache,
  int64Tensor,
  maxAbs,
  maxAbsDifference,
  relativeRms,
  runDecoderStep,
} from './testing/ort.ts';
import { normalWeights } from './weights.ts';

function identity(size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) out[i * size + i] = 1;
  return out;
}

/** y = x · W with W an initializer: the smallest graph the quantizer rewrites. */
function matMulGraph(K: number, N: number, weights: Float32Array): OnnxModel {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['rows', K]);
  g.op('MatMul', [x, g.initializer('W', 'float32', [K, N], weights)], {}, { output: 'y' });
  g.output('y', 'y', 'float32', ['rows', N]);
  return g.toModel();
}

async function runIdentity(model: OnnxModel, K: number): Promise<Float32Array> {
  const session = await createSession(model);
  const out = await session.run({ x: new ort.Tensor('float32', identity(K), [K, K]) });
  return out['y']?.data as Float32Array;
}

describe('weight codecs against onnxruntime-node kernels', () => {
  // K = 80 is not a multiple of 32 (a padded last block) and gives 3 blocks (an odd zero-point nibble).
  it.each([
    [96, 40],
    [80, 24],
  ])(
    'MatMulNBits with an identity input reproduces our 4-bit dequantized weights exactly (K=%i, N=%i)',
    async (K, N) => {
      const weights = normalWeights(1, `nbits-${K}`, K * N, 0.7, 0.1);
      const q4 = quantizeModel(matMulGraph(K, N, weights), 'q4');
      expect(opHistogram(q4)).toEqual({ MatMulNBits: 1 });
      const fromRuntime = await runIdentity(q4, K);
      const ours = dequantizeNBits(quantizeNBits(weights, K, N), K, N);
      expect(maxAbsDifference(fromRuntime, ours)).toBe(0);
      // and the codec itself is within half a quantization step of the original weights
      const q = quantizeNBits(weights, K, N);
      const halfStep = Math.max(...q.scales) / 2;
      expect(maxAbsDifference(ours, weights)).toBeLessThanOrEqual(halfStep * (1 + 1e-6));
    },
  );

  it('DynamicQuantizeLinear → MatMulInteger → Cast → Mul with an identity input reproduces int8 weight × scale (relative error ≤ 1e-6)', async () => {
    const K = 64;
    const N = 48;
    const weights = normalWeights(2, 'int8', K * N, 0.3);
    const q8 = quantizeModel(matMulGraph(K, N, weights), 'q8');
    expect(opHistogram(q8)).toEqual({ DynamicQuantizeLinear: 1, MatMulInteger: 1, Cast: 1, Mul: 2 });
    const fromRuntime = await runIdentity(q8, K);
    const { values, scale } = quantizeInt8Symmetric(weights);
    const ours = dequantizeInt8(values, scale);
    expect(maxAbsDifference(fromRuntime, ours)).toBeLessThanOrEqual(1e-6 * maxAbs(ours));
    expect(maxAbsDifference(ours, weights)).toBeLessThanOrEqual(scale / 2 + 1e-7);
  });
});

describe('quantized graph structure', () => {
  const fp32 = buildDecoder(PRESETS['tiny-chat'].model, PRESETS['tiny-chat'].seed);
  const matMuls = 7 * PRESETS['tiny-chat'].model.numLayers + 1; // q k v o gate up down per layer, plus lm_head

  it('q8 rewrites every constant-weight MatMul (tied lm_head included) and shares one activation quantizer per input', () => {
    const q8 = quantizeModel(fp32, 'q8');
    const ops = opHistogram(q8);
    expect(ops['MatMulInteger']).toBe(matMuls);
    // q/k/v share the input norm, gate/up the post-attention norm: 7 → 4 quantizers per layer, plus lm_head.
    expect(ops['DynamicQuantizeLinear']).toBe(4 * PRESETS['tiny-chat'].model.numLayers + 1);
    expect(q8.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(q8.graph.initializers.find((t) => t.name === 'model.embed_tokens.weight')?.dtype).toBe('float32');
  });

  it('q4 uses com.microsoft MatMulNBits (bits 4, block_size 32) for every constant-weight MatMul and keeps the Gather embedding fp32', () => {
    const q4 = quantizeModel(fp32, 'q4');
    const nbits = q4.graph.nodes.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits).toHaveLength(matMuls);
    for (const node of nbits) {
      expect(node.domain).toBe('com.microsoft');
      expect(Object.fromEntries(node.attributes.map((a) => [a.name, a.value]))).toMatchObject({
        bits: 4,
        block_size: 32,
      });
    }
    expect(q4.opsets).toEqual([
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ]);
    expect(
      q4.graph.nodes.find((n) => n.opType === 'Gather' && n.inputs[0] === 'model.embed_tokens.weight'),
    ).toBeDefined();
    expect(q4.graph.initializers.find((t) => t.name === 'model.embed_tokens.weight')?.dtype).toBe('float32');
    // The tied head's Transpose was folded into the quantized weight and is gone.
    expect(
      q4.graph.nodes.some((n) => n.opType === 'Transpose' && n.inputs[0] === 'model.embed_tokens.weight'),
    ).toBe(false);
  });

  it('leaves the fp32 graph it was given untouched', () => {
    const snapshot = (): Float32Array[] =>
      fp32.graph.initializers.filter((t) => t.dtype === 'float32').map(tensorToFloat32);
    const before = snapshot();
    quantizeModel(fp32, 'q8');
    quantizeModel(fp32, 'q4');
    expect(snapshot()).toEqual(before);
    expect(opHistogram(fp32)['MatMul']).toBe(matMuls + 2 * PRESETS['tiny-chat'].model.numLayers); // + QKᵀ and PV
  });
});

interface DecoderCase {
  readonly label: string;
  readonly config: DecoderConfig;
  readonly seed: number;
  /** Largest accepted ‖Δlogits‖ / ‖logits‖ per dtype (measured: tiny-chat q8 0.063, q4 0.40; 4-layer q8 0.088, q4 0.39). */
  readonly tolerance: Readonly<Record<Quantization, number>>;
}

const DECODERS: readonly DecoderCase[] = [
  {
    label: 'tiny-chat',
    config: PRESETS['tiny-chat'].model,
    seed: PRESETS['tiny-chat'].seed,
    tolerance: { q8: 0.1, q4: 0.55 },
  },
  {
    label: 'smollm2-135m-shaped, first 4 of its 30 layers (same widths, heads and vocabulary)',
    config: { ...PRESETS['smollm2-135m-shaped'].model, numLayers: 4 },
    seed: PRESETS['smollm2-135m-shaped'].seed,
    tolerance: { q8: 0.15, q4: 0.55 },
  },
];

/** q4 vs the fp32 graph rebuilt from dequantized weights: only float summation order differs. */
const DEQUANTIZED_TOLERANCE = 5e-5;
const PROMPT = [1, 20, 300, 40, 5, 60, 7, 80, 9, 100, 11, 120, 13, 140, 15, 160];

describe.each(DECODERS)('quantized decoder $label', ({ config, seed, tolerance }) => {
  let fp32: OnnxModel;
  beforeAll(() => {
    fp32 = buildDecoder(config, seed);
  });
  const run = async (model: OnnxModel): Promise<Float32Array> => {
    const step = await runDecoderStep(await createSession(model), config, {
      inputIds: [PROMPT],
      attentionMask: [PROMPT.map(() => 1)],
      positionIds: [PROMPT.map((_, i) => i)],
      cache: emptyCache(config, 1),
    });
    return step.logits;
  };

  it(`keeps logits near fp32: ‖Δ‖/‖fp32‖ ≤ ${tolerance.q8} for q8 and ≤ ${tolerance.q4} for q4`, async () => {
    const reference = await run(fp32);
    expect(relativeRms(await run(quantizeModel(fp32, 'q8')), reference)).toBeLessThanOrEqual(tolerance.q8);
    expect(relativeRms(await run(quantizeModel(fp32, 'q4')), reference)).toBeLessThanOrEqual(tolerance.q4);
  });

  it(`q4 logits equal the fp32 graph rebuilt from our dequantized weights (max |Δ| ≤ ${DEQUANTIZED_TOLERANCE} · max |logit|)`, async () => {
    const q4 = quantizeModel(fp32, 'q4');
    const expected = await run(dequantizeQ4Graph(q4));
    expect(maxAbsDifference(await run(q4), expected)).toBeLessThanOrEqual(
      DEQUANTIZED_TOLERANCE * maxAbs(expected),
    );
  });
});

interface EncoderCase {
  readonly label: string;
  readonly config: EncoderConfig;
  readonly seed: number;
  /** Largest accepted ‖Δ‖/‖fp32‖ on last_hidden_state (measured: tiny q8 0.004, q4 0.025; MiniLM q8 0.008, q4 0.047). */
  readonly tolerance: Readonly<Record<Quantization, number>>;
}

const ENCODERS: readonly EncoderCase[] = [
  {
    label: 'tiny-embed',
    config: PRESETS['tiny-embed'].model,
    seed: PRESETS['tiny-embed'].seed,
    tolerance: { q8: 0.02, q4: 0.06 },
  },
  {
    label: 'minilm-l6-shaped',
    config: PRESETS['minilm-l6-shaped'].model,
    seed: PRESETS['minilm-l6-shaped'].seed,
    tolerance: { q8: 0.02, q4: 0.08 },
  },
];

describe.each(ENCODERS)('quantized encoder $label', ({ config, seed, tolerance }) => {
  let fp32: OnnxModel;
  beforeAll(() => {
    fp32 = buildEncoder(config, seed);
  });
  const run = async (model: OnnxModel): Promise<Float32Array> => {
    const session = await createSession(model);
    const out = await session.run({
      input_ids: int64Tensor([PROMPT]),
      attention_mask: int64Tensor([PROMPT.map(() => 1)]),
      token_type_ids: int64Tensor([PROMPT.map(() => 0)]),
    });
    return out['last_hidden_state']?.data as Float32Array;
  };

  it(`keeps last_hidden_state near fp32: ‖Δ‖/‖fp32‖ ≤ ${tolerance.q8} for q8 and ≤ ${tolerance.q4} for q4`, async () => {
    const reference = await run(fp32);
    expect(relativeRms(await run(quantizeModel(fp32, 'q8')), reference)).toBeLessThanOrEqual(tolerance.q8);
    expect(relativeRms(await run(quantizeModel(fp32, 'q4')), reference)).toBeLessThanOrEqual(tolerance.q4);
  });

  it(`q4 output equals the fp32 graph rebuilt from our dequantized weights (max |Δ| ≤ ${DEQUANTIZED_TOLERANCE} · max |value|)`, async () => {
    const q4 = quantizeModel(fp32, 'q4');
    const expected = await run(dequantizeQ4Graph(q4));
    expect(maxAbsDifference(await run(q4), expected)).toBeLessThanOrEqual(
      DEQUANTIZED_TOLERANCE * maxAbs(expected),
    );
  });
});
