/**
 * Reads the structure of an ONNX model (graph inputs/outputs, nodes, initializers) straight from the
 * protobuf wire format with protobufjs' Reader. Tensor payloads are never copied: an initializer is
 * described by its name, dtype, shape and byte length only, so a model is not held in memory twice.
 *
 *   const summary = summarizeOnnx(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 *   summary.initializers[0] // → { name: 'model.embed_tokens.weight', dtype: 'float32', dims: [512, 64], bytes: 131072, ... }
 *
 * Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ...).
 */
import { Reader } from 'protobufjs/minimal.js';

/** TensorProto.DataType → name and bytes per element (0 for strings). */
const DATA_TYPES: Readonly<Record<number, { name: string; bytes: number }>> = Object.freeze({
  1: { name: 'float32', bytes: 4 },
  2: { name: 'uint8', bytes: 1 },
  3: { name: 'int8', bytes: 1 },
  4: { name: 'uint16', bytes: 2 },
  5: { name: 'int16', bytes: 2 },
  6: { name: 'int32', bytes: 4 },
  7: { name: 'int64', bytes: 8 },
  8: { name: 'string', bytes: 0 },
  9: { name: 'bool', bytes: 1 },
  10: { name: 'float16', bytes: 2 },
  11: { name: 'float64', bytes: 8 },
  12: { name: 'uint32', bytes: 4 },
  13: { name: 'uint64', bytes: 8 },
  16: { name: 'bfloat16', bytes: 2 },
  21: { name: 'uint4', bytes: 0.5 },
  22: { name: 'int4', bytes: 0.5 },
});

export type PayloadEncoding = 'fixed' | 'int32' | 'int64' | 'uint64';

/** Where an initializer's values are: a byte range of the .onnx file, or of an external data file. */
export type TensorPayload =
  /** `raw_data` or a packed typed field: `fixed` holds little-endian values, the others protobuf varints. */
  | { kind: 'inline'; encoding: PayloadEncoding; offset: number; length: number }
  | { kind: 'external'; location: string; offset: number; length: number }
  | { kind: 'none' };

export interface OnnxInitializer {
  name: string;
  dtype: string;
  dims: number[];
  elements: number;
  /** Bytes of the stored payload (raw_data, typed fields or external data). */
  bytes: number;
  external: boolean;
  payload: TensorPayload;
}

export type AttributeValue = number | string | number[] | string[] | null;

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface OnnxValueInfo {
  name: string;
  dtype: string;
  /** Numbers for fixed dimensions, names for symbolic ones (`batch_size`). */
  shape: (number | string)[];
}

export interface OnnxSummary {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Shapes of intermediate values, when the exporter recorded them. */
  valueInfo: OnnxValueInfo[];
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
}

type WireReader = InstanceType<typeof Reader>;

function int64(reader: WireReader): number {
  const value: unknown = reader.int64();
  return typeof value === 'number' ? value : (value as { toNumber(): number }).toNumber();
}

/** Reads one length-delimited sub-message with `read(field, wireType)` for each of its fields. */
function message(reader: WireReader, end: number, read: (field: number, wireType: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (!read(field, wireType)) reader.skipType(wireType);
  }
}

function sub(reader: WireReader): number {
  return reader.uint32() + reader.pos;
}

/** Reads a repeated int64 field, packed (wire type 2) or not. */
function int64s(reader: WireReader, wireType: number, into: number[]): void {
  if (wireType === 2) {
    const end = sub(reader);
    while (reader.pos < end) into.push(int64(reader));
  } else {
    into.push(int64(reader));
  }
}

function dataType(code: number): { name: string; bytes: number } {
  return DATA_TYPES[code] ?? { name: `type ${code}`, bytes: 0 };
}

/** Typed data fields of TensorProto and how their packed bytes are encoded. */
const TYPED_FIELDS: Readonly<Record<number, PayloadEncoding>> = Object.freeze({
  4: 'fixed', // float_data
  5: 'int32', // int32_data (also int8/uint8/int16/float16 bits)
  7: 'int64', // int64_data
  10: 'fixed', // double_data
  11: 'uint64', // uint64_data
});

function readTensor(reader: WireReader, end: number): OnnxInitializer {
  const dims: number[] = [];
  let name = '';
  let type = 0;
  let payloadBytes = 0;
  let payload: TensorPayload = { kind: 'none' };
  let external = false;
  const externalEntries: Record<string, string> = {};
  message(reader, end, (field, wireType) => {
    switch (field) {
      case 1:
        int64s(reader, wireType, dims);
        return true;
      case 2:
        type = reader.int32();
        return true;
      case 8:
        name = reader.string();
        return true;
      case 9: // raw_data: skip over it without copying, remembering where it is
      case 4:
      case 5:
      case 7:
      case 10:
      case 11:
        if (wireType !== 2) return false;
        {
          const length = reader.uint32();
          payload = { kind: 'inline', encoding: TYPED_FIELDS[field] ?? 'fixed', offset: reader.pos, length };
          reader.skip(length);
          payloadBytes += length;
        }
        return true;
      case 13: // external_data: StringStringEntryProto { key = 1, value = 2 }
        external = true;
        readEntry(reader, sub(reader), (key, value) => (externalEntries[key] = value));
        return true;
      case 14:
        external = reader.int32() === 1 || external;
        return true;
      default:
        return false;
    }
  });
  const elements = dims.reduce((product, dim) => product * dim, 1);
  const info = dataType(type);
  const externalLength = Number(externalEntries['length'] ?? 0) || Math.ceil(elements * info.bytes);
  if (external) {
    payload = {
      kind: 'external',
      location: externalEntries['location'] ?? '',
      offset: Number(externalEntries['offset'] ?? 0),
      length: externalLength,
    };
  }
  return {
    name,
    dtype: info.name,
    dims,
    elements,
    bytes: external ? externalLength : payloadBytes,
    external,
    payload,
  };
}

