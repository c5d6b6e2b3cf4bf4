/**
 * ONNX protobuf encoding and decoding of the forge's in-memory `OnnxModel`, with protobufjs and
 * the official field numbers in onnx.proto beside this file.
 *
 * Initializers are written as `raw_data` (little-endian). When the model's constant data would
 * push the file past protobuf's 2 GiB limit, or when asked, tensors of 1 KiB and more move to an
 * external data file (`model.onnx_data`), laid out as onnx's `convert_model_to_external_data` does:
 * `location`, `offset` and `length` entries on each tensor, `data_location = EXTERNAL`. Asked for
 * several files, the tensors are split in order over `model.onnx_data`, `model.onnx_data_1`, … (the
 * names Transformers.js asks for when config.json declares that many chunks), no tensor straddling two.
 *
 * The app reads ONNX with its own decoder in src/lib/onnx. The two are kept separate on purpose, so
 * that each checks the other in the tests instead of sharing a mistake.
 *
 * @example
 *   const { onnx, externalData } = encodeModel(model);
 *   // onnx: Uint8Array starting 0x08 0x08 (ir_version 8); externalData: null for models under ~1.9 GB
 *   decodeModel(onnx).graph.nodes.length; // → same as model.graph.nodes.length
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import {
  TENSOR_DATA_TYPES,
  tensorDataTypeFromOnnx,
  type Dim,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './graph.ts';

// Plain-object shapes of the protobuf messages (keepCase: field names as in onnx.proto).
interface StringStringEntryProto {
  key: string;
  value: string;
}
interface TensorProto {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  external_data?: StringStringEntryProto[];
  data_location?: number;
}
interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}
interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  attribute: AttributeProto[];
}
interface DimensionProto {
  dim_value?: number;
  dim_param?: string;
}
interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimensionProto[] } } };
}
interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}
interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  doc_string: string;
  graph: GraphProto;
  metadata_props: StringStringEntryProto[];
}

/** AttributeProto.AttributeType values used here (official numbering). */
const ATTRIBUTE_TYPES = Object.freeze({
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  floats: 6,
  ints: 7,
} as const);
const DATA_LOCATION_EXTERNAL = 1;

/** Protobuf messages cannot exceed 2 GiB; stay clear of it with room for the graph itself. */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1.9e9;
export const EXTERNAL_DATA_FILE = 'model.onnx_data';
/** Tensors smaller than this stay inline even in an external-data model (onnx's default too). */
const EXTERNAL_MIN_TENSOR_BYTES = 1024;
/** External tensors start on 4 KiB boundaries so runtimes can memory-map them. */
const EXTERNAL_ALIGNMENT = 4096;

