/**
 * Turns a float16 graph back into float32: every float16 initializer, input, output and tensor attribute
 * becomes float32 and every Cast to float16 a Cast to float32, so the graph computes the same operations
 * on the same (float16-rounded) weights at float32 precision. It is the Node reference for the fp16 and
 * q4f16 files where onnxruntime-node cannot run them, and a measure of what float16 arithmetic costs.
 *
 * @example
 *   const reference = float16GraphToFloat32(convertToFloat16(fp32)); // fp32 graph, fp16-rounded weights
 */
import {
  TENSOR_DATA_TYPES,
  makeTensor,
  tensorToFloat32,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxTensor,
  type OnnxValueInfo,
} from '../onnx/graph.ts';

const widen = (t: OnnxTensor): OnnxTensor =>
  t.dtype === 'float16' ? makeTensor(t.name, 'float32', t.dims, tensorToFloat32(t)) : t;

const widenInfo = (info: OnnxValueInfo): OnnxValueInfo =>
  info.dtype === 'float16' ? { ...info, dtype: 'float32' } : info;

function widenAttribute(a: OnnxAttribute): OnnxAttribute {
  if (a.kind === 'tensor') return { ...a, value: widen(a.value) };
  if (a.name === 'to' && a.kind === 'int' && a.value === TENSOR_DATA_TYPES.float16)
    return { ...a, value: TENSOR_DATA_TYPES.float32 };
  return a;
}

export function float16GraphToFloat32(model: OnnxModel): OnnxModel {
  const { graph } = model;
  return {
    ...model,
    graph: {
      ...graph,
      nodes: graph.nodes.map((node) =>
        node.opType === 'Cast' || node.attributes.some((a) => a.kind === 'tensor')
          ? { ...node, attributes: node.attributes.map(widenAttribute) }
          : node,
      ),
      initializers: graph.initializers.map(widen),
      inputs: graph.inputs.map(widenInfo),
      outputs: graph.outputs.map(widenInfo),
    },
  };
}
