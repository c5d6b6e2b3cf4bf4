/**
 * Quantized siblings of a forged fp32 graph, built the way real Transformers.js exports are:
 *
 *  - q8 (`model_quantized.onnx`): onnxruntime's dynamic quantization. Each MatMul whose B is a
 *    constant becomes DynamicQuantizeLinear(A) → MatMulInteger(A_q, W_q int8, A_zp, W_zp) →
 *    Cast(float) → Mul(A_scale · W_scale). Weights are per-tensor symmetric int8 (zero point 0,
 *    scale max|W|/127), as quantize_dynamic does with weight_type=QInt8. One activation
 *    quantizer is shared by every MatMul that reads the same tensor (q, k, v read one norm).
 *  - q4 (`model_q4.onnx`): com.microsoft MatMulNBits, 4 bits, blocks of 32 along K, asymmetric
 *    (a scale and a 4-bit zero point per block), as onnxruntime's MatMul4BitsQuantizer writes.
 *  - q4 of an fp16 graph (`model_q4f16.onnx`): the same MatMulNBits, its scales float16 (MatMulNBits'
 *    T1 follows A), each block quantized with the scale as float16 stores it.
 *
 * "Constant B" includes a Transpose of an initializer (the tied lm_head): constant folding, which
 * onnxruntime's quantizer runs first, turns it into an initializer, so it is quantized too while
 * the Gather embedding stays fp32.
 *
 * The app dequantizes these weights with its own code in src/lib/onnx/tensorData.ts. The two are kept
 * separate on purpose, so that each checks the other in the tests.
 *
 * @example
 *   const q4 = quantizeModel(buildDecoder(config, 1), 'q4');
 *   q4.graph.nodes.filter((n) => n.opType === 'MatMulNBits').length; // → 7 per layer + lm_head
 */
import { float16Bits, float16Value, float32ToFloat16 } from './onnx/float16.ts';
import {
  makeTensor,
  opsetsFor,
  tensorToFloat32,
  MICROSOFT_DOMAIN,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './onnx/graph.ts';

export const QUANTIZATIONS = Object.freeze(['q8', 'q4'] as const);
export type Quantization = (typeof QUANTIZATIONS)[number];

export const Q4_BLOCK_SIZE = 32;
const Q4_BITS = 4;

// ---------------------------------------------------------------------------------------------
// Weight codecs (pure; the inspector and the tests reuse the dequantizers)

export interface Int8Weights {
  readonly values: Int8Array;
  readonly scale: number;
}

/** Per-tensor symmetric int8: q = round(w / scale), scale = max|w| / 127. */
export function quantizeInt8Symmetric(weights: Float32Array): Int8Weights {
  let absMax = 0;
  for (const w of weights) absMax = Math.max(absMax, Math.abs(w));
  const scale = absMax > 0 ? absMax / 127 : 1;
  const values = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++)
    values[i] = Math.max(-127, Math.min(127, Math.round((weights[i] ?? 0) / scale)));
  return { values, scale: Math.fround(scale) };
}

export function dequantizeInt8(values: Int8Array, scale: number, zeroPoint = 0): Float32Array {
  return Float32Array.from(values, (q) => (q - zeroPoint) * scale);
}

export interface NBitsWeights {
  /** [N, blocks, block_size·bits/8]: column n, block b, two 4-bit values per byte (low nibble first). */
  readonly packed: Uint8Array;
  /** [N · blocks], each exactly representable in the scale type asked for */
  readonly scales: Float32Array;
  /** [N · ⌈blocks/2⌉]: two 4-bit zero points per byte, each column padded to whole bytes. */
  readonly zeroPoints: Uint8Array;
  readonly blocks: number;
}

/**
 * 4-bit block quantization of a row-major [K, N] MatMul weight, column by column (MatMulNBits
 * stores B transposed). Each block's range is widened to include 0 so the zero point is exact.
 */
