/**
 * One tensor of the open model, as the Weights view shows it: its real values (dequantized when stored
 * in 8 or 4 bits), statistics, a histogram, a heatmap window, the quantized block shown step by step,
 * and the error against the fp32 file when that file is on the device.
 *
 * Part of the inspector worker; never imports UI modules or transformers.js.
 */
import { downsample, histogram, matrixShape, tensorStats, type Window } from '../lib/onnx/stats.ts';
import {
  dequantize,
  fullPrecisionName,
  quantizationOf,
  quantizedBlock,
  tensorValues,
  type Quantization,
} from '../lib/onnx/tensorData.ts';
import { InspectorError } from './errors.ts';
import type { TensorReport } from './protocol.ts';
import type { OnnxFile } from './reading.ts';

const HISTOGRAM_BINS = 64;
const HEATMAP_CELLS = 128;
/** Decoded tensors kept for the next requests (zooming, another block): the last few only. */
const DECODED_KEPT = 4;

/** A tensor's stored values as floats (external data read from the file's data files). */
export function valuesOf(file: OnnxFile, name: string): Float32Array {
  const tensor = file.summary.initializers.find((candidate) => candidate.name === name);
  if (!tensor) throw new InspectorError('not-in-model', `The model has no tensor ${name}.`);
  return tensorValues(tensor, file.bytes, (location, offset, length) => {
    const bytes = file.external.get(location);
    if (!bytes) throw new InspectorError('not-found', `${location}, which holds ${name}, was not read.`);
    return bytes.subarray(offset, offset + length);
  });
}

const decoded = new Map<string, Float32Array>();

/** Forgets the decoded tensors (another model was opened). */
export function forgetDecoded(): void {
  decoded.clear();
}

/** The tensor's real values (dequantized when stored quantized), kept for the next requests. */
function realValues(file: OnnxFile, name: string, quantization: Quantization | null, dims: number[]) {
  const cached = decoded.get(name);
  if (cached) return cached;
  const values = quantization
    ? dequantize(quantization, (part) => valuesOf(file, part), dims)
    : valuesOf(file, name);
  if (decoded.size >= DECODED_KEPT) decoded.delete(decoded.keys().next().value ?? '');
  decoded.set(name, values);
  return values;
}

function describe(quantization: Quantization): string {
  if (quantization.scheme === 'nbits') {
    return `${quantization.bits}-bit integers in blocks of ${quantization.blockSize} along K, one scale${quantization.zeroPoints ? ' and zero point' : ''} per block (MatMulNBits)`;
  }
  return `8-bit integers with ${quantization.axis === null ? 'one scale for the whole tensor' : `a scale per channel of axis ${quantization.axis}`}${quantization.zeroPoint ? ' and a zero point' : ''}`;
}

/** How far the dequantized values are from the fp32 file's tensor of the same weight, when it has one. */
function errorAgainst(fullPrecision: OnnxFile, name: string, values: Float32Array): TensorReport['error'] {
  const siblingName = fullPrecisionName(name);
  if (!fullPrecision.summary.initializers.some((tensor) => tensor.name === siblingName)) return null;
  const reference = valuesOf(fullPrecision, siblingName);
  if (reference.length !== values.length) return null;
  let maxAbs = 0;
  let squares = 0;
  let referenceSquares = 0;
  reference.forEach((expected, index) => {
    const difference = (values[index] ?? 0) - expected;
    maxAbs = Math.max(maxAbs, Math.abs(difference));
    squares += difference * difference;
    referenceSquares += expected * expected;
  });
  const rms = Math.sqrt(squares / reference.length);
  return {
    against: siblingName,
    maxAbs,
    rms,
    relativeRms: referenceSquares ? rms / Math.sqrt(referenceSquares / reference.length) : 0,
  };
}

/**
 * The report of tensor `name` of `file`; `fullPrecision()` gives the fp32 file of the same model when it
 * is on the device (read only for a quantized tensor).
 */
export async function tensorReport(
  file: OnnxFile,
  fullPrecision: () => Promise<OnnxFile | null>,
  { name, window, column, block }: { name: string; window: Window | null; column: number; block: number },
): Promise<TensorReport> {
  const tensor = file.summary.initializers.find((candidate) => candidate.name === name);
  if (!tensor) throw new InspectorError('not-in-model', `The model has no tensor ${name}.`);
  const quantization = quantizationOf(file.summary, name);
  const dims = quantization?.scheme === 'nbits' ? [quantization.K, quantization.N] : tensor.dims;
  const values = realValues(file, name, quantization, dims);
  const stats = tensorStats(values);
  const { rows, cols } = matrixShape(dims);
  const view = window ?? { row: 0, col: 0, rows, cols };
  const heatmap = downsample(values, cols, view, HEATMAP_CELLS);
  const reference = quantization ? await fullPrecision() : null;
  return {
    name,
    storedDtype: tensor.dtype,
    dims,
    stats,
    histogram: {
      min: stats.min,
      max: stats.max,
      counts: histogram(values, HISTOGRAM_BINS, stats.min, stats.max),
    },
    heatmap: { ...heatmap, window: view, rows, cols },
    quantization: quantization && {
      scheme: quantization.scheme,
      description: describe(quantization),
      where:
        quantization.scheme === 'nbits'
          ? `output column ${column}, block ${block} (rows ${block * quantization.blockSize}–${Math.min((block + 1) * quantization.blockSize, quantization.K) - 1})`
          : 'the first 16 values',
      block: quantizedBlock(quantization, (part) => valuesOf(file, part), column, block),
    },
    error: reference ? errorAgainst(reference, name, values) : null,
  };
}
