/**
 * Rewrites an ONNX model into a form ONNX Runtime's WebAssembly build runs fast. Its CPU kernels have no
 * 4-bit path there, so MatMulNBits dequantizes its whole weight on every call; and float16 runs slower
 * than float32 on the CPU. Done once, at load time, on the model's bytes:
 *
 * - every com.microsoft MatMulNBits (4-bit, any block size, float32 or float16 scales, zero points packed
 *   or in the scales' type, optional bias) becomes
 *   - `fp32`: a MatMul on the weight dequantized by `tensorData.ts` (the Inspector's own values), exact;
 *   - `int8`: DynamicQuantizeLinear → MatMulInteger → Cast → Mul, with weights re-quantized to int8 per
 *     output column, symmetric (approximate); one activation quantizer serves every MatMul reading the
 *     same tensor, as onnxruntime's dynamic quantization writes it;
 * - float16 becomes float32 everywhere (initializers, graph inputs and outputs, value_info, Cast targets,
 *   constants, subgraphs), so a q4f16 or fp16 export runs as an fp32 graph with fp32 inputs and outputs.
 *
 * It works on the protobuf wire: every field it does not change is copied byte for byte. The result is
 * sized before it is written and allocated once; dequantized weights are made one tensor at a time while
 * writing. So the peak is the input, the output and one weight's temporaries.
 *
 *   const { model, externalData, report } = await rewriteOnnx(bytes, { target: 'int8' });
 *   report.matMulNBits // → 211; report.summary → '211 MatMulNBits rewritten as int8 MatMulInteger …'
 */
import { CodedError } from '../errors.ts';
import { summarizeOnnx, tensorAt, type OnnxInitializer, type OnnxNode, type OnnxSummary } from './summary.ts';
import {
  dequantize,
  fullPrecisionName,
  nbitsQuantization,
  tensorValues,
  type ExternalBytes,
  type NBitsQuantization,
} from './tensorData.ts';
import {
  encode,
  encodedSize,
  floatField,
  message,
  scan,
  slice,
  stringField,
  stringOf,
  varintField,
  varintOf,
  type Piece,
  type WireField,
} from './wire.ts';

export const REWRITE_TARGETS = Object.freeze(['fp32', 'int8'] as const);
/** What MatMulNBits becomes: an exact float32 MatMul, or an approximate int8 MatMulInteger. */
export type RewriteTarget = (typeof REWRITE_TARGETS)[number];

export type RewriteErrorCode = 'not-onnx' | 'unsupported' | 'malformed' | 'missing-data';

export class RewriteError extends CodedError<RewriteErrorCode> {
  override readonly name = 'RewriteError';
}

export interface RewriteOptions {
  readonly target: RewriteTarget;
  /** External data files by the `location` their tensors name (`model_q4.onnx_data`, `…_data_1`). */
  readonly externalData?: ReadonlyMap<string, Uint8Array>;
  /** Output tensor bytes above which the weights go to an external data file (default 1.8 GB). */
  readonly externalThresholdBytes?: number;
  /** That file's name, as the rewritten .onnx refers to it (default `model.onnx_data`). */
  readonly externalDataName?: string;
  /** Bytes of tensor data written so far, of the total. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /**
   * Lets the caller's other work run now and then (a worker passes `nextTask`, so a cancel is read);
   * by default a zero timeout.
   */
  readonly pause?: () => Promise<void>;
}

export interface RewriteReport {
  readonly target: RewriteTarget;
  /** The rewritten graph computes with exactly the weights the original dequantizes to. */
  readonly exact: boolean;
  readonly matMulNBits: number;
  /** The MatMulNBits variants met, e.g. `4-bit, block 32, float16 scales, packed zero points`. */
  readonly variants: readonly string[];
  /** Weights (K·N summed) that were 4-bit and now are float32 or int8. */
  readonly parameters: number;
  /** Tensors (initializers and constants) and graph values converted from float16 to float32. */
  readonly float16Tensors: number;
  readonly float16Values: number;
  /** Bytes of the input (model and external data) and of the output. */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly externalData: boolean;
  /** One sentence for a person. */
  readonly summary: string;
}

export interface RewriteResult {
  /** The new .onnx file. */
  readonly model: Uint8Array;
  /** The weights, when they are too large to stay inside the .onnx file. */
  readonly externalData: { readonly location: string; readonly bytes: Uint8Array } | null;
  readonly report: RewriteReport;
}

