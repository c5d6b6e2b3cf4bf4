/**
 * True parameter counts from an ONNX summary: what the model has, not what its files store.
 * - q4 `MatMulNBits` weights count as K×N (not packed bytes), their scales and zero points not at all;
 * - int8 weights of `MatMulInteger` / `DequantizeLinear` count once, their scales and zero points not at all;
 * - integer tensors (shapes, indices) and scalars are constants, not parameters.
 *
 *   countParameters(summary) // → { total: 134_515_008, byDtype: { float32: {...}, uint8: {...} } }
 */
import type { OnnxSummary } from './summary.ts';

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

const NON_PARAMETER_DTYPES = new Set(['int32', 'int64', 'uint32', 'uint64', 'bool', 'string']);

export function countParameters(summary: OnnxSummary): ParameterCount {
  const metadata = new Set<string>();
  const packedElements = new Map<string, number>();
  for (const node of summary.nodes) {
    for (const index of QUANTIZATION_METADATA_INPUTS[node.opType] ?? []) {
      const input = node.inputs[index];
      if (input) metadata.add(input);
    }
    if (node.opType === 'MatMulNBits' && node.inputs[1]) {
      const { K, N } = node.attributes;
      if (typeof K === 'number' && typeof N === 'number') packedElements.set(node.inputs[1], K * N);
    }
  }

  const byDtype: Record<string, DtypeShare> = {};
  let total = 0;
  for (const tensor of summary.initializers) {
    if (metadata.has(tensor.name) || NON_PARAMETER_DTYPES.has(tensor.dtype) || tensor.elements <= 1) continue;
    const parameters = packedElements.get(tensor.name) ?? tensor.elements;
    const share = (byDtype[tensor.dtype] ??= { tensors: 0, parameters: 0, bytes: 0 });
    share.tensors += 1;
    share.parameters += parameters;
    share.bytes += tensor.bytes;
    total += parameters;
  }
  return { total, byDtype };
}