export function quantizeNBits(
  weights: Float32Array,
  K: number,
  N: number,
  blockSize = Q4_BLOCK_SIZE,
  scaleType: 'float32' | 'float16' = 'float32',
): NBitsWeights {
  const stored = scaleType === 'float16' ? (s: number) => float16Value(float16Bits(s)) : Math.fround;
  const levels = (1 << Q4_BITS) - 1;
  const blocks = Math.ceil(K / blockSize);
  const blobSize = (blockSize * Q4_BITS) / 8;
  const zpBytesPerColumn = Math.ceil((blocks * Q4_BITS) / 8);
  const packed = new Uint8Array(N * blocks * blobSize);
  const scales = new Float32Array(N * blocks);
  const zeroPoints = new Uint8Array(N * zpBytesPerColumn);
  // Column by column, each column contiguous: reading [K, N] down its columns would stride through memory.
  const columns = transpose2d(weights, K, N);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      let min = 0;
      let max = 0;
      for (let j = 0; j < blockSize; j++) {
        const k = b * blockSize + j;
        if (k >= K) break;
        const w = columns[n * K + k] ?? 0;
        min = Math.min(min, w);
        max = Math.max(max, w);
      }
      // Quantize with the scale as stored, so (q - zero_point) · scale is the value the kernel computes.
      const scale = (max > min ? stored((max - min) / levels) : 1) || 1;
      const zeroPoint = Math.max(0, Math.min(levels, Math.round(-min / scale)));
      scales[n * blocks + b] = scale;
      const zpIndex = n * zpBytesPerColumn + (b >> 1);
      zeroPoints[zpIndex] = (zeroPoints[zpIndex] ?? 0) | (zeroPoint << ((b & 1) * 4));
      for (let j = 0; j < blockSize; j++) {
        const k = b * blockSize + j;
        // Padding past K quantizes to the zero point, i.e. exactly 0.
        const q =
          k < K
            ? Math.max(0, Math.min(levels, Math.round((columns[n * K + k] ?? 0) / scale) + zeroPoint))
            : zeroPoint;
        const byte = (n * blocks + b) * blobSize + (j >> 1);
        packed[byte] = (packed[byte] ?? 0) | (q << ((j & 1) * 4));
      }
    }
  }
  return { packed, scales, zeroPoints, blocks };
}

/** The [K, N] row-major weight MatMulNBits computes with: (q - zero_point) · scale. */
export function dequantizeNBits(
  q: NBitsWeights,
  K: number,
  N: number,
  blockSize = Q4_BLOCK_SIZE,
): Float32Array {
  const blobSize = (blockSize * Q4_BITS) / 8;
  const zpBytesPerColumn = Math.ceil((q.blocks * Q4_BITS) / 8);
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / blockSize);
      const j = k % blockSize;
      const nibble = ((q.packed[(n * q.blocks + b) * blobSize + (j >> 1)] ?? 0) >> ((j & 1) * 4)) & 0xf;
      const zeroPoint = ((q.zeroPoints[n * zpBytesPerColumn + (b >> 1)] ?? 0) >> ((b & 1) * 4)) & 0xf;
      out[k * N + n] = (nibble - zeroPoint) * (q.scales[n * q.blocks + b] ?? 0);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Graph rewrite

/** A MatMul's constant B, found directly or behind a Transpose of an initializer. */
interface ConstantWeight {
  /** Base name for the quantized tensors. */
  readonly name: string;
  readonly K: number;
  readonly N: number;
  /** Row-major [K, N]. */
  readonly values: Float32Array;
  /** The weight's float type, which its q4 scales keep. */
  readonly dtype: 'float32' | 'float16';
}

const isFloatMatrix = (t: OnnxTensor | undefined): t is OnnxTensor & { dtype: 'float32' | 'float16' } =>
  t !== undefined && (t.dtype === 'float32' || t.dtype === 'float16') && t.dims.length === 2;

function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] ?? 0;
  return out;
}

