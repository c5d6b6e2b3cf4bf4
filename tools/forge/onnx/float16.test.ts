/**
 * The float16 codec against onnxruntime-node's own Cast kernels: every float16 value decodes as the
 * runtime decodes it, and float32 values (halfway cases, overflow, subnormals, random weights) round to
 * the float16 the runtime rounds them to, bit for bit.
 *
 * Run: npx vitest run tools/forge/onnx/float16.test.ts
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createSession } from '../testing/ort.ts';
import { normalWeights } from '../weights.ts';
import { float16Bits, float16ToFloat32, float16Value, float32ToFloat16 } from './float16.ts';
import { GraphBuilder, type TensorDataType } from './graph.ts';

/** y = Cast(x): one op, so the runtime's conversion is all that runs. */
async function runtimeCast(from: TensorDataType, to: TensorDataType, data: Float32Array | Uint16Array) {
  const g = new GraphBuilder();
  const x = g.input('x', from, [data.length]);
  g.output(g.op('Cast', [x], { to: to === 'float16' ? 10 : 1 }), 'y', to, [data.length]);
  const session = await createSession(g.toModel());
  const out = await session.run({ x: new ort.Tensor(from, data, [data.length]) });
  return out['y']?.data as Float32Array | Uint16Array;
}

const ALL_HALVES = Uint16Array.from({ length: 65536 }, (_, i) => i);
const isNaNHalf = (bits: number): boolean => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;

describe('float16 codec', () => {
  it('decodes every float16 value as onnxruntime-node does (65,536 bit patterns)', async () => {
    const ours = float16ToFloat32(ALL_HALVES);
    const theirs = (await runtimeCast('float16', 'float32', ALL_HALVES)) as Float32Array;
    for (let bits = 0; bits < 65536; bits++) {
      if (isNaNHalf(bits)) expect(Number.isNaN(ours[bits])).toBe(true);
      else if (ours[bits] !== theirs[bits])
        expect.fail(`0x${bits.toString(16)}: ${ours[bits]} vs ${theirs[bits]}`);
    }
    expect(float16Value(0x3c00)).toBe(1);
  });

  it('rounds float32 to float16 as onnxruntime-node does: halfway cases to even, overflow to ±inf, subnormals', async () => {
    const finite = [...ALL_HALVES].filter(
      (bits) => (bits & 0x7c00) !== 0x7c00 && bits !== 0x7bff && bits !== 0xfbff,
    );
    const values = new Float32Array([
      ...finite.map(float16Value),
      // exactly halfway to the next float16 up (ties go to the even mantissa), and just either side of it
      ...finite.flatMap((bits) => {
        const low = float16Value(bits);
        const mid = (low + float16Value(bits + 1)) / 2;
        return [mid, Math.fround(mid * (1 + 2 ** -20)), Math.fround(mid * (1 - 2 ** -20))];
      }),
      65504,
      65519,
      65520,
      70000,
      -70000,
      3.4e38,
      -Infinity,
      Infinity,
      2 ** -25,
      2 ** -24,
      1.5 * 2 ** -25,
      1e-7,
      ...normalWeights(1, 'float16 codec', 20000, 1),
      ...normalWeights(2, 'float16 codec', 20000, 1e-5),
      ...normalWeights(3, 'float16 codec', 20000, 3000),
    ]);
    const ours = float32ToFloat16(values);
    const theirs = (await runtimeCast('float32', 'float16', values)) as Uint16Array;
    let mismatches = 0;
    for (let i = 0; i < values.length; i++) if (ours[i] !== theirs[i]) mismatches++;
    expect(mismatches).toBe(0);
    expect([...float32ToFloat16(new Float32Array([1, 0.1, 70000, -0, 2 ** -25]))]).toEqual([
      0x3c00, 0x2e66, 0x7c00, 0x8000, 0,
    ]);
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and the next float16: even stays
  });

  it('clamps into ±[min, max] before rounding when asked, as onnxconverter-common does', () => {
    const bounds = { min: 1e-7, max: 1e4 };
    const out = float32ToFloat16(new Float32Array([-3.4e38, 2e4, 1e-9, -1e-9, 0, Infinity, 0.5]), bounds);
    expect([...out].map(float16Value)).toEqual([
      -float16Value(float16Bits(1e4)),
      float16Value(float16Bits(1e4)),
      float16Value(float16Bits(1e-7)),
      -float16Value(float16Bits(1e-7)),
      0,
      Infinity,
      0.5,
    ]);
  });
});
