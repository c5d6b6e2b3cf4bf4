/**
 * A GGUF reader for the tests, written from the format's description apart from the writer (gguf.ts), so
 * that each checks the other: the header, every metadata value, the tensor infos, and the f32, q8_0 and
 * q4_0 data back to float32.
 *
 *   const file = parseGguf(bytes);
 *   file.metadata.get('llama.block_count'); // → 30
 *   tensorValues(file, 'blk.0.attn_q.weight'); // → Float32Array, dequantized
 */
import { float16Value } from '../onnx/float16.ts';

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  /** ggml_type: 0 f32, 2 q4_0, 8 q8_0 */
  type: number;
  /** From the start of the data section. */
  offset: number;
}

export interface GgufFile {
  version: number;
  metadata: Map<string, unknown>;
  tensors: GgufTensorInfo[];
  /** Where the data section starts in `bytes`. */
  dataStart: number;
  bytes: Uint8Array;
}

export function parseGguf(bytes: Uint8Array): GgufFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => ((at += 4), view.getUint32(at - 4, true));
  const u64 = () => ((at += 8), Number(view.getBigUint64(at - 8, true)));
  const string = () => {
    const length = u64();
    at += length;
    return new TextDecoder().decode(bytes.subarray(at - length, at));
  };
  const value = (type: number): unknown => {
    switch (type) {
      case 4:
        return u32();
      case 5:
        return ((at += 4), view.getInt32(at - 4, true));
      case 6:
        return ((at += 4), view.getFloat32(at - 4, true));
      case 7:
        return bytes[at++] === 1;
      case 8:
        return string();
      case 9: {
        const itemType = u32();
        return Array.from({ length: u64() }, () => value(itemType));
      }
      default:
        throw new Error(`GGUF value type ${type} is not read here.`);
    }
  };
  if (u32() !== 0x46554747) throw new Error('Not a GGUF file.');
  const version = u32();
  const tensorCount = u64();
  const metadataCount = u64();
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < metadataCount; i++) {
    const key = string();
    metadata.set(key, value(u32()));
  }
  const tensors = Array.from({ length: tensorCount }, () => {
    const name = string();
    const dims = Array.from({ length: u32() }, u64);
    return { name, dims, type: u32(), offset: u64() };
  });
  const alignment = (metadata.get('general.alignment') as number | undefined) ?? 32;
  return { version, metadata, tensors, dataStart: Math.ceil(at / alignment) * alignment, bytes };
}

/** A tensor's values as float32 (quantized blocks dequantized: q8_0 d·q, q4_0 d·(q − 8)). */
export function tensorValues(file: GgufFile, name: string): Float32Array {
  const info = file.tensors.find((tensor) => tensor.name === name);
  if (!info) throw new Error(`No tensor ${name}.`);
  const count = info.dims.reduce((product, dim) => product * dim, 1);
  const start = file.dataStart + info.offset;
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset + start);
  const out = new Float32Array(count);
  if (info.type === 0) for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  else if (info.type === 8)
    for (let i = 0; i < count; i++) {
      const block = Math.floor(i / 32) * 34;
      out[i] = float16Value(view.getUint16(block, true)) * view.getInt8(block + 2 + (i % 32));
    }
  else if (info.type === 2)
    for (let i = 0; i < count; i++) {
      const block = Math.floor(i / 32) * 18;
      const j = i % 32;
      const byte = view.getUint8(block + 2 + (j % 16));
      out[i] = float16Value(view.getUint16(block, true)) * ((j < 16 ? byte & 15 : byte >> 4) - 8);
    }
  else throw new Error(`ggml type ${info.type} is not read here.`);
  return out;
}
