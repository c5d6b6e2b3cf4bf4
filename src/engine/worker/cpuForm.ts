/**
 * The form a model's weights run in on WASM. ONNX Runtime's WebAssembly build has no 4-bit kernel: its
 * MatMulNBits dequantizes the whole weight matrix at every call, so a q4 model decoded at a twentieth of
 * native speed, and float16 graphs need float16 CPU kernels it mostly lacks. The first load on WASM
 * therefore rewrites such a graph (lib/onnx/rewrite.ts): 4-bit weights into int8 MatMulInteger (what q8
 * runs at), float16 into float32. The result is kept on the device next to the download, under
 * `cpu-form/v<N>/<target>/`, so the next load reads it like any stored file; the download stays small.
 *
 *   await cpuForm(spec, cpuTarget(spec.dtype), dataPaths, signal, progress) // → the stored graph to read
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import * as v from 'valibot';
import type { FileProgress, ModelSpec } from '../../core/model.ts';
import { weightFile } from '../../core/weightFiles.ts';
import { modelStore as store } from '../../hub/modelStore.ts';
import { nextTask } from '../../lib/nextTask.ts';
import { RewriteError, rewriteOnnx, type RewriteTarget } from '../../lib/onnx/rewrite.ts';
import { EngineError } from '../errors.ts';
import type { RunningForm } from '../protocol.ts';
import { baseName, storedProgress } from './files.ts';

/** Bumped whenever the rewrite writes something else: forms an older version wrote are not read. */
const REWRITE_VERSION = 1;

export interface CpuForm {
  running: RunningForm;
  /** The stored graph the runtime reads in place of the downloaded one. */
  graph: string;
  /** Its external data, when the weights did not fit inside it: the name the graph uses, the stored path. */
  data: { location: string; path: string } | null;
  /** The form's files as the load's progress lists them. */
  files: FileProgress[];
}

const RecordSchema = v.object({
  running: v.object({
    dtype: v.picklist(['fp32', 'int8']),
    exact: v.boolean(),
    summary: v.string(),
    bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
    rewriteMs: v.nullable(v.number()),
  }),
  graph: v.string(),
  data: v.nullable(v.object({ location: v.string(), path: v.string() })),
});

async function writeFile(spec: ModelSpec, path: string, bytes: Uint8Array | string): Promise<void> {
  const partial = await store.partial(spec.host, spec.id, path);
  const writer = await partial.writer(false);
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  await writer.write(data as Uint8Array<ArrayBuffer>);
  await writer.close();
  await partial.commit(data.length, null);
}

/** The form stored by an earlier load, when all of it is there and its record checks. */
async function storedForm(spec: ModelSpec, folder: string): Promise<CpuForm | null> {
  const recordFile = await store.file(spec.host, spec.id, `${folder}/form.json`);
  if (!recordFile) return null;
  const record = v.safeParse(RecordSchema, JSON.parse(await recordFile.text()) as unknown);
  if (!record.success) return null;
  const { running, graph, data } = record.output;
  const paths = [graph, ...(data ? [data.path] : [])];
  const files: FileProgress[] = [];
  for (const path of paths) {
    const file = await store.file(spec.host, spec.id, path);
    if (!file) return null;
    files.push(storedProgress(path, file.size, true));
  }
  return { running: { ...running, rewriteMs: null }, graph, data, files };
}

/**
 * The stored WASM form of `spec`'s graph, written now if it is not on the device yet. `dataPaths` are the
 * downloaded graph's external data files; `progress` is called with the rewrite's own entry while it runs.
 */
export async function cpuForm(
  spec: ModelSpec,
  target: RewriteTarget,
  dataPaths: readonly string[],
  signal: AbortSignal,
  progress: (file: FileProgress) => void,
): Promise<CpuForm> {
  const original = weightFile(spec.dtype);
  const folder = `cpu-form/v${REWRITE_VERSION}/${target}/${original}`;
  const stored = await storedForm(spec, folder);
  if (stored) return stored;

  const read = async (path: string) => {
    const file = await store.file(spec.host, spec.id, path);
    if (!file)
      throw new EngineError(
        'not-found',
        `${path} of ${spec.id} is not on this device. Load the model again.`,
      );
    return new Uint8Array(await file.arrayBuffer());
  };
  const graphPath = `${folder}/${baseName(original)}`;
  const started = performance.now();
  const rewritten = rewriteOnnx(await read(original), {
    target,
    externalData: new Map(
      await Promise.all(dataPaths.map(async (path) => [baseName(path), await read(path)] as const)),
    ),
    externalDataName: `${baseName(original)}_data`,
    signal,
    // Between tensors, the worker answers other calls (a cancel, a probe).
    pause: nextTask,
    onProgress: (done, total) =>
      progress({
        file: graphPath,
        loaded: done,
        total,
        done: false,
        bytesPerSecond: done / Math.max(1, (performance.now() - started) / 1000),
        fromStore: false,
      }),
  }).catch((error: unknown) => {
    if (signal.aborted)
      throw new EngineError('cancelled', 'Loading was cancelled; the model stays on this device.');
    if (error instanceof RewriteError)
      throw new EngineError(
        'unsupported-model',
        `The ${spec.dtype} weights of ${spec.id} cannot be rewritten to run on WASM: ${error.message}`,
      );
    throw error;
  });
  const { model, externalData, report } = await rewritten;
  await writeFile(spec, graphPath, model);
  const data = externalData
    ? { location: externalData.location, path: `${folder}/${externalData.location}` }
    : null;
  if (externalData && data) await writeFile(spec, data.path, externalData.bytes);
  const running: RunningForm = {
    dtype: target,
    exact: report.exact,
    summary: report.summary,
    bytes: report.bytesAfter,
    rewriteMs: performance.now() - started,
  };
  // Written last: a form whose record is there is whole.
  await writeFile(spec, `${folder}/form.json`, JSON.stringify({ running, graph: graphPath, data }));
  const files = [
    storedProgress(graphPath, model.length, false),
    ...(externalData && data ? [storedProgress(data.path, externalData.bytes.length, false)] : []),
  ];
  return { running, graph: graphPath, data, files };
}
