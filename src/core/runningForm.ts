/**
 * What a weight format runs as on WASM, where ONNX Runtime's WebAssembly build lacks 4-bit kernels and
 * most float16 ones (worker/cpuForm.ts rewrites the graph; the e2e tests check against the same form).
 *
 *   cpuTarget('q4')   // → 'int8'
 *   cpuTarget('fp32') // → null: runs as downloaded
 */
import type { Dtype } from '../core/model.ts';
import type { RewriteTarget } from '../lib/onnx/rewrite.ts';

export function cpuTarget(dtype: Dtype): RewriteTarget | null {
  // 4-bit runs fastest as int8 (MatMulInteger, as q8 runs); fp16 weights lose nothing as fp32.
  if (dtype === 'q4' || dtype === 'q4f16') return 'int8';
  if (dtype === 'fp16') return 'fp32';
  return null;
}
