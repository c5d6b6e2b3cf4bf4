/**
 * What a weight format runs as on WASM, where ONNX Runtime's WebAssembly build lacks 4-bit kernels and
 * most float16 ones (engine/worker/cpuForm.ts rewrites the graph; the e2e tests check against the same form),
 * and how much of the tab's memory its weights then take.
 *
 *   cpuTarget('q4')                       // → 'int8'
 *   cpuTarget('fp32')                     // → null: runs as downloaded
 *   weightsInTab('q4f16', 'wasm', 134e6)  // → { bytes: 268e6, exact: false }: at most twice the download
 */
import type { RewriteTarget } from '../lib/onnx/rewrite.ts';
import type { Backend, Dtype } from './model.ts';

export function cpuTarget(dtype: Dtype): RewriteTarget | null {
  // 4-bit runs fastest as int8 (MatMulInteger, as q8 runs); fp16 weights lose nothing as fp32.
  if (dtype === 'q4' || dtype === 'q4f16') return 'int8';
  if (dtype === 'fp16') return 'fp32';
  return null;
}

/**
 * The bytes of weights a download of `bytes` holds in memory once running on `backend`; `exact` false
 * where that is an upper bound. fp16 as fp32 doubles exactly. 4-bit as int8 at most doubles: each 4-bit
 * weight (half a byte plus its share of a scale) becomes one byte, and float16 tensors around them become
 * float32; the download's float32 tensors (a q4 export's embeddings) stay as they are.
 */
export function weightsInTab(
  dtype: Dtype,
  backend: Backend,
  bytes: number,
): { bytes: number; exact: boolean } {
  const target = backend === 'wasm' ? cpuTarget(dtype) : null;
  if (target === null) return { bytes, exact: true };
  return { bytes: 2 * bytes, exact: target === 'fp32' };
}
