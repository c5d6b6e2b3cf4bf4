/**
 * safetensors headers: an 8-byte little-endian length, then a JSON map of tensor name → dtype, shape and
 * byte offsets. Reading just those bytes (two Range requests per file) tells a model's tensors and
 * parameter count before any weight is downloaded.
 *
 *   parseHeader(new TextEncoder().encode('{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}'))
 *   // → [{ name: 'w', dtype: 'F32', shape: [2, 3], bytes: 24 }]
 */

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  bytes: number;
  file: string;
}

export interface SafetensorsReport {
  files: { path: string; headerBytes: number; size: number | null }[];
  tensors: SafetensorsTensor[];
  parameters: number;
  /** Bytes requested over the network to learn all this. */
  bytesRead: number;
}

/** Header lengths above this are not a safetensors file (the format caps it at 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

export function headerLength(first8: Uint8Array): number {
  if (first8.length < 8) throw new Error('The file is shorter than a safetensors header.');
  const length = Number(new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true));
  if (length <= 1 || length > MAX_HEADER_BYTES)
    throw new Error(`A header of ${length} bytes is not a safetensors header.`);
  return length;
}

export function parseHeader(json: Uint8Array, file = 'model.safetensors'): SafetensorsTensor[] {
  const header = JSON.parse(new TextDecoder().decode(json)) as Record<string, unknown>;
  return Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => {
      const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const offsets = Array.isArray(entry.data_offsets) ? entry.data_offsets.map(Number) : [0, 0];
      if (typeof entry.dtype !== 'string' || !Array.isArray(entry.shape)) {
        throw new Error(`Tensor ${name} of ${file} has no dtype or shape.`);
      }
      return {
        name,
        dtype: entry.dtype,
        shape: entry.shape.map(Number),
        bytes: (offsets[1] ?? 0) - (offsets[0] ?? 0),
        file,
      };
    });
}

export function elementsOf(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
