/**
 * Finds, by the structure of a decoder's graph, the values a "Look inside" view shows, and returns the
 * model with them added as graph outputs: per layer the residual stream after the layer and, where the
 * graph computes attention with a Softmax, the attention probabilities [batch, heads, query, key].
 *
 * The residual stream is the chain of additions from the token embedding (a Gather reading `input_ids`,
 * or an `inputs_embeds` input) to the final norm: each link adds to the stream a branch computed from
 * it. A link is an `Add` or a norm that fuses the addition (Skip(Simplified)LayerNormalization, whose
 * output 3 is the sum). A pre-norm transformer has two links per layer (attention, then MLP), so the
 * layer's output is the second. Names (`/model/layers.3/Add_1`) are not relied on. A fused attention op
 * (GroupQueryAttention, …) keeps its probabilities inside: the layer's `attention` is null and
 * `fusedAttention` names the op.
 *
 * The graph is edited on the protobuf wire (see rewrite.ts): nodes and tensors are copied byte for byte,
 * so external data stays where it was; give the instrumented model the same external data files.
 *
 *   const { model, layout } = await instrumentDecoder(bytes);
 *   layout.layers[0]  // → { layer: 0, residual: '/model/layers.0/Add_1_output_0', attention: '/model/layers.0/self_attn/Softmax_output_0' }
 *   layout.hiddenSize // → 576; layout.finalNorm → { opType: 'decomposed', weight: 'model.norm.weight', epsilon: 1e-5 }
 */
import { CodedError } from '../errors.ts';
import { FLOAT, GRAPH, modelPieces, NODE } from './rewrite.ts';
import { summarizeOnnx, type OnnxInitializer, type OnnxNode, type OnnxSummary } from './summary.ts';
import { tensorValues } from './tensorData.ts';
import {
  encode,
  message,
  scan,
  slice,
  stringField,
  varintField,
  type Piece,
  type WireField,
} from './wire.ts';

export type InstrumentErrorCode = 'not-onnx' | 'unsupported';

export class InstrumentError extends CodedError<InstrumentErrorCode> {
  override readonly name = 'InstrumentError';
}

/** Ops that compute attention in one kernel, so its probabilities are not a value of the graph. */
export const FUSED_ATTENTION_OPS = Object.freeze([
  'GroupQueryAttention',
  'MultiHeadAttention',
  'Attention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'SparseAttention',
  'DecoderMaskedMultiHeadAttention',
  'PagedAttention',
] as const);

/** Norms that also add the residual: output 3 is input + skip (+ bias); the norm without the add. */
const SKIP_NORMS: Readonly<Record<string, string>> = Object.freeze({
  SkipSimplifiedLayerNormalization: 'SimplifiedLayerNormalization',
  SkipLayerNormalization: 'LayerNormalization',
});

/** One-node norms a final norm may be, besides the Skip forms. */
const NORM_OPS = new Set(['SimplifiedLayerNormalization', 'LayerNormalization', 'RMSNormalization']);

export interface LayerTaps {
  readonly layer: number;
  /** The graph output holding the residual stream after this layer, [batch, sequence, hidden]. */
  readonly residual: string;
  /** The graph output holding its attention probabilities [batch, heads, query, key], or null (fused or not found). */
  readonly attention: string | null;
}

export interface FinalNorm {
  /** The norm's op when it is one node, or `decomposed` (RMSNorm in standard ops: Pow/Mul, ReduceMean, Sqrt, …). */
  readonly opType: string;
  /** Its scale (γ) initializer, when found. */
  readonly weight: string | null;
  readonly epsilon: number | null;
}

export interface DecoderLayout {
  readonly layers: readonly LayerTaps[];
  readonly hiddenSize: number;
  /** Attention heads, when the graph states them (a fused op's num_heads, a recorded shape); else read dims[1] of an attention output. */
  readonly heads: number | null;
  /** Element type of the residual stream (`float32`, `float16`); attention outputs may differ (a float32 softmax in a float16 graph). */
  readonly dtype: string;
  readonly finalNorm: FinalNorm;
  /** The fused attention op met, when the graph has one (then every `attention` is null). */
  readonly fusedAttention: string | null;
  /** The graph output with the model's logits. */
  readonly logits: string;
}

/** TensorProto.DataType codes of the element types written here. */
export const ELEMENT_TYPES: Readonly<Record<string, number>> = Object.freeze({
  float32: FLOAT,
  float16: 10,
  bfloat16: 16,
  float64: 11,
  int64: 7,
});
const TYPE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  16: 'bfloat16',
});
const FLOAT_TYPES = new Set(['float32', 'float16', 'bfloat16', 'float64']);

