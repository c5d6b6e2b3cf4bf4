/**
 * An in-memory ONNX model and a small builder that lets the model files read like the math.
 *
 * The forge never edits protobuf objects directly: builders (decoder.ts, encoder.ts) describe a
 * graph with `GraphBuilder`, the quantizer rewrites the resulting plain `OnnxModel`, and
 * `proto.ts` turns it into bytes at the very end.
 *
 * @example
 *   const g = new GraphBuilder();
 *   const x = g.input('x', 'float32', ['batch_size', 4]);
 *   const w = g.initializer('w', 'float32', [4, 2], new Float32Array([1, 0, 0, 1, 0, 0, 0, 0]));
 *   const y = g.op('MatMul', [x, w]);
 *   g.output(y, 'y', 'float32', ['batch_size', 2]);
 *   const model = g.toModel({ producerName: 'glassbox-forge' });
 *   // model.graph.nodes → [{ opType: 'MatMul', name: '/MatMul', inputs: ['x', 'w'], outputs: ['y'], … }]
 */
import { float16ToFloat32 } from './float16.ts';

/** Element types the forge writes, named as onnxruntime-node names tensor types. */
export const TENSOR_DATA_TYPES = Object.freeze({
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
} as const);
export type TensorDataType = keyof typeof TENSOR_DATA_TYPES;

/** Bytes per element of each type (raw_data is tightly packed, little-endian). */
export const TENSOR_ELEMENT_BYTES: Readonly<Record<TensorDataType, number>> = Object.freeze({
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
});

export function tensorDataTypeFromOnnx(code: number): TensorDataType {
  for (const [name, value] of Object.entries(TENSOR_DATA_TYPES)) {
    if (value === code) return name as TensorDataType;
  }
  throw new Error(
    `ONNX element type ${code} is not one the forge handles (${Object.keys(TENSOR_DATA_TYPES).join(', ')}).`,
  );
}

/** A dimension: a fixed size, or a symbol such as 'batch_size' that the runtime fills in. */
export type Dim = number | string;

/** A constant tensor: its bytes are raw little-endian data, as ONNX `raw_data` stores them. */
export interface OnnxTensor {
  readonly name: string;
  readonly dtype: TensorDataType;
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: TensorDataType;
  readonly dims: readonly Dim[];
}

export type OnnxAttribute =
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'float'; readonly value: number }
  | { readonly name: string; readonly kind: 'string'; readonly value: string }
  | { readonly name: string; readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly name: string; readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly name: string; readonly kind: 'tensor'; readonly value: OnnxTensor };

export interface OnnxNode {
  readonly opType: string;
  /** '' is the default ONNX domain; contrib ops use 'com.microsoft'. */
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxOpset {
  readonly domain: string;
  readonly version: number;
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsets: readonly OnnxOpset[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly graph: OnnxGraph;
}

/** Standard-domain opset the forge targets: every op it uses runs on onnxruntime-web's WASM and WebGPU EPs. */
export const DEFAULT_OPSET = 17;
/** IR version 8 goes with opset 17 (onnx 1.12+); onnxruntime 1.14+ reads it. */
export const DEFAULT_IR_VERSION = 8;
export const MICROSOFT_DOMAIN = 'com.microsoft';

// ---------------------------------------------------------------------------------------------
// Tensors from typed arrays

/** Typed arrays the forge stores tensors from; float16 values travel as their bits in a Uint16Array. */
export type NumericArray = Float32Array | Uint16Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of a typed array, sharing its memory on little-endian hosts (all that Node runs on in practice). */
export function littleEndianBytes(values: NumericArray): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN || values.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  const width = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += width) {
    for (let j = 0; j < width; j++) swapped[i + j] = bytes[i + width - 1 - j] ?? 0;
  }
  return swapped;
}

