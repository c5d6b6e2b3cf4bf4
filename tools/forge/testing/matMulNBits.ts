/**
 * One-node models around com.microsoft MatMulNBits in each of the forms exporters write: block sizes,
 * float32 or float16 scales (A and Y then float16 too), zero points packed 4-bit in uint8, in the scales'
 * type, or absent, and an optional bias. Weights and scales are random but reproducible; float16 scales
 * are drawn as bit patterns.
 *
 *   const model = matMulNBitsModel({ K: 80, N: 24, blockSize: 16, scales: 'float16', zeroPoints: 'float16' });
 *   // inputs: a [M, 80] float16; output y [M, 24] float16; initializers w_Q4, w_scales, w_zero_points
 */
import * as ort from 'onnxruntime-node';
import { float16Bits } from '../onnx/float16.ts';
import { GraphBuilder, MICROSOFT_DOMAIN, type OnnxModel, type OnnxTensor } from '../onnx/graph.ts';
import { createRng, type Rng } from '../random.ts';

export interface NBitsCase {
  readonly K: number;
  readonly N: number;
  readonly blockSize: number;
  readonly scales: 'float32' | 'float16';
  readonly zeroPoints: 'none' | 'packed' | 'float32' | 'float16';
  readonly bias?: boolean;
  readonly seed?: number;
}

/** A float16 number as its bits: magnitude 2^-5 to 2^-1 with a random sign and mantissa. */
function randomFloat16Bits(rng: Rng): number {
  return (rng.int(2) << 15) | ((10 + rng.int(5)) << 10) | rng.int(1024);
}

export function float16Tensor(name: string, dims: readonly number[], bits: Uint16Array): OnnxTensor {
  return { name, dtype: 'float16', dims: [...dims], data: new Uint8Array(bits.buffer, 0, bits.byteLength) };
}

export function matMulNBitsModel(spec: NBitsCase): OnnxModel {
  const { K, N, blockSize } = spec;
  const rng = createRng(spec.seed ?? 11);
  const blocks = Math.ceil(K / blockSize);
  const float = spec.scales;
  const g = new GraphBuilder();
  const halves: OnnxTensor[] = [];
  /** A tensor of the float type: float32 values, or float16 bits. */
  const floats = (name: string, dims: number[], count: number, value: () => number): string => {
    if (float === 'float32')
      return g.initializer(name, 'float32', dims, Float32Array.from({ length: count }, value));
    halves.push(
      float16Tensor(
        name,
        dims,
        Uint16Array.from({ length: count }, () => randomFloat16Bits(rng)),
      ),
    );
    return name;
  };
  const a = g.input('a', float, ['batch', K]);
  const packed = g.initializer(
    'w_Q4',
    'uint8',
    [N, blocks, blockSize / 2],
    Uint8Array.from({ length: N * blocks * (blockSize / 2) }, () => rng.int(256)),
  );
  const scales = floats('w_scales', [N * blocks], N * blocks, () => (rng.next() - 0.5) / 8);
  let zeroPoints = '';
  if (spec.zeroPoints === 'packed') {
    const count = N * Math.ceil(blocks / 2);
    zeroPoints = g.initializer(
      'w_zero_points',
      'uint8',
      [count],
      Uint8Array.from({ length: count }, () => rng.int(256)),
    );
  } else if (spec.zeroPoints !== 'none') {
    // Zero points in the scales' type need not be integers (HQQ writes them so).
    const value = () => rng.int(31) / 2;
    if (spec.zeroPoints === 'float32')
      zeroPoints = g.initializer(
        'w_zero_points',
        'float32',
        [N * blocks],
        Float32Array.from({ length: N * blocks }, value),
      );
    else {
      halves.push(
        float16Tensor(
          'w_zero_points',
          [N * blocks],
          Uint16Array.from({ length: N * blocks }, () => float16Bits(value())),
        ),
      );
      zeroPoints = 'w_zero_points';
    }
  }
  const bias = spec.bias ? floats('w_bias', [N], N, () => rng.next() - 0.5) : '';
  const inputs = [a, packed, scales, zeroPoints, ...(bias ? ['', bias] : [])];
  while (inputs.at(-1) === '') inputs.pop();
  const y = g.op(
    'MatMulNBits',
    inputs,
    { K, N, bits: 4, block_size: blockSize },
    { domain: MICROSOFT_DOMAIN },
  );
  g.output(y, 'y', float, ['batch', N]);
  const model = g.toModel();
  return { ...model, graph: { ...model.graph, initializers: [...model.graph.initializers, ...halves] } };
}

/** A float input for `a`, as float32 values or float16 bits. */
export function floatInput(dtype: 'float32' | 'float16', values: Float32Array, dims: number[]): ort.Tensor {
  if (dtype === 'float32') return new ort.Tensor('float32', values, dims);
  return new ort.Tensor('float16', Uint16Array.from(values, float16Bits), dims);
}

/** The identity [K, K]: A·W reads back the weight W as the runtime dequantizes it. */
export function identity(K: number): Float32Array {
  return Float32Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0));
}
