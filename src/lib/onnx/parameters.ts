/**
 * True parameter counts from an ONNX summary: what the model has, not what its files store.
 * - q4 `MatMulNBits` weights count as K×N (not packed bytes), their scales and zero points not at all;
 * - int8 weights of `MatMulInteger` / `DequantizeLinear` count once, their scales and zero points not at all;
 * - integer tensors (shapes, indices), scalars and Hugging Face's non-parameter buffers (`inv_freq`, …)
 *   are constants, not parameters;
 * - with tied embeddings, a quantized file stores the lm_head as a copy of the embedding: counted once.
 *
 *   countParameters(summary, { tiedEmbeddings: true }) // → { total: 134_515_008, byDtype: { float32: {...} } }
 */
import type { OnnxNode, OnnxSummary } from './summary.ts';

export interface DtypeShare {
  tensors: number;
  parameters: number;
  bytes: number;
}

export interface ParameterCount {
  total: number;
  byDtype: Record<string, DtypeShare>;
}

const QUANTIZATION_METADATA_INPUTS: Readonly<Record<string, readonly number[]>> = Object.freeze({
  MatMulNBits: [2, 3],
  MatMulInteger: [2, 3],
  DequantizeLinear: [1, 2],
  GatherBlockQuantized: [2, 3],
});

const MATMUL_OPS = new Set(['MatMul', 'MatMulNBits', 'MatMulInteger', 'Gemm']);
const NON_PARAMETER_DTYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'bool', 'string']);
/** Buffers Hugging Face models register that are not trained parameters. */
const NON_PARAMETER_BUFFERS = /(^|\.)(inv_freq|cos_cached?|sin_cached?|position_ids)$/;

/** The weight input of the matrix product that produces the `logits` output, walking back through casts and scales. */
function lmHeadWeight(summary: OnnxSummary): string | undefined {
  const producers = new Map<string, OnnxNode>();
  for (const node of summary.nodes) for (const output of node.outputs) producers.set(output, node);
  const initializers = new Set(summary.initializers.map((tensor) => tensor.name));
  const pending = ['logits'];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const node = producers.get(pending.shift() ?? '');
    if (!node || seen.has(node.name + node.outputs.join())) continue;
    seen.add(node.name + node.outputs.join());
    if (MATMUL_OPS.has(node.opType)) {
      const weight = node.inputs[1];
      return weight && initializers.has(weight) ? weight : undefined;
    }
    pending.push(...node.inputs.filter((input) => !initializers.has(input)));
  }
  return undefined;
}

export function countParameters(
  summary: OnnxSummary,
  options: { tiedEmbeddings?: boolean } = {},
): ParameterCount {
  const excluded = new Set<string>();
  const packedElements = new Map<string, number>();
  for (const node of summary.nodes) {
    for (const index of QUANTIZATION_METADATA_INPUTS[node.opType] ?? []) {
      const input = node.inputs[index];
      if (input) excluded.add(input);
    }
    if (node.opType === 'MatMulNBits' && node.inputs[1]) {
      const { K, N } = node.attributes;
      if (typeof K === 'number' && typeof N === 'number') packedElements.set(node.inputs[1], K * N);
    }
  }
  if (options.tiedEmbeddings) {
    const copy = lmHeadWeight(summary);
    if (copy) excluded.add(copy);
  }

  const byDtype: Record<string, DtypeShare> = {};
  let total = 0;
  for (const tensor of summary.initializers) {
    if (
      excluded.has(tensor.name) ||
      NON_PARAMETER_DTYPES.has(tensor.dtype) ||
      NON_PARAMETER_BUFFERS.test(tensor.name) ||
      tensor.elements <= 1
    ) {
      continue;
    }
    const parameters = packedElements.get(tensor.name) ?? tensor.elements;
    const share = (byDtype[tensor.dtype] ??= { tensors: 0, parameters: 0, bytes: 0 });
    share.tensors += 1;
    share.parameters += parameters;
    share.bytes += tensor.bytes;
    total += parameters;
  }
  return { total, byDtype };
}