/** Reads a float32 or float16 tensor's data back as float32 numbers (copies, so the result is aligned). */
export function tensorToFloat32(tensor: OnnxTensor): Float32Array {
  if (tensor.dtype === 'float16') return float16ToFloat32(tensorToUint16(tensor));
  if (tensor.dtype !== 'float32')
    throw new Error(`Tensor ${tensor.name} is ${tensor.dtype}, not float32 or float16.`);
  if (LITTLE_ENDIAN && tensor.data.byteOffset % 4 === 0) {
    return new Float32Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength / 4).slice();
  }
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out = new Float32Array(tensor.data.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** A float16 tensor's bits (copies, so the result is aligned). */
export function tensorToUint16(tensor: OnnxTensor): Uint16Array {
  if (tensor.dtype !== 'float16') throw new Error(`Tensor ${tensor.name} is ${tensor.dtype}, not float16.`);
  if (LITTLE_ENDIAN && tensor.data.byteOffset % 2 === 0) {
    return new Uint16Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength / 2).slice();
  }
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const out = new Uint16Array(tensor.data.byteLength / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint16(i * 2, true);
  return out;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function dataTypeOf(values: NumericArray): TensorDataType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Uint16Array) return 'float16';
  if (values instanceof Uint8Array) return 'uint8';
  if (values instanceof Int8Array) return 'int8';
  if (values instanceof Int32Array) return 'int32';
  return 'int64';
}

export function makeTensor(
  name: string,
  dtype: TensorDataType,
  dims: readonly number[],
  values: NumericArray,
): OnnxTensor {
  const expected = elementCount(dims) * TENSOR_ELEMENT_BYTES[dtype];
  const data = littleEndianBytes(values);
  const natural = dataTypeOf(values);
  // bool is stored one byte per element, like uint8; every other type must match its array.
  if (natural !== dtype && !(dtype === 'bool' && natural === 'uint8')) {
    throw new Error(`Tensor ${name}: declared ${dtype} but given a ${values.constructor.name}.`);
  }
  if (data.byteLength !== expected) {
    throw new Error(
      `Tensor ${name}: dims [${dims.join(', ')}] need ${expected} bytes of ${dtype}, got ${data.byteLength}.`,
    );
  }
  return { name, dtype, dims: [...dims], data };
}

// ---------------------------------------------------------------------------------------------
// Attributes

/** Plain numbers become INT attributes; wrap floats so 1.0 is not mistaken for an int. */
export interface FloatAttr {
  readonly kind: 'float';
  readonly value: number;
}
export interface FloatsAttr {
  readonly kind: 'floats';
  readonly value: readonly number[];
}
export interface TensorAttr {
  readonly kind: 'tensor';
  readonly value: OnnxTensor;
}
export type AttrValue = number | string | readonly number[] | FloatAttr | FloatsAttr | TensorAttr;

export const float = (value: number): FloatAttr => ({ kind: 'float', value });
export const floats = (value: readonly number[]): FloatsAttr => ({ kind: 'floats', value });
export const tensorAttr = (value: OnnxTensor): TensorAttr => ({ kind: 'tensor', value });

function toAttribute(name: string, value: AttrValue): OnnxAttribute {
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new Error(`Attribute ${name}=${value} is not an integer: wrap floats with float().`);
    return { name, kind: 'int', value };
  }
  if (typeof value === 'string') return { name, kind: 'string', value };
  if (Array.isArray(value)) {
    const ints = value as readonly number[];
    if (!ints.every(Number.isInteger))
      throw new Error(`Attribute ${name} has non-integers: wrap float lists with floats().`);
    return { name, kind: 'ints', value: ints };
  }
  const wrapped = value as FloatAttr | FloatsAttr | TensorAttr;
  switch (wrapped.kind) {
    case 'float':
      return { name, kind: 'float', value: wrapped.value };
    case 'floats':
      return { name, kind: 'floats', value: wrapped.value };
    case 'tensor':
      return { name, kind: 'tensor', value: wrapped.value };
  }
}

// ---------------------------------------------------------------------------------------------
// The builder

export interface NodeOptions {
  /** Output names; a number asks for that many generated names (default 1). */
  readonly outputs?: number | readonly string[];
  /** Node name; default `<scope>/<op>` made unique. */
  readonly name?: string;
  readonly domain?: string;
}

