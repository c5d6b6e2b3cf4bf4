/**
 * The fp32 parameters of a forged model as `model.safetensors`, in Hugging Face names and layouts, as a
 * real repository ships them next to its ONNX exports: MatMul weights (stored [in, out] for ONNX) go back
 * to torch's Linear layout [out, in]; constants and non-parameter buffers (cos/sin tables) stay out.
 * Kept separate on purpose from the app's reader, src/lib/safetensors.ts, so that each checks the other
 * in the tests.
 *
 *   const bytes = safetensorsOf(buildPresetModel(getPreset('tiny-chat')));
 *   // 8-byte header length, a JSON header padded to 8 bytes, then the values in header order
 */
import { tensorToFloat32, type OnnxModel } from './onnx/graph.ts';

const BUFFERS = /(^|\.)(cos_cache|sin_cache|inv_freq)$/;

export interface Parameter {
  readonly name: string;
  /** As torch stores it: Linear weights [out, in]. */
  readonly shape: number[];
  readonly values: Float32Array;
}

/** The fp32 parameters of a graph in Hugging Face names and torch layouts, sorted by name. */
export function parametersOf(model: OnnxModel): Parameter[] {
  const matmulWeights = new Set(
    model.graph.nodes.filter((node) => node.opType === 'MatMul').map((node) => node.inputs[1] ?? ''),
  );
  return model.graph.initializers
    .filter(
      (tensor) => tensor.dtype === 'float32' && !tensor.name.startsWith('/') && !BUFFERS.test(tensor.name),
    )
    .map((tensor) => {
      const values = tensorToFloat32(tensor);
      const [rows = 1, cols = 1] = tensor.dims;
      if (!matmulWeights.has(tensor.name) || tensor.dims.length !== 2)
        return { name: tensor.name, shape: [...tensor.dims], values };
      const transposed = new Float32Array(values.length);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) transposed[c * rows + r] = values[r * cols + c] ?? 0;
      return { name: tensor.name, shape: [cols, rows], values: transposed };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function safetensorsOf(model: OnnxModel): Uint8Array {
  return encodeSafetensors(parametersOf(model));
}

/** `parametersOf`'s parameters as the file's bytes. */
export function encodeSafetensors(tensors: readonly Parameter[]): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const tensor of tensors) {
    header[tensor.name] = {
      dtype: 'F32',
      shape: tensor.shape,
      data_offsets: [offset, offset + tensor.values.byteLength],
    };
    offset += tensor.values.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // the data starts 8-byte aligned
  const headerBytes = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors) {
    bytes.set(
      new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength),
      position,
    );
    position += tensor.values.byteLength;
  }
  return bytes;
}
