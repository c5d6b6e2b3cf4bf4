/**
 * How the inspector worker reads a model's files: the device's stored copy when there is one (nothing is
 * downloaded twice), else from its host, with progress; and an ONNX graph file with its external data.
 *
 *   const { file } = await openOnnx(target, 'onnx/model_q4.onnx', { onProgress, signal });
 *   file.summary.initializers.length // → the tensors; their bytes are read only when asked for
 *
 * Part of the inspector worker; never imports UI modules or transformers.js.
 */
import { HubError } from '../hub/errors.ts';
import { ModelHost } from '../hub/host.ts';
import { modelStore as store } from '../hub/modelStore.ts';
import { rawMessage } from '../lib/errors.ts';
import { summarizeOnnx, type OnnxSummary } from '../lib/onnx/summary.ts';
import { InspectorError } from './errors.ts';

/** Where a model's files are: a host and a repository id. */
export interface ModelFiles {
  host: string;
  modelId: string;
}

interface ReadOptions {
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** The most memory a declared length reserves before the bytes arrive. */
const PREALLOCATE_BYTES = 512 * 1024 * 1024;

/** A file of the model: the stored copy if there is one, else downloaded (with progress) from its host. */
export async function readFile(
  { host, modelId }: ModelFiles,
  path: string,
  { onProgress, signal }: ReadOptions = {},
): Promise<{ bytes: Uint8Array; fromStore: boolean }> {
  const stored = await store.file(host, modelId, path);
  if (stored) return { bytes: new Uint8Array(await stored.arrayBuffer()), fromStore: true };
  const response = await new ModelHost(host).file(modelId, path, signal ? { signal } : {});
  const declared = Number(response.headers.get('content-length') ?? 0);
  const total = Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
  // Written straight into one buffer when the size is known: a large model is never held twice. The
  // declared length is only trusted up to PREALLOCATE_BYTES (a host may announce a terabyte); past that,
  // the buffer grows as the bytes really arrive.
  let buffer = new Uint8Array(Math.min(total, PREALLOCATE_BYTES));
  let loaded = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > buffer.length) {
      let grown: Uint8Array<ArrayBuffer>;
      try {
        grown = new Uint8Array(
          Math.max(Math.min(buffer.length * 2, total || Infinity), loaded + value.length),
        );
      } catch (error) {
        await reader.cancel();
        if (!(error instanceof RangeError)) throw error;
        throw new InspectorError(
          'too-large',
          `${path} of ${modelId} is too large to hold in this tab's memory (${Math.round(loaded / 1e6)} MB read so far). Inspect a smaller dtype of the model.`,
        );
      }
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  return { bytes: loaded === buffer.length ? buffer : buffer.subarray(0, loaded), fromStore: false };
}

/** A small text file of the model, or null when the repository has none. */
export async function optionalText(model: ModelFiles, path: string): Promise<string | null> {
  try {
    return new TextDecoder().decode((await readFile(model, path)).bytes);
  } catch (error) {
    if (error instanceof HubError && error.code === 'not-found') return null;
    throw error;
  }
}

/** An ONNX file held in memory: its structure, its bytes, and the external data files it names. */
export interface OnnxFile {
  summary: OnnxSummary;
  bytes: Uint8Array;
  /** External data files by location, read with the graph. */
  external: Map<string, Uint8Array>;
}

/** Reads and parses an ONNX graph file, then the external data files it points to. */
export async function openOnnx(model: ModelFiles, path: string, options: ReadOptions = {}) {
  const { bytes, fromStore } = await readFile(model, path, options);
  const started = performance.now();
  let summary: OnnxSummary;
  try {
    summary = summarizeOnnx(bytes);
  } catch (error) {
    throw new InspectorError(
      'not-onnx',
      `${model.modelId}/${path} could not be read as ONNX (${rawMessage(error)}). Is it a complete ONNX file? A download cut short, or an HTML page served in its place, reads like this.`,
    );
  }
  const parseMs = performance.now() - started;
  const external = new Map<string, Uint8Array>();
  const folder = path.slice(0, path.lastIndexOf('/') + 1);
  const locations = new Set(
    summary.initializers.flatMap((t) => (t.payload.kind === 'external' ? [t.payload.location] : [])),
  );
  for (const location of locations) {
    const signal = options.signal;
    external.set(location, (await readFile(model, folder + location, signal ? { signal } : {})).bytes);
  }
  const file: OnnxFile = { summary, bytes, external };
  return { file, fromStore, parseMs };
}