/** What a model would need rewritten for the CPU: its MatMulNBits nodes and whether it holds float16. */
export function rewriteNeeds(summary: OnnxSummary): { matMulNBits: number; float16: boolean } {
  const values = [...summary.inputs, ...summary.outputs, ...summary.valueInfo];
  return {
    matMulNBits: summary.nodes.filter(isMatMulNBits).length,
    float16:
      summary.initializers.some((tensor) => tensor.dtype === 'float16') ||
      values.some((value) => value.dtype === 'float16') ||
      summary.nodes.some((node) => node.opType === 'Cast' && node.attributes['to'] === FLOAT16),
  };
}

// ---------------------------------------------------------------------------------------------
// onnx.proto field numbers and codes (exported for the other graph editors: instrument.ts, lensHead.ts)

export const FLOAT = 1;
const INT8 = 3;
export const FLOAT16 = 10;
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const DATA_LOCATION_EXTERNAL = 1;

export const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const MODEL_GRAPH = MODEL.graph;
export const GRAPH = {
  node: 1,
  name: 2,
  initializer: 5,
  input: 11,
  output: 12,
  valueInfo: 13,
  sparseInitializer: 15,
};
export const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const ATTRIBUTE = {
  name: 1,
  f: 2,
  i: 3,
  t: 5,
  g: 6,
  tensors: 10,
  graphs: 11,
  type: 20,
  sparse: 22,
  sparses: 23,
};
export const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9, externalData: 13, dataLocation: 14 };
/** TensorProto fields that hold or locate its values (typed fields, raw_data, external data). */
const TENSOR_DATA_FIELDS = new Set([4, 5, 7, 9, 10, 11, 13, 14]);
const VALUE_INFO_TYPE = 2;

/** Default output size above which tensors leave the .onnx file (protobuf messages stop at 2 GiB). */
const EXTERNAL_THRESHOLD_BYTES = 1.8e9;
/** Smaller tensors stay inline even then (onnx's own rule), and external ones start on 4 KiB. */
const EXTERNAL_MIN_TENSOR_BYTES = 1024;
const EXTERNAL_ALIGNMENT = 4096;
/** A long rewrite yields to the worker's messages (a cancel) this often. */
const YIELD_EVERY_MS = 50;

const MICROSOFT_DOMAIN = 'com.microsoft';

