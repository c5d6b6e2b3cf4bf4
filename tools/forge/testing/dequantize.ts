/**
 * Turns a q4 graph back into fp32 by replacing every MatMulNBits with a MatMul on the weights our
 * own dequantizer reads out of it. Running both graphs in onnxruntime and comparing proves the
 * runtime's kernel and our packing agree across a whole model, not just on one toy matrix.
 *
 * @example
 *   const q4 = quantizeModel(fp32, 'q4');
 *   const same = dequantizeQ4Graph(q4); // fp32 graph; its logits ≈ q4's to float rounding
 */
import { makeTensor, opsetsFor, type OnnxModel, type OnnxNode, type OnnxTensor } from '../onnx/graph.ts';
import { dequantizeNBits, Q4_BLOCK_SIZE } from '../quantize.ts';

export function dequantizeQ4Graph(model: OnnxModel): OnnxModel {
  const initializers = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const added: OnnxTensor[] = [];
  const nodes = model.graph.nodes.map((node): OnnxNode => {
    if (node.opType !== 'MatMulNBits') return node;
    const attr = (name: string): number => {
      const found = node.attributes.find((a) => a.name === name);
      if (found?.kind !== 'int') throw new Error(`${node.name} has no int attribute ${name}.`);
      return found.value;
    };
    const [a = '', b = '', scales = '', zeroPoints = ''] = node.inputs;
    const tensor = (name: string): OnnxTensor => {
      const t = initializers.get(name);
      if (t === undefined) throw new Error(`${node.name}: input ${name} is not an initializer.`);
      return t;
    };
    const K = attr('K');
    const N = attr('N');
    if (attr('block_size') !== Q4_BLOCK_SIZE || attr('bits') !== 4)
      throw new Error(`${node.name}: only 4-bit blocks of ${Q4_BLOCK_SIZE} are handled.`);
    const packed = tensor(b);
    const scaleTensor = tensor(scales);
    const weights = dequantizeNBits(
      {
        packed: packed.data,
        scales: new Float32Array(scaleTensor.data.slice().buffer),
        zeroPoints: tensor(zeroPoints).data,
        blocks: packed.dims[1] ?? 0,
      },
      K,
      N,
    );
    const name = `${b}_dequantized`;
    added.push(makeTensor(name, 'float32', [K, N], weights));
    return {
      opType: 'MatMul',
      domain: '',
      name: `${node.name}_dequantized`,
      inputs: [a, name],
      outputs: node.outputs,
      attributes: [],
    };
  });
  const used = new Set(nodes.flatMap((n) => n.inputs));
  return {
    ...model,
    opsets: opsetsFor(nodes),
    graph: {
      ...model.graph,
      nodes,
      initializers: [...model.graph.initializers.filter((t) => used.has(t.name)), ...added],
    },
  };
}
