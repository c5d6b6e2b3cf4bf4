/**
 * The fp16 sibling of a forged fp32 graph (`model_fp16.onnx`), converted the way onnxconverter-common's
 * `convert_float_to_float16(model, keep_io_types=False)` converts an export:
 *
 *  - float32 initializers and tensor attributes become float16, each value first clamped into
 *    ±[1e-7, 1e4] (the converter's `min_positive_val` / `max_finite_val`: so the mask's -3.4e38 becomes
 *    -1e4, not -inf);
 *  - float32 graph inputs and outputs become float16: the KV cache (`past_key_values.*`, `present.*`)
 *    and `logits` / `last_hidden_state`, which is what `kv_cache_dtype: float16` in config.json says;
 *  - `Cast(to=FLOAT)` becomes `Cast(to=FLOAT16)`, so the cast value joins the float16 math it feeds;
 *  - ops on the converter's block list (`Max`, `Min`, `Range`, `CumSum`, `TopK`, `Resize`, …: ops it
 *    does not trust in float16) keep computing in float32: a `Cast(to=FLOAT)` before each float input
 *    and a `Cast(to=FLOAT16)` after each float output, named as the converter names them; an
 *    initializer read by a blocked op stays float32. Of the forge's graphs only the decoder's mask
 *    (`Max`) meets the list.
 *
 * Nothing else is wrapped: onnxruntime's CPU provider has no float16 kernel for most of these ops, and it
 * inserts its own casts around them when a session loads (its InsertCastTransformer), as it does for a
 * real export.
 *
 * The forge's graphs carry no value_info (shape inference output), so there is none to convert.
 *
 * @example
 *   const fp16 = convertToFloat16(buildDecoder(config, seed));
 *   fp16.graph.inputs.find((i) => i.name === 'past_key_values.0.key')?.dtype; // → 'float16'
 */
import { float32ToFloat16 } from './onnx/float16.ts';
import {
  TENSOR_DATA_TYPES,
  tensorDataTypeFromOnnx,
  tensorToFloat32,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
  type TensorDataType,
} from './onnx/graph.ts';

/** onnxconverter-common's DEFAULT_OP_BLOCK_LIST: ops the converter leaves in float32. */
export const FLOAT16_OP_BLOCK_LIST: ReadonlySet<string> = new Set([
  'ArrayFeatureExtractor',
  'Binarizer',
  'CastMap',
  'CategoryMapper',
  'DictVectorizer',
  'FeatureVectorizer',
  'Imputer',
  'LabelEncoder',
  'LinearClassifier',
  'LinearRegressor',
  'Normalizer',
  'OneHotEncoder',
  'RandomUniformLike',
  'SVMClassifier',
  'SVMRegressor',
  'Scaler',
  'TreeEnsembleClassifier',
  'TreeEnsembleRegressor',
  'ZipMap',
  'NonMaxSuppression',
  'TopK',
  'RoiAlign',
  'Resize',
  'Range',
  'CumSum',
  'Min',
  'Max',
  'Upsample',
]);

/** The converter's clamping bounds: smaller magnitudes become ±1e-7, larger finite ones ±1e4. */
export const FLOAT16_MIN_POSITIVE = 1e-7;
export const FLOAT16_MAX_FINITE = 1e4;

const CLAMP = Object.freeze({ min: FLOAT16_MIN_POSITIVE, max: FLOAT16_MAX_FINITE });

function tensorToFloat16(tensor: OnnxTensor): OnnxTensor {
  const bits = float32ToFloat16(tensorToFloat32(tensor), CLAMP);
  return { ...tensor, dtype: 'float16', data: new Uint8Array(bits.buffer) };
}

/** Ops whose outputs are not of their first input's element type. */
function outputTypes(node: OnnxNode, first: TensorDataType | undefined): (TensorDataType | undefined)[] {
  const to = node.attributes.find((a) => a.name === 'to');
  switch (node.opType) {
    case 'Cast':
      return [to?.kind === 'int' ? tensorDataTypeFromOnnx(to.value) : undefined];
    case 'Shape':
      return ['int64'];
    case 'Equal':
    case 'Greater':
    case 'GreaterOrEqual':
    case 'Less':
    case 'LessOrEqual':
    case 'Not':
    case 'And':
    case 'Or':
      return node.outputs.map(() => 'bool');
    case 'DynamicQuantizeLinear':
      return ['uint8', 'float32', 'uint8'];
    case 'MatMulInteger':
      return ['int32'];
    default:
      return node.outputs.map(() => first);
  }
}