/** A ValueInfoProto as a graph field (`GRAPH.input`, `GRAPH.output`): a tensor with symbolic dims by name. */
export function valueInfoMessage(
  field: number,
  name: string,
  dtype: string,
  dims: readonly (number | string)[],
): Piece {
  const code = ELEMENT_TYPES[dtype];
  if (code === undefined)
    throw new InstrumentError('unsupported', `Values of type ${dtype} cannot be output.`);
  // TypeProto { tensor_type = 1: { elem_type = 1, shape = 2: { dim = 1: { dim_value = 1 | dim_param = 2 } } } }
  const dim = (value: number | string) =>
    message(
      1,
      typeof value === 'number' ? [varintField(1, value)] : value === '?' ? [] : [stringField(2, value)],
    );
  return message(field, [
    stringField(1, name),
    message(2, [message(1, [varintField(1, code), message(2, dims.map(dim))])]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The graph as an index of who makes and who reads each value

interface GraphIndex {
  readonly summary: OnnxSummary;
  readonly producer: ReadonlyMap<string, number>;
  readonly consumers: ReadonlyMap<string, readonly number[]>;
  readonly initializers: ReadonlyMap<string, OnnxInitializer>;
  readonly inputs: ReadonlySet<string>;
  readonly types: ReadonlyMap<string, string>;
}

function indexGraph(summary: OnnxSummary): GraphIndex {
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  summary.nodes.forEach((node, n) => {
    for (const output of node.outputs) if (output) producer.set(output, n);
    for (const input of node.inputs) if (input) consumers.set(input, [...(consumers.get(input) ?? []), n]);
  });
  return {
    summary,
    producer,
    consumers,
    initializers: new Map(summary.initializers.map((tensor) => [tensor.name, tensor])),
    inputs: new Set(summary.inputs.map((input) => input.name)),
    types: elementTypes(summary),
  };
}

/** Ops whose outputs have a type of their own, whatever their inputs. */
const FIXED_TYPES: Readonly<Record<string, string>> = Object.freeze({
  Shape: 'int64',
  Size: 'int64',
  ArgMax: 'int64',
  ArgMin: 'int64',
  NonZero: 'int64',
  Equal: 'bool',
  Less: 'bool',
  LessOrEqual: 'bool',
  Greater: 'bool',
  GreaterOrEqual: 'bool',
  Not: 'bool',
  And: 'bool',
  Or: 'bool',
  IsNaN: 'bool',
  IsInf: 'bool',
  MatMulInteger: 'int32',
});

/**
 * Element types of the graph's values: as recorded (initializers, inputs, value_info), else inferred in
 * node order by the few rules a decoder needs (Cast's target, quantizers, fixed types) and otherwise the
 * type of the node's first input whose type is known (elementwise ops, MatMul, Reshape, Softmax, …).
 */
function elementTypes(summary: OnnxSummary): Map<string, string> {
  const types = new Map<string, string>();
  for (const tensor of summary.initializers) types.set(tensor.name, tensor.dtype);
  for (const value of [...summary.inputs, ...summary.valueInfo, ...summary.outputs])
    if (value.dtype) types.set(value.name, value.dtype);
  for (const node of summary.nodes) {
    const input = (i: number) => types.get(node.inputs[i] ?? '');
    const firstKnown = node.inputs.map((name) => types.get(name)).find(Boolean);
    const to = node.attributes['to'];
    const typeOf = (output: number): string | undefined => {
      switch (node.opType) {
        case 'Cast':
          return typeof to === 'number' ? TYPE_NAMES[to] : undefined;
        case 'CastLike':
        case 'DequantizeLinear':
          return input(1);
        case 'DynamicQuantizeLinear':
          return output === 1 ? 'float32' : 'uint8';
        case 'QuantizeLinear':
          return input(2) ?? 'uint8';
        case 'Where':
          return input(1) ?? input(2);
        case 'GatherBlockQuantized':
          return input(2);
        case 'TopK':
          return output === 1 ? 'int64' : input(0);
        case 'Constant':
        case 'ConstantOfShape':
          return undefined;
        default:
          return FIXED_TYPES[node.opType] ?? firstKnown;
      }
    };
    node.outputs.forEach((output, i) => {
      const type = output && !types.has(output) ? typeOf(i) : undefined;
      if (type) types.set(output, type);
    });
  }
  return types;
}

/** Whether `value` is computed from `target` (reaching the node that makes it counts: a fused norm's outputs). */
function dependsOn(index: GraphIndex, value: string, target: string): boolean {
  const targetNode = index.producer.get(target);
  const seen = new Set<string>();
  const stack = [value];
  while (stack.length > 0) {
    const current = stack.pop() ?? '';
    if (current === target) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    const node = index.producer.get(current);
    if (node === undefined) continue;
    if (node === targetNode) return true;
    for (const input of index.summary.nodes[node]?.inputs ?? []) if (input) stack.push(input);
  }
  return false;
}

/** The nodes `value` is computed from, back to (not including) the node making `stop`, in graph order. */
function nodesBetween(index: GraphIndex, value: string, stop: string): number[] {
  const stopNode = index.producer.get(stop);
  const found = new Set<number>();
  const seen = new Set<string>();
  const stack = [value];
  while (stack.length > 0) {
    const current = stack.pop() ?? '';
    if (current === stop || seen.has(current)) continue;
    seen.add(current);
    const node = index.producer.get(current);
    if (node === undefined || node === stopNode || found.has(node)) continue;
    found.add(node);
    for (const input of index.summary.nodes[node]?.inputs ?? []) if (input) stack.push(input);
  }
  return [...found].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// The decoder's structure

/** One link of the residual stream: `node` adds `branch` (computed from the stream) to it, giving `output`. */
interface ResidualLink {
  readonly node: number;
  readonly branch: string;
  /** The sum; '' for a fused norm that leaves its output 3 unnamed (the last one may). */
  readonly output: string;
}

/** What the instrumentation and the lens head need to know about a decoder. */
export interface DecoderAnalysis {
  readonly layout: DecoderLayout;
  /** The residual stream after the last layer, as the final norm reads it. */
  readonly lastResidual: string;
  /** The fused norm (a Skip norm) that computes the last residual and the final norm at once, or null. */
  readonly fusedFinalNorm: OnnxNode | null;
  /** Indices of the nodes from the last residual (or the fused final norm's output 0) to the logits. */
  readonly headNodes: readonly number[];
  /** Fused norms whose output 3 (the residual) must be named: node index → name. */
  readonly namedOutputs: ReadonlyMap<number, string>;
  readonly types: ReadonlyMap<string, string>;
}

function refuse(what: string): never {
  throw new InstrumentError(
    'unsupported',
    `${what}. Look inside reads decoders shaped like Hugging Face's exports (pre-norm layers with residual additions).`,
  );
}

function embeddingOutput(index: GraphIndex): string {
  const { summary } = index;
  if (index.inputs.has('inputs_embeds')) return 'inputs_embeds';
  const gather = summary.nodes.find(
    (node) => ['Gather', 'GatherBlockQuantized'].includes(node.opType) && node.inputs[1] === 'input_ids',
  );
  if (!gather?.outputs[0])
    return refuse(
      'This graph has no token embedding: no Gather reads input_ids and no input is inputs_embeds',
    );
  return gather.outputs[0];
}

function nextLink(index: GraphIndex, stream: string): ResidualLink | null {
  for (const n of index.consumers.get(stream) ?? []) {
    const node = index.summary.nodes[n];
    if (!node) continue;
    const fused = node.opType in SKIP_NORMS;
    if (node.opType !== 'Add' && !fused) continue;
    const [a = '', b = ''] = node.inputs;
    if (a !== stream && b !== stream) continue;
    const branch = a === stream ? b : a;
    if (!branch || branch === stream || !dependsOn(index, branch, stream)) continue;
    return { node: n, branch, output: (fused ? node.outputs[3] : node.outputs[0]) ?? '' };
  }
  return null;
}

function uniqueName(index: GraphIndex, base: string): string {
  let name = base;
  for (let i = 1; index.producer.has(name) || index.initializers.has(name) || index.inputs.has(name); i++)
    name = `${base}_${i}`;
  return name;
}

/** The attention probabilities of one layer's attention branch, or the fused op computing them. */
function attentionOf(
  index: GraphIndex,
  branch: string,
  layerInput: string,
): { softmax: OnnxNode | null; fused: OnnxNode | null } {
  const nodes = nodesBetween(index, branch, layerInput).map((n) => index.summary.nodes[n]!);
  const fused = nodes.find((node) => (FUSED_ATTENTION_OPS as readonly string[]).includes(node.opType));
  const softmaxes = nodes.filter((node) => node.opType === 'Softmax');
  // Only a single Softmax is surely the attention's (another would be e.g. a router's).
  return { fused: fused ?? null, softmax: !fused && softmaxes.length === 1 ? softmaxes[0]! : null };
}

function scalarValue(index: GraphIndex, bytes: Uint8Array, name: string): number | null {
  const tensor = index.initializers.get(name);
  if (!tensor || tensor.elements !== 1 || tensor.payload.kind !== 'inline') return null;
  return tensorValues(tensor, bytes)[0] ?? null;
}

function finalNormOf(
  index: GraphIndex,
  bytes: Uint8Array,
  headNodes: readonly number[],
  fusedFinalNorm: OnnxNode | null,
  lastResidual: string,
): FinalNorm {
  const nodes = headNodes.map((n) => index.summary.nodes[n]!);
  const single =
    fusedFinalNorm ??
    nodes.find((node) => NORM_OPS.has(node.opType) && node.inputs[0] === lastResidual) ??
    null;
  if (single) {
    const epsilon = single.attributes['epsilon'];
    return {
      opType: single.opType,
      weight: single.inputs[single.opType in SKIP_NORMS ? 2 : 1] || null,
      epsilon: typeof epsilon === 'number' ? epsilon : null,
    };
  }
  // RMSNorm in standard ops: γ is the first vector the head reads, ε the scalar added to the mean square.
  const weight = nodes
    .flatMap((node) => node.inputs)
    .find((name) => {
      const tensor = index.initializers.get(name);
      return tensor !== undefined && tensor.dims.length === 1 && tensor.elements > 1;
    });
  let epsilon: number | null = null;
  for (const node of nodes) {
    if (node.opType !== 'Add') continue;
    const fromMean = node.inputs.some(
      (input) => index.summary.nodes[index.producer.get(input) ?? -1]?.opType === 'ReduceMean',
    );
    const constant = node.inputs.map((input) => scalarValue(index, bytes, input)).find((v) => v !== null);
    if (fromMean && constant !== undefined) epsilon = constant;
  }
  return { opType: 'decomposed', weight: weight ?? null, epsilon };
}

/**
 * The decoder's residual stream, attention and final norm, found by structure; refuses (InstrumentError
 * `unsupported`) a graph where they cannot be found.
 */
export function analyzeDecoder(summary: OnnxSummary, bytes: Uint8Array): DecoderAnalysis {
  const index = indexGraph(summary);
  const embedding = embeddingOutput(index);
  const links: ResidualLink[] = [];
  const namedOutputs = new Map<number, string>();
  for (let stream = embedding; links.length <= summary.nodes.length;) {
    const link = nextLink(index, stream);
    if (!link) break;
    let output = link.output;
    if (!output) {
      const node = summary.nodes[link.node]!;
      output = uniqueName(index, `${node.name || node.opType}/residual`);
      namedOutputs.set(link.node, output);
    }
    links.push({ ...link, output });
    stream = output;
  }
  if (links.length === 0)
    refuse(
      `This graph has no residual stream: nothing adds a computed branch back to the embedding ${embedding}`,
    );
  if (links.length % 2 !== 0)
    refuse(
      `The residual stream has ${links.length} addition${links.length === 1 ? '' : 's'}, not two per layer (attention, then MLP)`,
    );
  const layerCount = links.length / 2;
  const pastLayers = summary.inputs.filter((input) => /^past_key_values\.\d+\.key$/.test(input.name)).length;
  if (pastLayers > 0 && pastLayers !== layerCount)
    refuse(
      `The residual stream has ${links.length} additions (${layerCount} layers), but the graph takes a KV cache for ${pastLayers} layers`,
    );

  const lastLink = links.at(-1)!;
  const lastNode = summary.nodes[lastLink.node]!;
  const fusedFinalNorm = lastNode.opType in SKIP_NORMS ? lastNode : null;
  const logits = summary.outputs.find((output) => output.name === 'logits')?.name ?? summary.outputs[0]?.name;
  if (!logits) refuse('This graph has no outputs');
  const headStart = fusedFinalNorm ? (fusedFinalNorm.outputs[0] ?? '') : lastLink.output;
  if (!dependsOn(index, logits, headStart))
    refuse(`The output ${logits} is not computed from the residual stream's end ${lastLink.output}`);
  const headNodes = nodesBetween(index, logits, headStart);
  const outside = headNodes
    .flatMap((n) => summary.nodes[n]!.inputs)
    .find((name) => name && index.inputs.has(name));
  if (outside) refuse(`The output head reads the graph input ${outside}, not only the residual stream`);

  const types = index.types;
  // A sum this analysis names has no recorded type: a Skip norm's sum has the type of its normed output.
  const dtype = types.get(lastLink.output) ?? types.get(lastNode.outputs[0] ?? '') ?? '';
  if (!FLOAT_TYPES.has(dtype))
    refuse(`Could not tell the element type of the residual stream ${lastLink.output}`);

  let fusedAttention: string | null = null;
  let heads: number | null = null;
  const layers = Array.from({ length: layerCount }, (_, layer): LayerTaps => {
    const layerInput = layer === 0 ? embedding : links[2 * layer - 1]!.output;
    const { softmax, fused } = attentionOf(index, links[2 * layer]!.branch, layerInput);
    if (fused) {
      fusedAttention ??= fused.opType;
      const numHeads = fused.attributes['num_heads'];
      if (typeof numHeads === 'number') heads ??= numHeads;
    }
    const attention = softmax?.outputs[0] || null;
    if (attention) {
      const shape = summary.valueInfo.find((value) => value.name === attention)?.shape;
      if (typeof shape?.[1] === 'number') heads ??= shape[1];
      if (!FLOAT_TYPES.has(types.get(attention) ?? ''))
        refuse(`Could not tell the element type of the attention probabilities ${attention}`);
    }
    return { layer, residual: links[2 * layer + 1]!.output, attention };
  });

  const finalNorm = finalNormOf(index, bytes, headNodes, fusedFinalNorm, lastLink.output);
  const embeddingTable = index.initializers.get(
    summary.nodes[index.producer.get(embedding) ?? -1]?.inputs[0] ?? '',
  );
  const hiddenSize =
    index.initializers.get(finalNorm.weight ?? '')?.elements ??
    (embeddingTable?.dims.length === 2 ? embeddingTable.dims[1] : undefined);
  if (!hiddenSize) refuse('Could not tell the hidden size: the final norm has no weight vector');

  return {
    layout: { layers, hiddenSize, heads, dtype, finalNorm, fusedAttention, logits },
    lastResidual: lastLink.output,
    fusedFinalNorm,
    headNodes,
    namedOutputs,
    types,
  };
}

export function summarize(bytes: Uint8Array): OnnxSummary {
  try {
    return summarizeOnnx(bytes);
  } catch (error) {
    throw new InstrumentError('not-onnx', error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
}

/** The model's graph field; refuses a file without one. */
export function graphField(bytes: Uint8Array): WireField {
  const graph = scan(bytes, 0, bytes.length).find((field) => field.field === 7);
  if (!graph) throw new InstrumentError('not-onnx', 'This file is not an ONNX model: it has no graph.');
  return graph;
}

/** A node's fields with its outputs replaced. */
export function withOutputs(bytes: Uint8Array, field: WireField, outputs: readonly string[]): Piece {
  return message(GRAPH.node, [
    ...scan(bytes, field.valueStart, field.end)
      .filter((part) => part.field !== NODE.output)
      .map((part) => slice(bytes, part)),
    ...outputs.map((output) => stringField(NODE.output, output)),
  ]);
}

export interface InstrumentedDecoder {
  /** The .onnx file with the taps as extra graph outputs (after the model's own). */
  readonly model: Uint8Array;
  readonly layout: DecoderLayout;
}

/** The decoder with every layer's residual stream and attention probabilities as graph outputs. */
export async function instrumentDecoder(bytes: Uint8Array): Promise<InstrumentedDecoder> {
  const summary = summarize(bytes);
  const graph = graphField(bytes);
  const analysis = analyzeDecoder(summary, bytes);
  const { layout, types, namedOutputs } = analysis;
  const existing = new Set(summary.outputs.map((output) => output.name));
  const outputs: Piece[] = [];
  for (const { residual, attention } of layout.layers) {
    if (!existing.has(residual))
      outputs.push(
        valueInfoMessage(GRAPH.output, residual, layout.dtype, [
          'batch_size',
          'sequence_length',
          layout.hiddenSize,
        ]),
      );
    if (attention && !existing.has(attention))
      outputs.push(
        valueInfoMessage(GRAPH.output, attention, types.get(attention) ?? '', [
          'batch_size',
          layout.heads ?? 'num_heads',
          'sequence_length',
          'total_sequence_length',
        ]),
      );
  }
  let nodeIndex = -1;
  const fields = scan(bytes, graph.valueStart, graph.end).map((field): Piece => {
    if (field.field !== GRAPH.node) return slice(bytes, field);
    nodeIndex++;
    const name = namedOutputs.get(nodeIndex);
    if (name === undefined) return slice(bytes, field);
    const [first = '', second = '', third = ''] = summary.nodes[nodeIndex]!.outputs;
    return withOutputs(bytes, field, [first, second, third, name]);
  });
  return { model: await encode(modelPieces(bytes, [...fields, ...outputs])), layout };
}