let modelType: protobuf.Type | undefined;
function modelProtoType(): protobuf.Type {
  if (modelType === undefined) {
    const root = new protobuf.Root().loadSync(fileURLToPath(new URL('./onnx.proto', import.meta.url)), {
      keepCase: true,
    });
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

export interface EncodeOptions {
  /** Total initializer bytes above which tensors go to an external file (default ~1.9 GB; 0 always). */
  readonly externalThresholdBytes?: number;
  /** File name the tensors reference, relative to the .onnx file (default model.onnx_data). */
  readonly externalDataFile?: string;
  /** How many files to split the external data over (default 1): `<file>`, `<file>_1`, `<file>_2`, … */
  readonly externalDataFiles?: number;
}

export interface ExternalDataFile {
  /** Its name, relative to the .onnx file, as the tensors' `location` gives it. */
  readonly file: string;
  /** Its bytes, in order. */
  readonly chunks: readonly Uint8Array[];
}

export interface EncodedModel {
  /** The .onnx file. */
  readonly onnx: Uint8Array;
  /** Every external data file, in order; empty when everything is inline. */
  readonly dataFiles: readonly ExternalDataFile[];
  /** The first (unless split, the only) external data file's chunks and name, or null when everything is inline. */
  readonly externalData: readonly Uint8Array[] | null;
  readonly externalDataFile: string | null;
}

/** The name of external data file `index`, as Transformers.js names chunks (`model.onnx_data`, `model.onnx_data_1`). */
export function externalDataFileName(first: string, index: number): string {
  return index === 0 ? first : `${first}_${index}`;
}

export function encodeModel(model: OnnxModel, options: EncodeOptions = {}): EncodedModel {
  const threshold = options.externalThresholdBytes ?? EXTERNAL_DATA_THRESHOLD_BYTES;
  const location = options.externalDataFile ?? EXTERNAL_DATA_FILE;
  const totalBytes = model.graph.initializers.reduce((sum, t) => sum + t.data.byteLength, 0);
  const external = totalBytes > threshold;
  const moved = external
    ? model.graph.initializers.filter((t) => t.data.byteLength >= EXTERNAL_MIN_TENSOR_BYTES)
    : [];
  const fileOf = splitInOrder(
    moved.map((t) => t.data.byteLength),
    options.externalDataFiles ?? 1,
  );
  const fileIndex = new Map(moved.map((t, i) => [t, fileOf[i] ?? 0]));

  const files = Array.from({ length: external ? (options.externalDataFiles ?? 1) : 0 }, (_, index) => ({
    file: externalDataFileName(location, index),
    chunks: [] as Uint8Array[],
    offset: 0,
  }));
  const initializer = model.graph.initializers.map((tensor): TensorProto => {
    const target = files[fileIndex.get(tensor) ?? -1];
    if (target === undefined) return tensorToProto(tensor);
    const padding = (EXTERNAL_ALIGNMENT - (target.offset % EXTERNAL_ALIGNMENT)) % EXTERNAL_ALIGNMENT;
    if (padding > 0) target.chunks.push(new Uint8Array(padding));
    target.offset += padding;
    target.chunks.push(tensor.data);
    const entry: TensorProto = {
      name: tensor.name,
      dims: [...tensor.dims],
      data_type: TENSOR_DATA_TYPES[tensor.dtype],
      data_location: DATA_LOCATION_EXTERNAL,
      external_data: [
        { key: 'location', value: target.file },
        { key: 'offset', value: String(target.offset) },
        { key: 'length', value: String(tensor.data.byteLength) },
      ],
    };
    target.offset += tensor.data.byteLength;
    return entry;
  });

  const message: ModelProto = {
    ir_version: model.irVersion,
    opset_import: model.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    producer_name: model.producerName,
    producer_version: model.producerVersion,
    doc_string: model.docString,
    metadata_props: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: model.graph.name,
      node: model.graph.nodes.map(nodeToProto),
      initializer,
      input: model.graph.inputs.map(valueInfoToProto),
      output: model.graph.outputs.map(valueInfoToProto),
    },
  };
  // protobufjs' generated encoder reads plain objects with the proto's field names directly.
  const onnx = modelProtoType().encode(message).finish();
  const dataFiles = files.map(({ file, chunks }) => ({ file, chunks }));
  return {
    onnx,
    dataFiles,
    externalData: dataFiles[0]?.chunks ?? null,
    externalDataFile: dataFiles[0]?.file ?? null,
  };
}

/**
 * Which of `count` files each tensor goes to: in order, a tensor whose middle lies past the current file's
 * equal share of the bytes starting the next file, so files come out about the same size, each holding at
 * least one tensor.
 */
function splitInOrder(sizes: readonly number[], count: number): number[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`externalDataFiles must be ≥ 1, got ${count}.`);
  if (count > 1 && sizes.length < count)
    throw new Error(`Cannot split ${sizes.length} external tensors over ${count} files.`);
  const total = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  let file = 0;
  return sizes.map((size, i) => {
    const share = (total * (file + 1)) / count;
    // Move on past the share, or when only as many tensors are left as files to come.
    if (file < count - 1 && (before + size / 2 > share || sizes.length - i <= count - 1 - file)) file++;
    before += size;
    return file;
  });
}

function tensorToProto(tensor: OnnxTensor): TensorProto {
  return {
    name: tensor.name,
    dims: [...tensor.dims],
    data_type: TENSOR_DATA_TYPES[tensor.dtype],
    raw_data: tensor.data,
  };
}

function attributeToProto(attr: OnnxAttribute): AttributeProto {
  const type = ATTRIBUTE_TYPES[attr.kind];
  switch (attr.kind) {
    case 'int':
      return { name: attr.name, type, i: attr.value };
    case 'float':
      return { name: attr.name, type, f: attr.value };
    case 'string':
      return { name: attr.name, type, s: new TextEncoder().encode(attr.value) };
    case 'ints':
      return { name: attr.name, type, ints: [...attr.value] };
    case 'floats':
      return { name: attr.name, type, floats: [...attr.value] };
    case 'tensor':
      return { name: attr.name, type, t: tensorToProto(attr.value) };
  }
}

function nodeToProto(node: OnnxNode): NodeProto {
  return {
    input: [...node.inputs],
    output: [...node.outputs],
    name: node.name,
    op_type: node.opType,
    domain: node.domain,
    attribute: node.attributes.map(attributeToProto),
  };
}

