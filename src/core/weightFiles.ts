/**
 * The one naming table for ONNX weight files, as Transformers.js reads them: `onnx/model{suffix}.onnx`,
 * plus `onnx/model{suffix}.onnx_data` (and `_data_1`, …) when a repository keeps the weights outside the
 * graph. The engine, the inspector, the catalog, the forge, the benchmark and the e2e tests all name
 * files through it.
 *
 *   weightFile('q8')                            // → 'onnx/model_quantized.onnx'
 *   weightFormatOf('onnx/model_q4f16.onnx')     // → 'q4f16'
 *   isWeightDataOf('onnx/model.onnx_data', 'fp32') // → true
 */
import { DTYPES, type Dtype } from './model.ts';

/** Each format's file suffix, as Transformers.js names the files. */
export const WEIGHT_FORMATS: Readonly<Record<Dtype, string>> = Object.freeze({
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
});

/** The graph file of a weight format. */
export function weightFile(format: Dtype): string {
  return `onnx/model${WEIGHT_FORMATS[format]}.onnx`;
}

/** The format whose graph file `path` is, or null for any other file. */
export function weightFormatOf(path: string): Dtype | null {
  return DTYPES.find((format) => weightFile(format) === path) ?? null;
}

/** Whether `path` is the graph file of `format` or one of its external data files. */
export function isWeightDataOf(path: string, format: Dtype): boolean {
  const graph = weightFile(format);
  return path === graph || path.startsWith(`${graph}_data`);
}
