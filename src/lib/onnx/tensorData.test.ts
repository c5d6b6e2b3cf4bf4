import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, MICROSOFT_DOMAIN } from '../../../tools/forge/onnx/graph.ts';
import { encodeModel } from '../../../tools/forge/onnx/proto.ts';
import { quantizeNBits } from '../../../tools/forge/quantize.ts';
import {
  floatInput,
  identity,
  matMulNBitsModel,
  type NBitsCase,
} from '../../../tools/forge/testing/matMulNBits.ts';
import { createSession, floatData, maxAbs, maxAbsDifference } from '../../../tools/forge/testing/ort.ts';
import { summarizeOnnx } from './summary.ts';
import { dequantize, fullPrecisionName, quantizationOf, quantizedBlock, tensorValues } from './tensorData.ts';

/** Reproducible values in [-1, 1). */
function values(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 - 1;
  });
}

function reader(bytes: Uint8Array) {
  const summary = summarizeOnnx(bytes);
  const lookup = (name: string) => {
    const tensor = summary.initializers.find((candidate) => candidate.name === name);
    if (!tensor) throw new Error(`no initializer ${name}`);
    return tensorValues(tensor, bytes);
  };
  return { summary, lookup };
}

describe('dequantization equals onnxruntime', () => {
  it('MatMulNBits: 4-bit blocks with zero points, read back as the MatMul weight [K, N]', async () => {
    const [K, N, blockSize] = [80, 24, 32]; // K not a multiple of the block: the last block is padded
    const weights = values(K * N, 7);
    const q = quantizeNBits(weights, K, N, blockSize);
    const g = new GraphBuilder();
    const a = g.input('a', 'float32', [K, K]);
    const packed = g.initializer('w_Q4', 'uint8', [N, q.blocks, blockSize / 2], q.packed);
    const scales = g.initializer('w_scales', 'float32', [N * q.blocks], q.scales);
    const zeroPoints = g.initializer('w_zero_points', 'uint8', [q.zeroPoints.length], q.zeroPoints);
    const y = g.op(
      'MatMulNBits',
      [a, packed, scales, zeroPoints],
      { K, N, bits: 4, block_size: blockSize },
      { domain: MICROSOFT_DOMAIN },
    );
    g.output(y, 'y', 'float32', [K, N]);
    const bytes = encodeModel(g.toModel()).onnx;

    // Multiplying the identity by the weight gives the weight as onnxruntime dequantizes it.
    const identity = Float32Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0));
    const session = await createSession(bytes);
    const expected = (await session.run({ a: new ort.Tensor('float32', identity, [K, K]) }))['y']
      ?.data as Float32Array;
    await session.release();

    const { summary, lookup } = reader(bytes);
    const quantization = quantizationOf(summary, 'w_Q4');
    expect(quantization).toMatchObject({ scheme: 'nbits', K, N, bits: 4, blockSize, scales: 'w_scales' });
    if (!quantization) return;
    const ours = dequantize(quantization, lookup);
    expect(Math.max(...ours.map((value, i) => Math.abs(value - (expected[i] ?? NaN))))).toBeLessThan(1e-6);

    const block = quantizedBlock(quantization, lookup, 3, 1);
    expect(block.bytes).toHaveLength(blockSize / 2);
    expect(block.integers).toHaveLength(blockSize);
    expect(block.values[0]).toBeCloseTo(expected[1 * blockSize * N + 3] ?? NaN, 6);
    expect(fullPrecisionName('w_Q4')).toBe('w');
  });

  const forms: (NBitsCase & { tolerance: number })[] = [
    { K: 80, N: 24, blockSize: 16, scales: 'float32', zeroPoints: 'float32', tolerance: 0 },
    { K: 128, N: 8, blockSize: 64, scales: 'float32', zeroPoints: 'none', tolerance: 0 },
    { K: 96, N: 8, blockSize: 32, scales: 'float16', zeroPoints: 'packed', tolerance: 2 ** -10 },
    { K: 64, N: 8, blockSize: 32, scales: 'float16', zeroPoints: 'none', tolerance: 2 ** -10 },
    { K: 64, N: 8, blockSize: 32, scales: 'float16', zeroPoints: 'float16', tolerance: 2 ** -10 },
  ];
  it.each(forms)(
    'MatMulNBits: $scales scales, $zeroPoints zero points, blocks of $blockSize',
    async ({ tolerance, ...form }) => {
      const bytes = encodeModel(matMulNBitsModel(form)).onnx;
      const session = await createSession(bytes);
      const output = (await session.run({ a: floatInput(form.scales, identity(form.K), [form.K, form.K]) }))[
        'y'
      ];
      await session.release();
      // A float16 product comes back rounded to float16, folded in float16 steps (zero points).
      if (!output) throw new Error('no output');
      const expected = floatData(output);

      const { summary, lookup } = reader(bytes);
      const quantization = quantizationOf(summary, 'w_Q4');
      expect(quantization).toMatchObject({ zeroPointsPacked: !form.zeroPoints.startsWith('float') });
      if (!quantization) return;
      const ours = dequantize(quantization, lookup);
      expect(maxAbsDifference(ours, expected)).toBeLessThanOrEqual(tolerance * maxAbs(expected));
      const block = quantizedBlock(quantization, lookup, 5, 1);
      expect(block.values).toEqual(
        Array.from(ours.filter((_, i) => i % form.N === 5).slice(form.blockSize, 2 * form.blockSize)),
      );
    },
  );

  it('DequantizeLinear: int8 with a per-channel scale and zero point', async () => {
    const dims = [3, 5];
    const quantized = Int8Array.from({ length: 15 }, (_, i) => ((i * 37) % 255) - 127);
    const g = new GraphBuilder();
    const x = g.initializer('w_quantized', 'int8', dims, quantized);
    const scale = g.initializer('w_scale', 'float32', [3], Float32Array.from([0.5, 0.01, 2]));
    const zeroPoint = g.initializer('w_zero_point', 'int8', [3], Int8Array.from([0, -3, 7]));
    const one = g.input('one', 'float32', [1]);
    const y = g.op('Mul', [g.op('DequantizeLinear', [x, scale, zeroPoint], { axis: 0 }), one]);
    g.output(y, 'y', 'float32', dims);
    const bytes = encodeModel(g.toModel()).onnx;
    const session = await createSession(bytes);
    const expected = (await session.run({ one: new ort.Tensor('float32', Float32Array.from([1]), [1]) }))['y']
      ?.data as Float32Array;
    await session.release();

    const { summary, lookup } = reader(bytes);
    const quantization = quantizationOf(summary, 'w_quantized');
    expect(quantization).toMatchObject({ scheme: 'linear', axis: 0 });
    if (!quantization) return;
    expect(Array.from(dequantize(quantization, lookup, dims))).toEqual(Array.from(expected));
  });

  it('reads the forged q8 weights (MatMulInteger) with their scale', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'uint8', [2, 4]);
    const w = g.initializer(
      'm.weight_quantized',
      'int8',
      [4, 2],
      Int8Array.from([1, -2, 3, -4, 5, -6, 7, -127]),
    );
    g.initializer('m.weight_scale', 'float32', [], Float32Array.from([0.25]));
    const zp = g.initializer('m.weight_zero_point', 'int8', [], Int8Array.from([0]));
    const azp = g.initializer('a_zero_point', 'uint8', [], Uint8Array.from([0]));
    g.output(g.op('MatMulInteger', [a, w, azp, zp]), 'y', 'int32', [2, 2]);
    const bytes = encodeModel(g.toModel()).onnx;
    const { summary, lookup } = reader(bytes);
    const quantization = quantizationOf(summary, 'm.weight_quantized');
    expect(quantization).toMatchObject({
      scheme: 'linear',
      scale: 'm.weight_scale',
      zeroPoint: 'm.weight_zero_point',
    });
    if (!quantization) return;
    expect(Array.from(dequantize(quantization, lookup, [4, 2]))).toEqual([
      0.25, -0.5, 0.75, -1, 1.25, -1.5, 1.75, -31.75,
    ]);
    expect(quantizedBlock(quantization, lookup, 0, 0, 3)).toEqual({
      bytes: [1, 254, 3],
      integers: [1, -2, 3],
      zeroPoint: 0,
      scale: 0.25,
      values: [0.25, -0.5, 0.75],
    });
  });

  it('reads int8 weights with one scale per output column (MatMulInteger, no zero point)', () => {
    const g = new GraphBuilder();
    const a = g.input('a', 'uint8', [2, 3]);
    const w = g.initializer('m.weight_quantized', 'int8', [3, 2], Int8Array.from([1, -2, 3, -4, 127, -127]));
    g.initializer('m.weight_scale', 'float32', [2], Float32Array.from([0.5, 0.25]));
    const azp = g.initializer('a_zero_point', 'uint8', [], Uint8Array.from([0]));
    g.output(g.op('MatMulInteger', [a, w, azp]), 'y', 'int32', [2, 2]);
    const { summary, lookup } = reader(encodeModel(g.toModel()).onnx);
    const quantization = quantizationOf(summary, 'm.weight_quantized');
    expect(quantization).toMatchObject({ scheme: 'linear', axis: -1, zeroPoint: null });
    if (!quantization) return;
    expect(Array.from(dequantize(quantization, lookup, [3, 2]))).toEqual([0.5, -0.5, 1.5, -1, 63.5, -31.75]);
  });
});