function pauseByTimeout(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function isMatMulNBits(node: OnnxNode): boolean {
  return node.opType === 'MatMulNBits' && node.domain === MICROSOFT_DOMAIN;
}

// ---------------------------------------------------------------------------------------------
// Output pieces

/** Rewrites one field: null keeps it as it is, a list replaces it (empty: drops it). */
type FieldRewrite = (field: WireField) => Piece[] | null;

/** The message's fields, rewritten where `rewrite` says; null when nothing changed. */
function rewriteMessage(
  bytes: Uint8Array,
  start: number,
  end: number,
  rewrite: FieldRewrite,
): Piece[] | null {
  let changed = false;
  const pieces: Piece[] = [];
  for (const field of scan(bytes, start, end)) {
    const replaced = rewrite(field);
    if (replaced === null) pieces.push(slice(bytes, field));
    else {
      changed = true;
      pieces.push(...replaced);
    }
  }
  return changed ? pieces : null;
}

/** A sub-message field rebuilt from `pieces`, or null (unchanged) when they are null. */
function rebuilt(field: WireField, pieces: Piece[] | null): Piece[] | null {
  return pieces && [message(field.field, pieces)];
}

function isMessage(field: WireField): boolean {
  return field.wireType === 2;
}

export interface NewNode {
  readonly opType: string;
  readonly domain?: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ints?: Readonly<Record<string, number>>;
  readonly floats?: Readonly<Record<string, number>>;
}

/** A NodeProto as a graph's `node` field. */
export function nodeMessage(node: NewNode): Piece {
  return message(GRAPH.node, [
    ...node.inputs.map((input) => stringField(NODE.input, input)),
    ...node.outputs.map((output) => stringField(NODE.output, output)),
    stringField(NODE.name, node.name),
    stringField(NODE.opType, node.opType),
    ...(node.domain ? [stringField(NODE.domain, node.domain)] : []),
    ...Object.entries(node.ints ?? {}).map(([name, value]) =>
      message(NODE.attribute, [
        stringField(ATTRIBUTE.name, name),
        varintField(ATTRIBUTE.i, value),
        varintField(ATTRIBUTE.type, ATTRIBUTE_INT),
      ]),
    ),
    ...Object.entries(node.floats ?? {}).map(([name, value]) =>
      message(NODE.attribute, [
        stringField(ATTRIBUTE.name, name),
        floatField(ATTRIBUTE.f, value),
        varintField(ATTRIBUTE.type, ATTRIBUTE_FLOAT),
      ]),
    ),
  ]);
}

/** Tensor data made when written: little-endian bytes of `length`. */
interface Payload {
  readonly length: number;
  readonly fill: (into: Uint8Array) => void;
}

function bytesOf(values: Float32Array | Int8Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

// ---------------------------------------------------------------------------------------------
// The rewrite

interface Counts {
  float16Tensors: number;
  float16Values: number;
}

/** One pass over the model, building the output's pieces; the tensors' data are written later. */
class Plan {
  readonly counts: Counts = { float16Tensors: 0, float16Values: 0 };
  readonly externalWrites: (Payload & { offset: number })[] = [];
  externalSize = 0;
  payloadBytes = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly external: ExternalBytes,
    /** Where tensors of at least 1 KiB go: null keeps them in the .onnx file. */
    readonly externalName: string | null,
  ) {}

  /** The data fields of a tensor: raw_data inline, or a reference to the external file. */
  data(payload: Payload, external: boolean): Piece[] {
    this.payloadBytes += payload.length;
    if (!external || this.externalName === null || payload.length < EXTERNAL_MIN_TENSOR_BYTES)
      return [{ field: TENSOR.rawData, ...payload }];
    const offset = Math.ceil(this.externalSize / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
    this.externalSize = offset + payload.length;
    this.externalWrites.push({ ...payload, offset });
    const entry = (key: string, value: string) =>
      message(TENSOR.externalData, [stringField(1, key), stringField(2, value)]);
    return [
      entry('location', this.externalName),
      entry('offset', String(offset)),
      entry('length', String(payload.length)),
      varintField(TENSOR.dataLocation, DATA_LOCATION_EXTERNAL),
    ];
  }

  /**
   * A tensor as the output stores it: as it was when nothing changes, else rebuilt with float32 values
   * (it was float16), or its bytes brought in from the input's external data, or moved out to the output's.
   */
  tensor(field: WireField, mayGoExternal: boolean): Piece[] | null {
    const { bytes } = this;
    const tensor = tensorAt(bytes, field.valueStart, field.end);
    const { payload } = tensor;
    const float16 = tensor.dtype === 'float16';
    const movesOut =
      mayGoExternal &&
      this.externalName !== null &&
      payload.kind === 'inline' &&
      payload.encoding === 'fixed' &&
      payload.length >= EXTERNAL_MIN_TENSOR_BYTES;
    if (!float16 && payload.kind !== 'external' && !movesOut) return null;
    if (float16 && payload.kind !== 'none' && (payload.kind === 'external' || payload.encoding === 'fixed'))
      expectLength(tensor, payload.length, tensor.elements * 2);
    const header = tensorHeader(bytes, field, float16);
    let data: Payload;
    if (float16) {
      this.counts.float16Tensors++;
      header.push(varintField(TENSOR.dataType, FLOAT));
      data = {
        length: tensor.elements * 4,
        fill: (into) => {
          const values = tensorValues(tensor, bytes, this.external);
          expectLength(tensor, values.length * 2, tensor.elements * 2);
          into.set(bytesOf(values));
        },
      };
    } else if (payload.kind === 'none') {
      data = { length: 0, fill: () => undefined };
    } else {
      const stored = () =>
        payload.kind === 'external'
          ? this.external(payload.location, payload.offset, payload.length)
          : bytes.subarray(payload.offset, payload.offset + payload.length);
      data = { length: payload.length, fill: (into) => into.set(stored()) };
    }
    return [message(field.field, [...header, ...this.data(data, mayGoExternal)])];
  }

  /** A TypeProto field with float16 element types made float32 (tensors, sequences, maps, optionals). */
  type(field: WireField): Piece[] | null {
    const { bytes } = this;
    const elementType = (inner: WireField): Piece[] | null =>
      inner.field === 1 && !isMessage(inner) && varintOf(bytes, inner) === FLOAT16
        ? [varintField(1, FLOAT)]
        : null;
    return rebuilt(
      field,
      rewriteMessage(bytes, field.valueStart, field.end, (part) => {
        if (!isMessage(part)) return null;
        switch (part.field) {
          case 1: // tensor_type { elem_type = 1, shape = 2 }
          case 8: // sparse_tensor_type, the same
            return rebuilt(part, rewriteMessage(bytes, part.valueStart, part.end, elementType));
          case 4: // sequence_type { elem_type: TypeProto = 1 }
          case 9: // optional_type, the same
            return rebuilt(
              part,
              rewriteMessage(bytes, part.valueStart, part.end, (inner) =>
                inner.field === 1 && isMessage(inner) ? this.type(inner) : null,
              ),
            );
          case 5: // map_type { key_type = 1, value_type: TypeProto = 2 }
            return rebuilt(
              part,
              rewriteMessage(bytes, part.valueStart, part.end, (inner) =>
                inner.field === 2 && isMessage(inner) ? this.type(inner) : null,
              ),
            );
          default:
            return null;
        }
      }),
    );
  }

  valueInfo(field: WireField): Piece[] | null {
    const pieces = rebuilt(
      field,
      rewriteMessage(this.bytes, field.valueStart, field.end, (part) =>
        part.field === VALUE_INFO_TYPE && isMessage(part) ? this.type(part) : null,
      ),
    );
    if (pieces) this.counts.float16Values++;
    return pieces;
  }

  /** A node with float16 made float32 in its attributes: Cast targets, constants, subgraphs. */
  node(field: WireField): Piece[] | null {
    const { bytes } = this;
    const parts = scan(bytes, field.valueStart, field.end);
    const text = (number: number) => {
      const part = parts.find((candidate) => candidate.field === number);
      return part ? stringOf(bytes, part) : '';
    };
    const opType = text(NODE.opType);
    const standard = ['', 'ai.onnx'].includes(text(NODE.domain));
    return rebuilt(
      field,
      rewriteMessage(bytes, field.valueStart, field.end, (part) =>
        part.field === NODE.attribute && isMessage(part) ? this.attribute(part, opType, standard) : null,
      ),
    );
  }

  private attribute(field: WireField, opType: string, standard: boolean): Piece[] | null {
    const { bytes } = this;
    const nameField = scan(bytes, field.valueStart, field.end).find((part) => part.field === ATTRIBUTE.name);
    const name = nameField ? stringOf(bytes, nameField) : '';
    // The attributes that name an element type: Cast's target, and `dtype` (EyeLike, RandomNormal, …).
    const typeAttribute = standard && ((opType === 'Cast' && name === 'to') || name === 'dtype');
    return rebuilt(
      field,
      rewriteMessage(bytes, field.valueStart, field.end, (part) => {
        switch (part.field) {
          case ATTRIBUTE.i:
            return typeAttribute && !isMessage(part) && varintOf(bytes, part) === FLOAT16
              ? [varintField(ATTRIBUTE.i, FLOAT)]
              : null;
          case ATTRIBUTE.t:
          case ATTRIBUTE.tensors:
            return isMessage(part) ? this.tensor(part, false) : null;
          case ATTRIBUTE.g:
          case ATTRIBUTE.graphs:
            return isMessage(part) ? rebuilt(part, this.graph(part.valueStart, part.end, null)) : null;
          case ATTRIBUTE.sparse:
          case ATTRIBUTE.sparses:
            this.refuseSparseFloat16(part, `attribute ${name} of a ${opType} node`);
            return null;
          default:
            return null;
        }
      }),
    );
  }

  private refuseSparseFloat16(field: WireField, where: string): void {
    // SparseTensorProto { values: TensorProto = 1, … }
    const values = scan(this.bytes, field.valueStart, field.end).find((part) => part.field === 1);
    const tensor = values && tensorAt(this.bytes, values.valueStart, values.end);
    if (tensor && (tensor.dtype === 'float16' || tensor.external))
      throw new RewriteError(
        'unsupported',
        `This model stores a sparse ${tensor.dtype} tensor (${where}), which the rewrite for the CPU does not convert. Load its fp32 or q8 weights instead.`,
      );
  }

  /** A graph's fields rewritten; `top` adds what replaces its MatMulNBits nodes. */
  graph(start: number, end: number, top: TopGraph | null): Piece[] | null {
    let nodeIndex = -1;
    const pieces = rewriteMessage(this.bytes, start, end, (field) => {
      if (!isMessage(field)) return null;
      switch (field.field) {
        case GRAPH.node: {
          nodeIndex++;
          return top?.replacements.get(nodeIndex)?.nodes ?? this.node(field);
        }
        case GRAPH.initializer: {
          if (top && top.dropped.has(tensorAt(this.bytes, field.valueStart, field.end).name)) return [];
          return this.tensor(field, top !== null);
        }
        case GRAPH.input:
          if (top && top.dropped.has(valueName(this.bytes, field))) return [];
          return this.valueInfo(field);
        case GRAPH.output:
        case GRAPH.valueInfo:
          return this.valueInfo(field);
        case GRAPH.sparseInitializer:
          this.refuseSparseFloat16(field, 'a sparse initializer');
          return null;
        default:
          return null;
      }
    });
    if (!top) return pieces;
    const added = [...top.replacements.values()].flatMap((replacement) =>
      replacement.tensors.map((tensor) =>
        message(GRAPH.initializer, [
          ...tensor.dims.map((dim) => varintField(TENSOR.dims, dim)),
          varintField(TENSOR.dataType, tensor.dataType),
          stringField(TENSOR.name, tensor.name),
          ...this.data(tensor, true),
        ]),
      ),
    );
    return [...(pieces ?? scan(this.bytes, start, end).map((field) => slice(this.bytes, field))), ...added];
  }
}

/** A TensorProto's fields other than its values (name, dims, type unless `dropType`), as they are. */
export function tensorHeader(bytes: Uint8Array, field: WireField, dropType = false): Uint8Array[] {
  return scan(bytes, field.valueStart, field.end)
    .filter((part) => !TENSOR_DATA_FIELDS.has(part.field) && !(dropType && part.field === TENSOR.dataType))
    .map((part) => slice(bytes, part));
}

/** The name of a ValueInfoProto (a graph's input, output or value_info). */
export function valueName(bytes: Uint8Array, field: WireField): string {
  const name = scan(bytes, field.valueStart, field.end).find((part) => part.field === 1);
  return name ? stringOf(bytes, name) : '';
}

function expectLength(tensor: OnnxInitializer, actual: number, expected: number): void {
  if (actual !== expected)
    throw new RewriteError(
      'malformed',
      `Tensor ${tensor.name} holds ${actual} bytes where its shape [${tensor.dims.join(', ')}] of ${tensor.dtype} needs ${expected}: the file is damaged. Download the model again.`,
    );
}

// ---------------------------------------------------------------------------------------------
// MatMulNBits

interface NewTensor extends Payload {
  readonly name: string;
  readonly dataType: number;
  readonly dims: readonly number[];
}

interface Replacement {
  readonly nodes: Piece[];
  readonly tensors: NewTensor[];
}

interface TopGraph {
  /** Node index in the graph → what replaces it. */
  readonly replacements: Map<number, Replacement>;
  /** Initializers (and the graph inputs that declare them) only the replaced nodes read. */
  readonly dropped: ReadonlySet<string>;
}

/** Names in use anywhere in the model, and how many node inputs read each. */
function namesOf(
  bytes: Uint8Array,
  start: number,
  end: number,
  taken: Set<string>,
  reads: Map<string, number>,
) {
  for (const field of scan(bytes, start, end)) {
    if (!isMessage(field)) continue;
    if (field.field === GRAPH.node) {
      for (const part of scan(bytes, field.valueStart, field.end)) {
        if (part.field === NODE.input) {
          const name = stringOf(bytes, part);
          reads.set(name, (reads.get(name) ?? 0) + 1);
          taken.add(name);
        } else if (part.field === NODE.output || part.field === NODE.name) {
          taken.add(stringOf(bytes, part));
        } else if (part.field === NODE.attribute && isMessage(part)) {
          for (const inner of scan(bytes, part.valueStart, part.end))
            if ((inner.field === ATTRIBUTE.g || inner.field === ATTRIBUTE.graphs) && isMessage(inner))
              namesOf(bytes, inner.valueStart, inner.end, taken, reads);
        }
      }
    } else if (field.field === GRAPH.initializer) {
      taken.add(tensorAt(bytes, field.valueStart, field.end).name);
    } else if ([GRAPH.input, GRAPH.output, GRAPH.valueInfo].includes(field.field)) {
      taken.add(valueName(bytes, field));
    }
  }
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

const ELEMENT_BYTES: Readonly<Record<string, number>> = Object.freeze({ uint8: 1, float16: 2, float32: 4 });

interface Weight {
  readonly node: OnnxNode;
  readonly quantization: NBitsQuantization;
  readonly variant: string;
}

/** Checks a MatMulNBits node against what the rewrite supports, with a sentence for each refusal. */
function checkedWeight(
  summary: OnnxSummary,
  initializers: Map<string, OnnxInitializer>,
  node: OnnxNode,
): Weight {
  const label = `MatMulNBits node ${node.name || node.outputs[0] || '(unnamed)'}`;
  const refuse = (why: string): never => {
    throw new RewriteError(
      'unsupported',
      `${label} ${why}, which the rewrite for the CPU does not support. Load this model's q8 or fp32 weights instead, or run it on WebGPU.`,
    );
  };
  const quantization = nbitsQuantization(summary, node);
  if (!quantization) return refuse('lacks its K, N or block_size attribute');
  const { K, N, bits, blockSize } = quantization;
  if (bits !== 4) refuse(`stores ${bits}-bit weights`);
  if (node.inputs[4]) refuse('has a g_idx input (a reordered, act-order quantization)');
  if (blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) refuse(`has a block size of ${blockSize}`);
  const stored = (name: string, what: string): OnnxInitializer => {
    const tensor = initializers.get(name);
    if (!tensor)
      return refuse(`reads its ${what} from ${name}, a computed value rather than a stored tensor,`);
    const size = ELEMENT_BYTES[tensor.dtype];
    const { payload } = tensor;
    if (size && (payload.kind === 'external' || (payload.kind === 'inline' && payload.encoding === 'fixed')))
      expectLength(tensor, payload.length, tensor.elements * size);
    return tensor;
  };
  const blocks = Math.ceil(K / blockSize);
  const packed = stored(quantization.packed, 'weights');
  const scales = stored(quantization.scales, 'scales');
  const malformed = (what: string): never => {
    throw new RewriteError(
      'malformed',
      `${label} has ${what} that do not fit K=${K}, N=${N}, block_size=${blockSize}: the file is damaged or not a valid export. Download the model again.`,
    );
  };
  if (packed.dtype !== 'uint8' || packed.elements !== N * blocks * (blockSize / 2))
    malformed('packed weights');
  if (scales.dtype !== 'float32' && scales.dtype !== 'float16') refuse(`has ${scales.dtype} scales`);
  if (scales.elements !== N * blocks) malformed('scales');
  let zeroPoints = 'no zero points';
  if (quantization.zeroPoints) {
    const tensor = stored(quantization.zeroPoints, 'zero points');
    if (tensor.dtype === 'uint8') {
      if (tensor.elements !== N * Math.ceil(blocks / 2)) malformed('zero points');
      zeroPoints = 'packed zero points';
    } else if (tensor.dtype === 'float32' || tensor.dtype === 'float16') {
      if (tensor.elements !== N * blocks) malformed('zero points');
      zeroPoints = `${tensor.dtype} zero points`;
    } else refuse(`has ${tensor.dtype} zero points`);
  }
  const bias = node.inputs[5] ? ', bias' : '';
  return {
    node,
    quantization,
    variant: `4-bit, block ${blockSize}, ${scales.dtype} scales, ${zeroPoints}${bias}`,
  };
}

/** Per output column symmetric int8: scale = max|w| / 127 over each column of a row-major [K, N]. */
function columnScales(values: Float32Array, K: number, N: number): Float32Array {
  const max = new Float32Array(N);
  for (let k = 0; k < K; k++) {
    const row = k * N;
    for (let n = 0; n < N; n++) {
      const magnitude = Math.abs(values[row + n]!);
      if (magnitude > max[n]!) max[n] = magnitude;
    }
  }
  return max.map((value) => (value > 0 ? value / 127 : 1));
}

/** q = w / scale of its column rounded half away from zero; |q| ≤ 127 by the choice of scale. */
function quantizeColumns(values: Float32Array, scales: Float32Array, K: number, N: number): Int8Array {
  const out = new Int8Array(K * N);
  for (let k = 0; k < K; k++) {
    const row = k * N;
    for (let n = 0; n < N; n++) {
      const q = values[row + n]! / scales[n]!;
      out[row + n] = q >= 0 ? (q + 0.5) | 0 : -((0.5 - q) | 0);
    }
  }
  return out;
}

function topGraph(
  bytes: Uint8Array,
  summary: OnnxSummary,
  graph: WireField,
  target: RewriteTarget,
  external: ExternalBytes,
): { top: TopGraph; weights: Weight[] } {
  const initializers = new Map(summary.initializers.map((tensor) => [tensor.name, tensor]));
  const taken = new Set<string>();
  const reads = new Map<string, number>();
  namesOf(bytes, graph.valueStart, graph.end, taken, reads);
  const lookup = (name: string) => {
    const tensor = initializers.get(name);
    if (!tensor) throw new RewriteError('malformed', `The model has no tensor ${name}.`);
    return tensorValues(tensor, bytes, external);
  };

  const replacements = new Map<number, Replacement>();
  const weights: Weight[] = [];
  const quantizers = new Map<string, { q: string; scale: string; zeroPoint: string }>();
  summary.nodes.forEach((node, index) => {
    if (!isMatMulNBits(node)) return;
    const weight = checkedWeight(summary, initializers, node);
    weights.push(weight);
    const { quantization } = weight;
    const { K, N } = quantization;
    const [a = '', , , , , bias = ''] = node.inputs;
    const [y = ''] = node.outputs;
    for (const input of node.inputs.slice(1, 4)) if (input) reads.set(input, (reads.get(input) ?? 1) - 1);
    const base = fullPrecisionName(quantization.packed);
    const name = node.name || base;
    const product = bias ? uniqueName(taken, `${y}_before_bias`) : y;
    const nodes: Piece[] = [];
    const tensors: NewTensor[] = [];
    const values = () => dequantize(quantization, lookup);

    if (target === 'fp32') {
      const w = uniqueName(taken, base);
      tensors.push({
        name: w,
        dataType: FLOAT,
        dims: [K, N],
        length: K * N * 4,
        fill: (into) => into.set(bytesOf(values())),
      });
      nodes.push(
        nodeMessage({
          opType: 'MatMul',
          name: uniqueName(taken, `${name}_MatMul`),
          inputs: [a, w],
          outputs: [product],
        }),
      );
    } else {
      let activation = quantizers.get(a);
      if (!activation) {
        activation = {
          q: uniqueName(taken, `${a}_quantized`),
          scale: uniqueName(taken, `${a}_scale`),
          zeroPoint: uniqueName(taken, `${a}_zero_point`),
        };
        quantizers.set(a, activation);
        nodes.push(
          nodeMessage({
            opType: 'DynamicQuantizeLinear',
            name: uniqueName(taken, `${a}_QuantizeLinear`),
            inputs: [a],
            outputs: [activation.q, activation.scale, activation.zeroPoint],
          }),
        );
      }
      const wq = uniqueName(taken, `${base}_quantized`);
      const ws = uniqueName(taken, `${base}_scale`);
      // The int8 weights and their scales come from one dequantization, made when the weights are written.
      let scales: Float32Array | null = null;
      const columnScalesOf = (dequantized: Float32Array) => (scales ??= columnScales(dequantized, K, N));
      tensors.push(
        {
          name: wq,
          dataType: INT8,
          dims: [K, N],
          length: K * N,
          fill: (into) => {
            const dequantized = values();
            into.set(bytesOf(quantizeColumns(dequantized, columnScalesOf(dequantized), K, N)));
          },
        },
        {
          name: ws,
          dataType: FLOAT,
          dims: [N],
          length: N * 4,
          fill: (into) => {
            into.set(bytesOf(scales ?? columnScalesOf(values())));
            scales = null;
          },
        },
      );
      const integer = uniqueName(taken, `${y}_quantized`);
      const asFloat = uniqueName(taken, `${y}_quantized_cast_output`);
      const scale = uniqueName(taken, `${name}_quant_scales_mul_output`);
      nodes.push(
        nodeMessage({
          opType: 'MatMulInteger',
          name: uniqueName(taken, `${name}_quant`),
          inputs: [activation.q, wq, activation.zeroPoint],
          outputs: [integer],
        }),
        nodeMessage({
          opType: 'Cast',
          name: uniqueName(taken, `${integer}_cast`),
          inputs: [integer],
          outputs: [asFloat],
          ints: { to: FLOAT },
        }),
        nodeMessage({
          opType: 'Mul',
          name: uniqueName(taken, `${name}_quant_scales_mul`),
          inputs: [activation.scale, ws],
          outputs: [scale],
        }),
        nodeMessage({
          opType: 'Mul',
          name: uniqueName(taken, `${name}_quant_output_scale_mul`),
          inputs: [asFloat, scale],
          outputs: [product],
        }),
      );
    }
    if (bias)
      nodes.push(
        nodeMessage({
          opType: 'Add',
          name: uniqueName(taken, `${name}_bias`),
          inputs: [product, bias],
          outputs: [y],
        }),
      );
    replacements.set(index, { nodes, tensors });
  });

  const outputs = new Set(summary.outputs.map((output) => output.name));
  const dropped = new Set(
    weights
      .flatMap((weight) => weight.node.inputs.slice(1, 4))
      .filter((name) => name && (reads.get(name) ?? 0) <= 0 && !outputs.has(name)),
  );
  return { top: { replacements, dropped }, weights };
}

/** The opset version the model imports for the default domain. */
function standardOpset(summary: OnnxSummary): number {
  return summary.opsets.find((opset) => opset.domain === '' || opset.domain === 'ai.onnx')?.version ?? 0;
}

/** Reads tensor bytes from the external data files given with a model, refusing a missing or short file. */
export function externalReader(files: ReadonlyMap<string, Uint8Array>): ExternalBytes {
  return (location, offset, length) => {
    const file = files.get(location);
    if (!file)
      throw new RewriteError(
        'missing-data',
        `The model's weights are in ${location}, which was not given with it. Download the model again with its external data files.`,
      );
    if (offset + length > file.length)
      throw new RewriteError(
        'malformed',
        `The model reads bytes ${offset}–${offset + length} of ${location}, which holds only ${file.length}: the file is cut short. Download the model again.`,
      );
    return file.subarray(offset, offset + length);
  };
}

/** The model's fields, its graph rewritten. */
export function modelPieces(bytes: Uint8Array, graph: Piece[]): Piece[] {
  return scan(bytes, 0, bytes.length).map((field) =>
    field.field === MODEL_GRAPH ? message(MODEL_GRAPH, graph) : slice(bytes, field),
  );
}

export async function rewriteOnnx(bytes: Uint8Array, options: RewriteOptions): Promise<RewriteResult> {
  const { target, signal } = options;
  let summary: OnnxSummary;
  try {
    summary = summarizeOnnx(bytes);
  } catch (error) {
    throw new RewriteError('not-onnx', error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  const files = options.externalData ?? new Map<string, Uint8Array>();
  const external = externalReader(files);

  const fields = scan(bytes, 0, bytes.length);
  const graph = fields.find((field) => field.field === MODEL_GRAPH);
  if (!graph) throw new RewriteError('not-onnx', 'This file is not an ONNX model: it has no graph.');
  const { top, weights } = topGraph(bytes, summary, graph, target, external);
  if (target === 'int8' && weights.length > 0 && standardOpset(summary) < 11)
    throw new RewriteError(
      'unsupported',
      `This model imports ONNX opset ${standardOpset(summary)}; the int8 rewrite needs opset 11 or later (DynamicQuantizeLinear). Rewrite it as fp32 instead.`,
    );

  // Plan inline first; when the tensors would not fit a protobuf message, plan again with an external file.
  const externalName = options.externalDataName ?? 'model.onnx_data';
  let plan = new Plan(bytes, external, null);
  let pieces = modelPieces(bytes, plan.graph(graph.valueStart, graph.end, top) ?? []);
  if (encodedSize(pieces) > (options.externalThresholdBytes ?? EXTERNAL_THRESHOLD_BYTES)) {
    plan = new Plan(bytes, external, externalName);
    pieces = modelPieces(bytes, plan.graph(graph.valueStart, graph.end, top) ?? []);
  }

  const total = plan.payloadBytes;
  let done = 0;
  let yielded = performance.now();
  const afterPayload = async (length: number) => {
    done += length;
    if (performance.now() - yielded < YIELD_EVERY_MS) return;
    options.onProgress?.(done, total);
    await (options.pause ?? pauseByTimeout)();
    signal?.throwIfAborted();
    yielded = performance.now();
  };
  signal?.throwIfAborted();
  const model = await encode(pieces, afterPayload);
  let externalBytes: Uint8Array | null = null;
  if (plan.externalWrites.length > 0) {
    externalBytes = new Uint8Array(plan.externalSize);
    for (const write of plan.externalWrites) {
      write.fill(externalBytes.subarray(write.offset, write.offset + write.length));
      await afterPayload(write.length);
    }
  }
  options.onProgress?.(total, total);

  const variants = [...new Set(weights.map((weight) => weight.variant))];
  const parameters = weights.reduce((sum, weight) => sum + weight.quantization.K * weight.quantization.N, 0);
  const bytesBefore = bytes.length + [...files.values()].reduce((sum, file) => sum + file.length, 0);
  const bytesAfter = model.length + (externalBytes?.length ?? 0);
  const { float16Tensors, float16Values } = plan.counts;
  const parts = [
    weights.length > 0 &&
      `${weights.length} MatMulNBits (${(parameters / 1e6).toFixed(1)} M weights) rewritten as ${target === 'fp32' ? 'float32 MatMul, exactly' : 'int8 MatMulInteger, approximately (per-column int8 weights)'}`,
    float16Tensors + float16Values > 0 &&
      `${float16Tensors} float16 tensors and ${float16Values} float16 inputs, outputs and values made float32`,
  ].filter(Boolean);
  return {
    model,
    externalData: externalBytes && { location: externalName, bytes: externalBytes },
    report: {
      target,
      exact: target === 'fp32' || weights.length === 0,
      matMulNBits: weights.length,
      variants,
      parameters,
      float16Tensors,
      float16Values,
      bytesBefore,
      bytesAfter,
      externalData: externalBytes !== null,
      summary: `${parts.length > 0 ? parts.join('; ') : 'Nothing to rewrite'}: ${(bytesBefore / 1e6).toFixed(1)} MB became ${(bytesAfter / 1e6).toFixed(1)} MB.`,
    },
  };
}