/** The tensor whose TensorProto is `bytes[start, end)`: a node's constant, a subgraph's initializer. */
export function tensorAt(bytes: Uint8Array, start: number, end: number): OnnxInitializer {
  const reader = Reader.create(bytes);
  reader.pos = start;
  return readTensor(reader, end);
}

function readEntry(reader: WireReader, end: number, onEntry: (key: string, value: string) => void): void {
  let key = '';
  let value = '';
  message(reader, end, (field) => {
    if (field === 1) key = reader.string();
    else if (field === 2) value = reader.string();
    else return false;
    return true;
  });
  onEntry(key, value);
}

function readAttribute(reader: WireReader, end: number): [string, AttributeValue] {
  let name = '';
  let value: AttributeValue = null;
  const ints: number[] = [];
  const floats: number[] = [];
  const strings: string[] = [];
  let type = 0;
  message(reader, end, (field, wireType) => {
    switch (field) {
      case 1:
        name = reader.string();
        return true;
      case 20:
        type = reader.int32();
        return true;
      case 2:
        value = reader.float();
        return true;
      case 3:
        value = int64(reader);
        return true;
      case 4:
        value = new TextDecoder().decode(reader.bytes());
        return true;
      case 7:
        if (wireType === 2) {
          const listEnd = sub(reader);
          while (reader.pos < listEnd) floats.push(reader.float());
        } else floats.push(reader.float());
        return true;
      case 8:
        int64s(reader, wireType, ints);
        return true;
      case 9:
        strings.push(new TextDecoder().decode(reader.bytes()));
        return true;
      default:
        return false;
    }
  });
  if (ints.length) value = ints;
  else if (floats.length) value = floats;
  else if (strings.length) value = strings;
  // proto3 writers leave out zeros: an INT or FLOAT attribute without its value is 0.
  else if (value === null && (type === 1 || type === 2)) value = 0;
  return [name, value];
}

function readNode(reader: WireReader, end: number): OnnxNode {
  const node: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: {} };
  message(reader, end, (field) => {
    switch (field) {
      case 1:
        node.inputs.push(reader.string());
        return true;
      case 2:
        node.outputs.push(reader.string());
        return true;
      case 3:
        node.name = reader.string();
        return true;
      case 4:
        node.opType = reader.string();
        return true;
      case 5: {
        const [name, value] = readAttribute(reader, sub(reader));
        node.attributes[name] = value;
        return true;
      }
      case 7:
        node.domain = reader.string();
        return true;
      default:
        return false;
    }
  });
  return node;
}

function readValueInfo(reader: WireReader, end: number): OnnxValueInfo {
  const info: OnnxValueInfo = { name: '', dtype: '', shape: [] };
  message(reader, end, (field) => {
    if (field === 1) {
      info.name = reader.string();
      return true;
    }
    if (field !== 2) return false;
    // TypeProto { tensor_type = 1: Tensor { elem_type = 1, shape = 2: TensorShapeProto { dim = 1 } } }
    message(reader, sub(reader), (typeField) => {
      if (typeField !== 1) return false;
      message(reader, sub(reader), (tensorField) => {
        if (tensorField === 1) info.dtype = dataType(reader.int32()).name;
        else if (tensorField === 2) {
          message(reader, sub(reader), (shapeField) => {
            if (shapeField !== 1) return false;
            let dim: number | string = '?';
            message(reader, sub(reader), (dimField) => {
              if (dimField === 1) dim = int64(reader);
              else if (dimField === 2) dim = reader.string();
              else return false;
              return true;
            });
            info.shape.push(dim);
            return true;
          });
        } else return false;
        return true;
      });
      return true;
    });
    return true;
  });
  return info;
}

export function summarizeOnnx(bytes: Uint8Array): OnnxSummary {
  const reader = Reader.create(bytes);
  const summary: OnnxSummary = {
    irVersion: 0,
    producer: '',
    opsets: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
    nodes: [],
    initializers: [],
  };
  let sawGraph = false;
  try {
    message(reader, reader.len, (field) => {
      switch (field) {
        case 1:
          summary.irVersion = int64(reader);
          return true;
        case 2:
          summary.producer = reader.string();
          return true;
        case 8: {
          const opset = { domain: '', version: 0 };
          message(reader, sub(reader), (opsetField) => {
            if (opsetField === 1) opset.domain = reader.string();
            else if (opsetField === 2) opset.version = int64(reader);
            else return false;
            return true;
          });
          summary.opsets.push(opset);
          return true;
        }
        case 7:
          sawGraph = true;
          message(reader, sub(reader), (graphField) => {
            switch (graphField) {
              case 1:
                summary.nodes.push(readNode(reader, sub(reader)));
                return true;
              case 5:
                summary.initializers.push(readTensor(reader, sub(reader)));
                return true;
              case 11:
                summary.inputs.push(readValueInfo(reader, sub(reader)));
                return true;
              case 12:
                summary.outputs.push(readValueInfo(reader, sub(reader)));
                return true;
              case 13:
                summary.valueInfo.push(readValueInfo(reader, sub(reader)));
                return true;
              default:
                return false;
            }
          });
          return true;
        default:
          return false;
      }
    });
  } catch (error) {
    throw new Error(
      `This file is not a readable ONNX model: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (!sawGraph || summary.irVersion === 0) {
    throw new Error('This file is not an ONNX model: it has no graph or no IR version.');
  }
  return summary;
}
