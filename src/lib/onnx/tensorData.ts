/**
 * An initializer's values, read from the bytes of its model file: plain tensors decoded to numbers, and
 * quantized weights dequantized the way onnxruntime does it (MatMulNBits 4-bit blocks; int8/uint8 with a
 * scale and zero point, as MatMulInteger and DequantizeLinear use them). Step by step for one block, so
 * the inspector can show packed bytes → integers → scale and zero point → real values.
 *
 *   const weight = quantizationOf(summary, 'model.layers.0.mlp.up_proj.weight_Q4');
 *   dequantize(weight, (name) => readTensor(summary, bytes, name)) // → Float32Array [K × N]
 */
import { Reader } from 'protobufjs/minimal.js';
import type { OnnxInitializer, OnnxNode, OnnxSummary, PayloadEncoding } from './summary.ts';

/** Reads the bytes of one external data file; inline payloads come from the model file itself. */
export type ExternalBytes = (location: string, offset: number, length: number) => Uint8Array;

/** The number an IEEE 754 half-precision bit pattern stands for. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The numbers of a packed varint field (int32_data, int64_data, uint64_data). */
function varints(bytes: Uint8Array, encoding: Exclude<PayloadEncoding, 'fixed'>): number[] {
  const reader = Reader.create(bytes);
  const values: number[] = [];
  while (reader.pos < reader.len) {
    const value: unknown =
      encoding === 'int32' ? reader.int32() : encoding === 'int64' ? reader.int64() : reader.uint64();
    values.push(typeof value === 'number' ? value : (value as { toNumber(): number }).toNumber());
  }
  return values;
}

function payloadBytes(tensor: OnnxInitializer, file: Uint8Array, external?: ExternalBytes): Uint8Array {
  const { payload } = tensor;
  if (payload.kind === 'inline') return file.subarray(payload.offset, payload.offset + payload.length);
  if (payload.kind === 'external') {
    if (!external)
      throw new Error(`${tensor.name} is stored in ${payload.location}, which is not available.`);
    return external(payload.location, payload.offset, payload.length);
  }
  return new Uint8Array();
}

