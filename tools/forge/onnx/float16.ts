/**
 * IEEE 754 half precision (ONNX FLOAT16) as the forge stores it: the bits of each value in a Uint16Array,
 * rounded to nearest, ties to even, as numpy's `float16()` (and so onnxconverter-common) rounds them.
 * Node has no Float16Array before version 24; onnxruntime-node takes and returns float16 tensors as
 * Uint16Array too.
 *
 * @example
 *   float32ToFloat16(new Float32Array([1, 0.1, 70000])); // → Uint16Array [0x3c00, 0x2e66, 0x7c00]
 *   float16ToFloat32(new Uint16Array([0x3c00, 0x2e66]));  // → Float32Array [1, 0.0999755859375]
 */

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** `value >>> shift`, rounded to nearest, ties to even (shift in 1..31). */
function shiftRoundingToEven(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The float16 bits of a float32 bit pattern. */
function halfFromFloatBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0); // ±inf, NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // too large: ±inf
  if (halfExponent > 0) {
    // A carry out of the mantissa moves into the exponent, which is what rounding up means.
    return sign | ((halfExponent << 10) + shiftRoundingToEven(mantissa, 13));
  }
  // Subnormal half: the value in units of 2^-24, rounded; below 2^-25 that is 0.
  const shift = 126 - exponent;
  if (shift > 24) return sign;
  return sign | shiftRoundingToEven(mantissa | 0x800000, shift);
}

/** The float16 bits nearest to `value`. */
export function float16Bits(value: number): number {
  scratch[0] = value;
  return halfFromFloatBits(scratchBits[0] ?? 0);
}

let table: Float32Array | undefined;
/** Every float16 value by its bits: 256 KiB, built once, so decoding is one lookup per value. */
function halfTable(): Float32Array {
  if (table === undefined) {
    table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) {
      const sign = bits & 0x8000 ? -1 : 1;
      const exponent = (bits >>> 10) & 0x1f;
      const mantissa = bits & 0x3ff;
      table[bits] =
        exponent === 0
          ? sign * mantissa * 2 ** -24
          : exponent === 0x1f
            ? mantissa === 0
              ? sign * Infinity
              : NaN
            : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
    }
  }
  return table;
}

export function float16Value(bits: number): number {
  return halfTable()[bits & 0xffff] ?? NaN;
}

/** The bits of `value` as float32. */
function floatBits(value: number): number {
  scratch[0] = value;
  return scratchBits[0] ?? 0;
}

/**
 * float32 values as float16 bits. With `bounds`, nonzero magnitudes below `min` become ±min and finite
 * ones above `max` become ±max first, as onnxconverter-common clamps weights before converting them
 * (the bounds compared as float32, as numpy compares a float32 array).
 */
export function float32ToFloat16(
  values: Float32Array,
  bounds?: { readonly min: number; readonly max: number },
): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  // Magnitudes compare as their bits: the order of non-negative floats is the order of their bits.
  const minBits = bounds === undefined ? 0 : floatBits(bounds.min);
  const maxBits = bounds === undefined ? 0x7f800000 : floatBits(bounds.max);
  const low = bounds === undefined ? 0 : float16Bits(bounds.min);
  const high = bounds === undefined ? 0 : float16Bits(bounds.max);
  for (let i = 0; i < out.length; i++) {
    const x = bits[i] ?? 0;
    const magnitude = x & 0x7fffffff;
    const sign = (x >>> 16) & 0x8000;
    const halfExponent = (magnitude >>> 23) - 112;
    if (magnitude > maxBits && magnitude < 0x7f800000) out[i] = sign | high;
    else if (magnitude !== 0 && magnitude < minBits) out[i] = sign | low;
    else if (halfExponent > 0 && halfExponent < 0x1f) {
      // The common case, inlined: a normal half, mantissa rounded to nearest even.
      const kept = (x & 0x7fffff) >>> 13;
      const rest = x & 0x1fff;
      const up = rest > 0x1000 || (rest === 0x1000 && (kept & 1) === 1) ? 1 : 0;
      out[i] = sign | ((halfExponent << 10) + kept + up);
    } else out[i] = halfFromFloatBits(x);
  }
  return out;
}

export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const values = halfTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < out.length; i++) out[i] = values[bits[i] ?? 0] ?? NaN;
  return out;
}