describe('external data', () => {
  it('reads a tensor stored in a .onnx_data file at its offset', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    const first = g.initializer('first', 'float32', [2], Float32Array.from([1, 2]));
    // Large enough to leave the .onnx file (small tensors stay inline).
    const big = Float32Array.from({ length: 4096 }, (_, i) => i / 4 - 100);
    const second = g.initializer('second', 'float32', [4096], big);
    g.output(g.op('Add', [x, first]), 'y', 'float32', [2]);
    g.output(g.op('Identity', [second]), 'z', 'float32', [4096]);
    const encoded = encodeModel(g.toModel(), {
      externalDataFile: 'model.onnx_data',
      externalThresholdBytes: 0,
    });
    const data = new Uint8Array(encoded.externalData?.flatMap((chunk) => Array.from(chunk)) ?? []);
    const summary = summarizeOnnx(encoded.onnx);
    const tensor = summary.initializers.find((candidate) => candidate.name === 'second');
    expect(tensor?.payload).toMatchObject({ kind: 'external', location: 'model.onnx_data' });
    if (!tensor) return;
    const files: string[] = [];
    const values = tensorValues(tensor, encoded.onnx, (location, offset, length) => {
      files.push(location);
      return data.subarray(offset, offset + length);
    });
    expect(values).toEqual(big);
    expect(files).toEqual(['model.onnx_data']);
  });
});