export function quantizeModel(model: OnnxModel, kind: Quantization): OnnxModel {
  const initializers = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const producers = new Map<string, OnnxNode>();
  for (const node of model.graph.nodes) for (const output of node.outputs) producers.set(output, node);

  const constantWeight = (name: string | undefined): ConstantWeight | null => {
    if (name === undefined) return null;
    const direct = initializers.get(name);
    if (direct !== undefined) {
      if (!isFloatMatrix(direct)) return null;
      const [K = 0, N = 0] = direct.dims;
      return { name, K, N, values: tensorToFloat32(direct), dtype: direct.dtype };
    }
    const producer = producers.get(name);
    const source = producer?.opType === 'Transpose' ? initializers.get(producer.inputs[0] ?? '') : undefined;
    const perm = producer?.attributes.find((a) => a.name === 'perm');
    const swaps = perm === undefined || (perm.kind === 'ints' && perm.value.join(',') === '1,0');
    if (!isFloatMatrix(source) || !swaps) return null;
    const [rows = 0, cols = 0] = source.dims;
    return {
      name: `${source.name}_transposed`,
      K: cols,
      N: rows,
      values: transpose2d(tensorToFloat32(source), rows, cols),
      dtype: source.dtype,
    };
  };

  const nodes: OnnxNode[] = [];
  const added: OnnxTensor[] = [];
  const quantizedActivations = new Map<string, { q: string; scale: string; zeroPoint: string }>();
  let rewritten = 0;

  for (const node of model.graph.nodes) {
    const weight = node.opType === 'MatMul' && node.domain === '' ? constantWeight(node.inputs[1]) : null;
    const [a = ''] = node.inputs;
    const [y = ''] = node.outputs;
    if (weight === null) {
      nodes.push(node);
      continue;
    }
    rewritten++;
    if (kind === 'q4') {
      const q = quantizeNBits(weight.values, weight.K, weight.N, Q4_BLOCK_SIZE, weight.dtype);
      const blobSize = (Q4_BLOCK_SIZE * Q4_BITS) / 8;
      const scales = weight.dtype === 'float16' ? float32ToFloat16(q.scales) : q.scales;
      added.push(
        makeTensor(`${weight.name}_Q4`, 'uint8', [weight.N, q.blocks, blobSize], q.packed),
        makeTensor(`${weight.name}_scales`, weight.dtype, [weight.N * q.blocks], scales),
        makeTensor(`${weight.name}_zero_points`, 'uint8', [q.zeroPoints.length], q.zeroPoints),
      );
      const attributes: OnnxAttribute[] = [
        { name: 'K', kind: 'int', value: weight.K },
        { name: 'N', kind: 'int', value: weight.N },
        { name: 'bits', kind: 'int', value: Q4_BITS },
        { name: 'block_size', kind: 'int', value: Q4_BLOCK_SIZE },
      ];
      nodes.push({
        opType: 'MatMulNBits',
        domain: MICROSOFT_DOMAIN,
        name: `${node.name}_Q4`,
        inputs: [a, `${weight.name}_Q4`, `${weight.name}_scales`, `${weight.name}_zero_points`],
        outputs: [y],
        attributes,
      });
      continue;
    }

    if (weight.dtype !== 'float32')
      throw new Error(`${node.name}: q8 is made from the fp32 graph, not from ${weight.dtype} weights.`);
    const q = quantizeInt8Symmetric(weight.values);
    added.push(
      makeTensor(`${weight.name}_quantized`, 'int8', [weight.K, weight.N], q.values),
      makeTensor(`${weight.name}_scale`, 'float32', [], new Float32Array([q.scale])),
      makeTensor(`${weight.name}_zero_point`, 'int8', [], new Int8Array([0])),
    );
    let activation = quantizedActivations.get(a);
    if (activation === undefined) {
      activation = { q: `${a}_quantized`, scale: `${a}_scale`, zeroPoint: `${a}_zero_point` };
      quantizedActivations.set(a, activation);
      nodes.push({
        opType: 'DynamicQuantizeLinear',
        domain: '',
        name: `${a}_QuantizeLinear`,
        inputs: [a],
        outputs: [activation.q, activation.scale, activation.zeroPoint],
        attributes: [],
      });
    }
    const integer = `${y}_quantized`;
    const asFloat = `${y}_quantized_cast_output`;
    const scales = `${node.name}_quant_scales_mul_output`;
    nodes.push(
      {
        opType: 'MatMulInteger',
        domain: '',
        name: `${node.name}_quant`,
        inputs: [activation.q, `${weight.name}_quantized`, activation.zeroPoint, `${weight.name}_zero_point`],
        outputs: [integer],
        attributes: [],
      },
      {
        opType: 'Cast',
        domain: '',
        name: `${integer}_cast`,
        inputs: [integer],
        outputs: [asFloat],
        attributes: [{ name: 'to', kind: 'int', value: 1 }],
      },
      {
        opType: 'Mul',
        domain: '',
        name: `${node.name}_quant_scales_mul`,
        inputs: [activation.scale, `${weight.name}_scale`],
        outputs: [scales],
        attributes: [],
      },
      {
        opType: 'Mul',
        domain: '',
        name: `${node.name}_quant_output_scale_mul`,
        inputs: [asFloat, scales],
        outputs: [y],
        attributes: [],
      },
    );
  }

  // Drop what the rewrite orphaned: Transposes feeding only quantized MatMuls, then unused fp32 weights.
  const live = pruneDeadNodes(nodes, new Set(model.graph.outputs.map((o) => o.name)));
  const used = new Set(live.flatMap((n) => n.inputs));
  const kept = model.graph.initializers.filter((t) => used.has(t.name));
  return {
    ...model,
    opsets: opsetsFor(live, model.opsets.find((o) => o.domain === '')?.version),
    docString: `${model.docString} Quantized (${kind}): ${rewritten} MatMuls rewritten.`.trim(),
    metadata: { ...model.metadata, 'glassbox.quantization': kind },
    graph: { ...model.graph, nodes: live, initializers: [...kept, ...added] },
  };
}

function pruneDeadNodes(nodes: readonly OnnxNode[], graphOutputs: ReadonlySet<string>): OnnxNode[] {
  const needed = new Set(graphOutputs);
  const keep = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node === undefined || !node.outputs.some((o) => needed.has(o))) continue;
    keep[i] = true;
    for (const input of node.inputs) needed.add(input);
  }
  return nodes.filter((_, i) => keep[i]);
}

/** Sum of initializer bytes: the size the .onnx file will roughly have. */
export function initializerBytes(model: OnnxModel): number {
  return model.graph.initializers.reduce((sum, t) => sum + t.data.byteLength, 0);
}

/** Counts of each op type, for tests and model cards. */
export function opHistogram(model: OnnxModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of model.graph.nodes) counts[node.opType] = (counts[node.opType] ?? 0) + 1;
  return counts;
}