/** Element type of every value in the graph, from its inputs, initializers and each op's typing rule. */
function elementTypes(graph: OnnxGraph): Map<string, TensorDataType> {
  const types = new Map<string, TensorDataType>();
  for (const value of graph.inputs) types.set(value.name, value.dtype);
  for (const tensor of graph.initializers) types.set(tensor.name, tensor.dtype);
  for (const node of graph.nodes) {
    const produced = outputTypes(node, types.get(node.inputs[0] ?? ''));
    node.outputs.forEach((output, i) => {
      const type = produced[i];
      if (type !== undefined) types.set(output, type);
    });
  }
  return types;
}

const castNode = (name: string, input: string, output: string, to: TensorDataType): OnnxNode => ({
  opType: 'Cast',
  domain: '',
  name,
  inputs: [input],
  outputs: [output],
  attributes: [{ name: 'to', kind: 'int', value: TENSOR_DATA_TYPES[to] }],
});

function convertAttribute(attribute: OnnxAttribute): OnnxAttribute {
  if (attribute.kind === 'tensor' && attribute.value.dtype === 'float32')
    return { ...attribute, value: tensorToFloat16(attribute.value) };
  return attribute;
}

const toFloat16Info = (info: OnnxValueInfo): OnnxValueInfo =>
  info.dtype === 'float32' ? { ...info, dtype: 'float16' } : info;

export function convertToFloat16(model: OnnxModel): OnnxModel {
  const { graph } = model;
  const types = elementTypes(graph);
  const initializerNames = new Set(graph.initializers.map((t) => t.name));
  const isBlocked = (node: OnnxNode): boolean => node.domain === '' && FLOAT16_OP_BLOCK_LIST.has(node.opType);

  // Initializers a blocked op reads stay float32; one that float16 math reads too would need both types.
  const keptFloat32 = new Set(
    graph.nodes.filter(isBlocked).flatMap((n) => n.inputs.filter((i) => initializerNames.has(i))),
  );
  for (const node of graph.nodes) {
    const shared =
      !isBlocked(node) && node.inputs.find((i) => keptFloat32.has(i) && types.get(i) === 'float32');
    if (shared)
      throw new Error(
        `${shared} feeds both a float32-only op and ${node.name}: the converter cannot split it.`,
      );
  }

  const nodes = graph.nodes.flatMap((node): OnnxNode[] => {
    if (!isBlocked(node)) {
      const attributes = node.attributes.map((a) =>
        node.opType === 'Cast' && a.name === 'to' && a.kind === 'int' && a.value === TENSOR_DATA_TYPES.float32
          ? { ...a, value: TENSOR_DATA_TYPES.float16 }
          : convertAttribute(a),
      );
      return [{ ...node, attributes }];
    }
    const before: OnnxNode[] = [];
    const after: OnnxNode[] = [];
    const inputs = node.inputs.map((input, i) => {
      if (types.get(input) !== 'float32' || initializerNames.has(input)) return input;
      const cast = `${node.name}_input_cast_${i}`;
      before.push(castNode(`${node.name}_input_cast${i}`, input, cast, 'float32'));
      return cast;
    });
    const outputs = node.outputs.map((output, i) => {
      if (types.get(output) !== 'float32') return output;
      const cast = `${node.name}_output_cast_${i}`;
      after.push(castNode(`${node.name}_output_cast${i}`, cast, output, 'float16'));
      return cast;
    });
    return [...before, { ...node, inputs, outputs }, ...after];
  });

  return {
    ...model,
    docString:
      `${model.docString} Converted to float16 (onnxconverter-common rules, keep_io_types=False).`.trim(),
    metadata: { ...model.metadata, 'glassbox.float': 'float16' },
    graph: {
      ...graph,
      nodes,
      initializers: graph.initializers.map((t) =>
        t.dtype === 'float32' && !keptFloat32.has(t.name) ? tensorToFloat16(t) : t,
      ),
      inputs: graph.inputs.map(toFloat16Info),
      outputs: graph.outputs.map(toFloat16Info),
    },
  };
}
