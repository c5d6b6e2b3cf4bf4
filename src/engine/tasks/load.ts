/**
 * Loading a model into its slot: download what is missing (worker/files.ts), then build the model on the
 * chosen backend; and copying a model folder picked from disk into the store, so it loads like any other.
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import { AutoModelForCausalLM, AutoTokenizer, pipeline } from '@huggingface/transformers';
import { DISK_HOST } from '../../core/hosts.ts';
import { slotForTask, taskFromConfig, type BackendChoice, type ModelSpec } from '../../core/model.ts';
import type { FileProgress, LoadProgress } from '../../core/model.ts';
import { PROGRESS_INTERVAL_MS } from '../../core/settings.ts';
import { modelStore as store } from '../../hub/modelStore.ts';
import { throttled } from '../../lib/throttle.ts';
import type { CallContext } from '../../lib/workerRpc.ts';
import { EngineError, classifyError } from '../errors.ts';
import type { ImportedFile, ImportedModel, LoadedModel } from '../protocol.ts';
import { prepareModel } from '../worker/files.ts';
import { resolveBackend } from '../worker/probe.ts';
import { useHost, wasmThreads } from '../worker/runtime.ts';
import { inLoadQueue, yieldBetweenSteps } from '../worker/scheduling.ts';
import { slots } from '../worker/slots.ts';

const progressOf = (files: FileProgress[]): LoadProgress => ({
  files,
  loaded: files.reduce((sum, f) => sum + f.loaded, 0),
  total: files.reduce((sum, f) => sum + f.total, 0),
});

/** Loads `spec` into its slot, one load at a time; the slot's previous model is let go once the new one is ready. */
export function load(
  { spec, backend: choice }: { spec: ModelSpec; backend: BackendChoice },
  { signal, progress }: CallContext<LoadProgress>,
): Promise<LoadedModel> {
  return inLoadQueue(async () => {
    try {
      return await loadNow(spec, choice, signal, progress);
    } catch (error) {
      throw classifyError(error, { modelId: spec.id, host: spec.host });
    }
  });
}

async function loadNow(
  spec: ModelSpec,
  choice: BackendChoice,
  signal: AbortSignal,
  progress: (event: LoadProgress) => void,
): Promise<LoadedModel> {
  const backend = await resolveBackend(choice);
  const started = performance.now();
  const report = throttled((files: FileProgress[]) => progress(progressOf(files)), PROGRESS_INTERVAL_MS);
  useHost(spec.host);
  const prepared = await prepareModel(spec, backend, signal, report);
  report(prepared.files, true);
  if (signal.aborted) {
    prepared.release();
    throw new EngineError('cancelled', 'Loading was cancelled; the model stays on this device.');
  }
  const describe = (config: unknown): LoadedModel => ({
    spec,
    slot: slotForTask(spec.task),
    backend,
    threads: backend === 'wasm' ? wasmThreads : 1,
    config: JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    loadMs: performance.now() - started,
    bytes: prepared.bytes,
    downloadedBytes: prepared.downloadedBytes,
    resumes: prepared.resumes,
  });
  const options = { dtype: spec.dtype, device: backend } as const;
  try {
    if (spec.task === 'text-generation') {
      const [tokenizer, model] = await Promise.all([
        AutoTokenizer.from_pretrained(spec.id),
        AutoModelForCausalLM.from_pretrained(spec.id, options),
      ]);
      const previous = slots.chat;
      slots.chat = {
        loaded: describe(model.config),
        tokenizer,
        model: yieldBetweenSteps(model),
        turnCache: null,
      };
      await previous?.turnCache?.cache.dispose();
      await previous?.model.dispose();
      return slots.chat.loaded;
    }
    const extractor = await pipeline('feature-extraction', spec.id, options);
    const previous = slots.embedding;
    slots.embedding = { loaded: describe(extractor.model.config), extractor };
    await previous?.extractor.dispose();
    return slots.embedding.loaded;
  } finally {
    prepared.release();
  }
}

/** Copies a model folder picked from disk into the store, so it loads (and reloads) with no network. */
export async function importFolder({
  modelId,
  files,
}: {
  modelId: string;
  files: ImportedFile[];
}): Promise<ImportedModel> {
  const config = files.find((file) => file.path === 'config.json');
  if (!config) {
    throw new EngineError(
      'bad-request',
      'This folder has no config.json: pick the folder of a Hugging Face model.',
    );
  }
  if (!files.some((file) => /^onnx\/.+\.onnx$/.test(file.path))) {
    throw new EngineError(
      'unsupported-model',
      'This folder has no onnx/*.onnx file: Transformers.js needs ONNX weights.',
    );
  }
  await store.remove(DISK_HOST, modelId);
  for (const { path, file } of files) {
    const partial = await store.partial(DISK_HOST, modelId, path);
    const writer = await partial.writer(false);
    await writer.write(file);
    await writer.close();
    await partial.commit(file.size, null);
  }
  const task = taskFromConfig(JSON.parse(await config.file.text()) as { architectures?: unknown });
  return { host: DISK_HOST, modelId, task };
}