/** The values of an initializer as float32 (integers exactly, up to 2^24), in row-major order. */
export function tensorValues(
  tensor: OnnxInitializer,
  file: Uint8Array,
  external?: ExternalBytes,
): Float32Array {
  const bytes = payloadBytes(tensor, file, external);
  const count = tensor.elements;
  if (tensor.payload.kind === 'inline' && tensor.payload.encoding !== 'fixed') {
    const numbers = varints(bytes, tensor.payload.encoding);
    return Float32Array.from(numbers, (value) => (tensor.dtype === 'float16' ? float16Value(value) : value));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  const read: Record<string, (index: number) => number> = {
    float32: (i) => view.getFloat32(i * 4, true),
    float64: (i) => view.getFloat64(i * 8, true),
    float16: (i) => float16Value(view.getUint16(i * 2, true)),
    bfloat16: (i) => new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0] ?? 0,
    int8: (i) => view.getInt8(i),
    uint8: (i) => view.getUint8(i),
    bool: (i) => view.getUint8(i),
    int16: (i) => view.getInt16(i * 2, true),
    uint16: (i) => view.getUint16(i * 2, true),
    int32: (i) => view.getInt32(i * 4, true),
    uint32: (i) => view.getUint32(i * 4, true),
    int64: (i) => Number(view.getBigInt64(i * 8, true)),
    uint64: (i) => Number(view.getBigUint64(i * 8, true)),
    uint4: (i) => (view.getUint8(i >> 1) >> ((i & 1) * 4)) & 0xf,
    int4: (i) => (((view.getUint8(i >> 1) >> ((i & 1) * 4)) & 0xf) ^ 8) - 8,
  };
  const reader = read[tensor.dtype];
  if (!reader) throw new Error(`${tensor.name}: values of type ${tensor.dtype} cannot be read.`);
  if (tensor.dtype === 'float32' && bytes.byteOffset % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
    return out;
  }
  // Byte tensors (packed 4-bit weights, int8 weights) are large: convert them in one call.
  if (tensor.dtype === 'uint8') {
    out.set(bytes.subarray(0, count));
    return out;
  }
  if (tensor.dtype === 'int8') {
    out.set(new Int8Array(bytes.buffer, bytes.byteOffset, count));
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = reader(i);
  return out;
}

/** How a stored weight becomes real values. */
export type Quantization =
  | {
      scheme: 'nbits';
      /** The packed tensor `[N, blocks, blob]`, its scales `[N·blocks]` and zero points. */
      packed: string;
      scales: string;
      zeroPoints: string | null;
      /**
       * Zero points packed `bits` to a byte like B (uint8, `[N, ⌈blocks·bits/8⌉]`), or one float per block
       * in the scales' type (`[N, blocks]`).
       */
      zeroPointsPacked: boolean;
      K: number;
      N: number;
      bits: number;
      blockSize: number;
    }
  | {
      scheme: 'linear';
      quantized: string;
      scale: string;
      zeroPoint: string | null;
      /** Axis of per-channel scales (null: one scale for the tensor). */
      axis: number | null;
    };

export type NBitsQuantization = Extract<Quantization, { scheme: 'nbits' }>;

/** How MatMulNBits `node` stores its weight, or null when its attributes are incomplete. */
export function nbitsQuantization(summary: OnnxSummary, node: OnnxNode): NBitsQuantization | null {
  const [, packed, scales, zeroPoints] = node.inputs;
  const { K, N, bits = 4, block_size: blockSize } = node.attributes;
  if (!packed || !scales || typeof K !== 'number' || typeof N !== 'number' || typeof blockSize !== 'number')
    return null;
  const zeroPointTensor = zeroPoints
    ? summary.initializers.find((tensor) => tensor.name === zeroPoints)
    : undefined;
  return {
    scheme: 'nbits',
    packed,
    scales,
    zeroPoints: zeroPoints || null,
    zeroPointsPacked: (zeroPointTensor?.dtype ?? 'uint8') === 'uint8',
    K,
    N,
    bits: typeof bits === 'number' ? bits : 4,
    blockSize,
  };
}

/** The quantization a tensor takes part in, read from the nodes that consume it (null: a plain tensor). */
export function quantizationOf(summary: OnnxSummary, name: string): Quantization | null {
  const initializers = new Map(summary.initializers.map((tensor) => [tensor.name, tensor]));
  for (const node of summary.nodes) {
    const [input0, input1, input2, input3] = node.inputs;
    if (node.opType === 'MatMulNBits' && input1 === name) {
      const nbits = nbitsQuantization(summary, node);
      if (nbits) return nbits;
    }
    if (node.opType === 'DequantizeLinear' && input0 === name && input1) {
      const axis = node.attributes['axis'];
      return {
        scheme: 'linear',
        quantized: name,
        scale: input1,
        zeroPoint: input2 || null,
        axis: typeof axis === 'number' ? axis : null,
      };
    }
    if (node.opType === 'MatMulInteger' && input1 === name) {
      // The weight's scale multiplies the integer product downstream; exporters name it after the weight.
      // One scale per output column (the last axis) when it has more than one value.
      const scale = initializers.get(name.replace(/_quantized$/, '_scale'));
      if (scale)
        return {
          scheme: 'linear',
          quantized: name,
          scale: scale.name,
          zeroPoint: input3 || null,
          axis: scale.elements > 1 ? -1 : null,
        };
    }
  }
  return null;
}

/** The fp32 tensor a quantized one was made from, as exporters name it (`…weight_Q4` → `…weight`). */
export function fullPrecisionName(name: string): string {
  return name.replace(/_(Q4|Q8|quantized)$/, '');
}

type Lookup = (name: string) => Float32Array;

/** One block of a quantized weight, step by step. */
export interface QuantizedBlock {
  /** Stored bytes of the block (hex in the view). */
  bytes: number[];
  integers: number[];
  zeroPoint: number;
  scale: number;
  values: number[];
}

/** The zero point of block `b` of column `n`: packed like B, one float per block, or 2^(bits-1) when absent. */
function nbitsZeroPoint(
  quantization: NBitsQuantization,
  zeroPoints: Float32Array | null,
  n: number,
  b: number,
): number {
  const { bits, K, blockSize } = quantization;
  if (!zeroPoints) return 1 << (bits - 1);
  const blocks = Math.ceil(K / blockSize);
  if (!quantization.zeroPointsPacked) return zeroPoints[n * blocks + b] ?? 0;
  const perByte = 8 / bits;
  const byte = zeroPoints[n * Math.ceil((blocks * bits) / 8) + Math.floor(b / perByte)] ?? 0;
  return (byte >> ((b % perByte) * bits)) & ((1 << bits) - 1);
}

/**
 * (q − zero point) · scale, rounded as onnxruntime's CPU kernel rounds it: an integer zero point is
 * subtracted exactly, a float one is folded in as q·scale + (−scale·zero point), each step in float32.
 */
function nbitsValue(q: number, zeroPoint: number, scale: number, packedZeroPoint: boolean): number {
  return packedZeroPoint ? (q - zeroPoint) * scale : Math.fround(q * scale) + Math.fround(-scale * zeroPoint);
}

const COLUMNS_AT_ONCE = 16;

/** Dequantized values, row-major: `[K, N]` for MatMulNBits (the MatMul's B), the tensor's shape otherwise. */
export function dequantize(
  quantization: Quantization,
  lookup: Lookup,
  dims: readonly number[] = [],
): Float32Array {
  if (quantization.scheme === 'nbits') {
    const { K, N, bits, blockSize } = quantization;
    const packed = lookup(quantization.packed);
    const scales = lookup(quantization.scales);
    const zeroPoints = quantization.zeroPoints ? lookup(quantization.zeroPoints) : null;
    const packedZeroPoint = quantization.zeroPointsPacked || !zeroPoints;
    const blocks = Math.ceil(K / blockSize);
    const blob = (blockSize * bits) / 8;
    const perByteShift = Math.log2(8 / bits);
    const mask = (1 << bits) - 1;
    const out = new Float32Array(K * N);
    // B is stored column by column and the result is row-major: a few columns at a time keep the rows
    // being written in the cache.
    for (let first = 0; first < N; first += COLUMNS_AT_ONCE) {
      const last = Math.min(N, first + COLUMNS_AT_ONCE);
      for (let b = 0; b < blocks; b++) {
        const count = Math.min(blockSize, K - b * blockSize);
        for (let n = first; n < last; n++) {
          const scale = scales[n * blocks + b] ?? 0;
          const zeroPoint = nbitsZeroPoint(quantization, zeroPoints, n, b);
          const start = (n * blocks + b) * blob;
          for (let j = 0; j < count; j++) {
            const byte = packed[start + (j >> perByteShift)] ?? 0;
            const q = (byte >> ((j & ((1 << perByteShift) - 1)) * bits)) & mask;
            out[(b * blockSize + j) * N + n] = nbitsValue(q, zeroPoint, scale, packedZeroPoint);
          }
        }
      }
    }
    return out;
  }
  const values = lookup(quantization.quantized);
  const scales = lookup(quantization.scale);
  const zeroPoints = quantization.zeroPoint ? lookup(quantization.zeroPoint) : null;
  const axis =
    quantization.axis === null || scales.length === 1
      ? null
      : (quantization.axis + dims.length) % dims.length;
  const inner = axis === null ? 1 : dims.slice(axis + 1).reduce((product, dim) => product * dim, 1);
  const channels = axis === null ? 1 : (dims[axis] ?? 1);
  return values.map((q, index) => {
    const channel = axis === null ? 0 : Math.floor(index / inner) % channels;
    return (q - (zeroPoints?.[zeroPoints.length === 1 ? 0 : channel] ?? 0)) * (scales[channel] ?? 0);
  });
}

/** Block `block` of output column `column` (MatMulNBits), or the first `count` values (linear schemes). */
export function quantizedBlock(
  quantization: Quantization,
  lookup: Lookup,
  column = 0,
  block = 0,
  count = 16,
): QuantizedBlock {
  if (quantization.scheme === 'nbits') {
    const { K, bits, blockSize } = quantization;
    const blocks = Math.ceil(K / blockSize);
    const blob = (blockSize * bits) / 8;
    const perByte = 8 / bits;
    const mask = (1 << bits) - 1;
    const packed = lookup(quantization.packed);
    const bytes = Array.from(
      packed.subarray((column * blocks + block) * blob, (column * blocks + block + 1) * blob),
    );
    const integers = Array.from(
      { length: blockSize },
      (_, j) => ((bytes[Math.floor(j / perByte)] ?? 0) >> ((j % perByte) * bits)) & mask,
    );
    const zeroPoints = quantization.zeroPoints ? lookup(quantization.zeroPoints) : null;
    const zeroPoint = nbitsZeroPoint(quantization, zeroPoints, column, block);
    const scale = lookup(quantization.scales)[column * blocks + block] ?? 0;
    const packedZeroPoint = quantization.zeroPointsPacked || !zeroPoints;
    return {
      bytes,
      integers,
      zeroPoint,
      scale,
      values: integers.map((q) => Math.fround(nbitsValue(q, zeroPoint, scale, packedZeroPoint))),
    };
  }
  const integers = Array.from(lookup(quantization.quantized).subarray(0, count));
  const scale = lookup(quantization.scale)[0] ?? 0;
  const zeroPoint = quantization.zeroPoint ? (lookup(quantization.zeroPoint)[0] ?? 0) : 0;
  return {
    bytes: integers.map((q) => q & 0xff),
    integers,
    zeroPoint,
    scale,
    values: integers.map((q) => (q - zeroPoint) * scale),
  };
}