export interface ModelOptions {
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly opset?: number;
}

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly usedNames = new Set<string>();
  private readonly domains = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly scopes: string[] = [];

  constructor(readonly name = 'main_graph') {}

  /**
   * Runs `body` with node names prefixed by `scope`, as torch's exporter names them
   * (`/model/layers.0/self_attn/MatMul`), so the graph reads well in an inspector.
   */
  scope<T>(scope: string, body: () => T): T {
    this.scopes.push(scope);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  input(name: string, dtype: TensorDataType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, dtype, dims: [...dims] });
    return name;
  }

  /**
   * Declares a graph output, so builders can compute first and name the result afterwards.
   * A value nothing else reads is renamed where it is produced; otherwise an Identity copies it.
   */
  output(value: string, name: string, dtype: TensorDataType, dims: readonly Dim[]): string {
    if (value !== name) {
      const producer = this.nodes.findIndex((n) => n.outputs.includes(value));
      const consumed =
        this.nodes.some((n) => n.inputs.includes(value)) || this.outputs.some((o) => o.name === value);
      const node = this.nodes[producer];
      if (node !== undefined && !consumed) {
        this.claim(name);
        this.nodes[producer] = { ...node, outputs: node.outputs.map((o) => (o === value ? name : o)) };
      } else {
        this.node('Identity', [value], {}, { outputs: [name] });
      }
    }
    this.outputs.push({ name, dtype, dims: [...dims] });
    return name;
  }

  initializer(name: string, dtype: TensorDataType, dims: readonly number[], values: NumericArray): string {
    this.claim(name);
    this.initializers.push(makeTensor(name, dtype, dims, values));
    return name;
  }

  /**
   * A small constant (shapes, axes, scalars), stored as an initializer and shared between
   * every node that asks for the same value.
   */
  constant(
    dtype: 'int64' | 'float32' | 'int32',
    values: readonly number[],
    dims: readonly number[] = [values.length],
  ): string {
    const key = `${dtype}:${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const data =
      dtype === 'int64'
        ? BigInt64Array.from(values, (v) => BigInt(v))
        : dtype === 'int32'
          ? Int32Array.from(values)
          : Float32Array.from(values);
    const name = this.uniqueName(
      `/const/${dtype}_${values.length <= 4 ? values.join('_').replace(/[^\w-]/g, 'p') : 'tensor'}`,
    );
    this.initializers.push(makeTensor(name, dtype, dims, data));
    this.constants.set(key, name);
    return name;
  }

  /** Adds a node and returns its output names. '' as an input means "optional input left out". */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    opts: NodeOptions = {},
  ): string[] {
    const domain = opts.domain ?? '';
    const name = this.uniqueName(opts.name ?? `${this.scopes.join('')}/${op}`);
    const outputSpec = opts.outputs ?? 1;
    const outputs =
      typeof outputSpec === 'number'
        ? Array.from({ length: outputSpec }, (_, i) => this.uniqueName(`${name}_output_${i}`))
        : outputSpec.map((o) => {
            this.claim(o);
            return o;
          });
    this.domains.add(domain);
    this.nodes.push({
      opType: op,
      domain,
      name,
      inputs: [...inputs],
      outputs,
      attributes: Object.entries(attrs).map(([key, value]) => toAttribute(key, value)),
    });
    return outputs;
  }

  /** A node with a single output: returns that output's name. */
  op(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    opts: Omit<NodeOptions, 'outputs'> & { output?: string } = {},
  ): string {
    const { output, ...rest } = opts;
    const [out] = this.node(op, inputs, attrs, { ...rest, outputs: output === undefined ? 1 : [output] });
    if (out === undefined) throw new Error(`${op} produced no output.`);
    return out;
  }

  toModel(options: ModelOptions = {}): OnnxModel {
    const opsets: OnnxOpset[] = [{ domain: '', version: options.opset ?? DEFAULT_OPSET }];
    if (this.domains.has(MICROSOFT_DOMAIN)) opsets.push({ domain: MICROSOFT_DOMAIN, version: 1 });
    return {
      irVersion: DEFAULT_IR_VERSION,
      opsets,
      producerName: options.producerName ?? 'glassbox-forge',
      producerVersion: options.producerVersion ?? '1',
      docString: options.docString ?? '',
      metadata: { ...(options.metadata ?? {}) },
      graph: {
        name: this.name,
        nodes: [...this.nodes],
        initializers: [...this.initializers],
        inputs: [...this.inputs],
        outputs: [...this.outputs],
      },
    };
  }

  private claim(name: string): void {
    if (this.usedNames.has(name)) throw new Error(`The name ${name} is already used in graph ${this.name}.`);
    this.usedNames.add(name);
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }
}

/** Opsets a graph needs after a rewrite (the quantizer adds com.microsoft ops). */
export function opsetsFor(nodes: readonly OnnxNode[], standard = DEFAULT_OPSET): OnnxOpset[] {
  const opsets: OnnxOpset[] = [{ domain: '', version: standard }];
  if (nodes.some((n) => n.domain === MICROSOFT_DOMAIN)) opsets.push({ domain: MICROSOFT_DOMAIN, version: 1 });
  return opsets;
}