function valueInfoToProto(info: OnnxValueInfo): ValueInfoProto {
  return {
    name: info.name,
    type: {
      tensor_type: {
        elem_type: TENSOR_DATA_TYPES[info.dtype],
        shape: {
          dim: info.dims.map((d): DimensionProto =>
            typeof d === 'number' ? { dim_value: d } : { dim_param: d },
          ),
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Decoding (tests and tools read back what the forge wrote; external data is not resolved)

interface DecodedObject {
  [key: string]: unknown;
}

function asObjects(value: unknown): DecodedObject[] {
  return Array.isArray(value) ? (value as DecodedObject[]) : [];
}
function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return 0;
}

function tensorFromProto(t: DecodedObject): OnnxTensor {
  const raw = t['raw_data'];
  if (!(raw instanceof Uint8Array)) {
    throw new Error(
      `Tensor ${asString(t['name'])} has no raw_data (external or typed-field data is not read back by the forge).`,
    );
  }
  return {
    name: asString(t['name']),
    dtype: tensorDataTypeFromOnnx(asNumber(t['data_type'])),
    dims: (Array.isArray(t['dims']) ? t['dims'] : []).map(asNumber),
    data: raw,
  };
}

function attributeFromProto(a: DecodedObject): OnnxAttribute {
  const name = asString(a['name']);
  const type = asNumber(a['type']);
  switch (type) {
    case ATTRIBUTE_TYPES.int:
      return { name, kind: 'int', value: asNumber(a['i']) };
    case ATTRIBUTE_TYPES.float:
      return { name, kind: 'float', value: asNumber(a['f']) };
    case ATTRIBUTE_TYPES.string:
      return { name, kind: 'string', value: new TextDecoder().decode(a['s'] as Uint8Array) };
    case ATTRIBUTE_TYPES.ints:
      return { name, kind: 'ints', value: (a['ints'] as unknown[]).map(asNumber) };
    case ATTRIBUTE_TYPES.floats:
      return { name, kind: 'floats', value: (a['floats'] as unknown[]).map(asNumber) };
    case ATTRIBUTE_TYPES.tensor:
      return { name, kind: 'tensor', value: tensorFromProto(a['t'] as DecodedObject) };
    default:
      throw new Error(`Attribute ${name} has type ${type}, which the forge does not read.`);
  }
}

function valueInfoFromProto(v: DecodedObject): OnnxValueInfo {
  const tensorType = (v['type'] as DecodedObject | undefined)?.['tensor_type'] as DecodedObject | undefined;
  const dims = asObjects((tensorType?.['shape'] as DecodedObject | undefined)?.['dim']).map((d): Dim =>
    typeof d['dim_param'] === 'string' && d['dim_param'] !== '' ? d['dim_param'] : asNumber(d['dim_value']),
  );
  return {
    name: asString(v['name']),
    dtype: tensorDataTypeFromOnnx(asNumber(tensorType?.['elem_type'])),
    dims,
  };
}

/** Reads an .onnx file written by the forge (or any model whose tensors use raw_data). */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const type = modelProtoType();
  const m = type.toObject(type.decode(bytes), {
    longs: Number,
    arrays: true,
    defaults: false,
    oneofs: false,
  }) as DecodedObject;
  const g = (m['graph'] ?? {}) as DecodedObject;
  return {
    irVersion: asNumber(m['ir_version']),
    opsets: asObjects(m['opset_import']).map((o) => ({
      domain: asString(o['domain']),
      version: asNumber(o['version']),
    })),
    producerName: asString(m['producer_name']),
    producerVersion: asString(m['producer_version']),
    docString: asString(m['doc_string']),
    metadata: Object.fromEntries(
      asObjects(m['metadata_props']).map((p) => [asString(p['key']), asString(p['value'])]),
    ),
    graph: {
      name: asString(g['name']),
      nodes: asObjects(g['node']).map((n): OnnxNode => ({
        opType: asString(n['op_type']),
        domain: asString(n['domain']),
        name: asString(n['name']),
        inputs: (Array.isArray(n['input']) ? n['input'] : []).map(asString),
        outputs: (Array.isArray(n['output']) ? n['output'] : []).map(asString),
        attributes: asObjects(n['attribute']).map(attributeFromProto),
      })),
      initializers: asObjects(g['initializer']).map(tensorFromProto),
      inputs: asObjects(g['input']).map(valueInfoFromProto),
      outputs: asObjects(g['output']).map(valueInfoFromProto),
    },
  };
}
