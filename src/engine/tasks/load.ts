/**
 * Loading a model into its slot: download what is missing (worker/files.ts), then build the model on the
 * chosen backend; and copying a model folder picked from disk into the store, so it loads like any other.
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import { AutoModelForCausalLM, AutoTokenizer, pipeline } from '@huggingface/transformers';
import { DISK_HOST } from '../../core/hosts.ts';
import {
  FLOAT16_DTYPES,
  slotForTask,
  taskFromConfig,
  type BackendChoice,
  type ModelSpec,
} from '../../core/model.ts';
import type { FileProgress, LoadProgress } from '../../core/model.ts';
import { cpuTarget } from '../../core/runningForm.ts';
import { PROGRESS_INTERVAL_MS } from '../../core/settings.ts';
import { weightFile } from '../../core/weightFiles.ts';
import { contentProblem } from '../../hub/contentCheck.ts';
import { modelStore as store } from '../../hub/modelStore.ts';
import { throttled } from '../../lib/throttle.ts';
import type { CallContext } from '../../lib/workerRpc.ts';
import { runsFloat16 } from '../backend.ts';
import { EngineError, classifyError, runtimeFailure } from '../errors.ts';
import type { ImportedFile, ImportedModel, LoadedModel } from '../protocol.ts';
import { cpuForm } from '../worker/cpuForm.ts';
import { baseName, oneWriterAtATime, prepareModel } from '../worker/files.ts';
import { probe, resolveBackend } from '../worker/probe.ts';
import { startRuntime, useHost, wasmThreads, watchGpuDevice } from '../worker/runtime.ts';
import { inLoadQueue, yieldBetweenSteps } from '../worker/scheduling.ts';
import { slots, stopUses } from '../worker/slots.ts';
import { letGoOfInstrumented } from './lookInside.ts';
import { chatTemplateProblem } from './prompt.ts';

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
      const loaded = await loadNow(spec, choice, signal, progress);
      // ONNX Runtime has its GPU device once a WebGPU session exists.
      if (loaded.backend === 'webgpu') watchGpuDevice();
      return loaded;
    } catch (error) {
      const failure = classifyError(error, { modelId: spec.id, host: spec.host });
      // A file this model needs was missing: ask the host again next time (it may be added meanwhile).
      if (failure.code === 'not-found') await store.forgetAbsent(spec.host, spec.id).catch(() => {});
      throw failure;
    }
  });
}

async function loadNow(
  spec: ModelSpec,
  choice: BackendChoice,
  signal: AbortSignal,
  progress: (event: LoadProgress) => void,
): Promise<LoadedModel> {
  // The runtime starts while the files are checked and read (a worker's first load), not after.
  const runtime = startRuntime();
  const backend = await resolveBackend(choice);
  if (FLOAT16_DTYPES.includes(spec.dtype) && !runsFloat16(backend, await probe()))
    throw new EngineError(
      'unsupported-model',
      `This GPU cannot run ${spec.dtype} weights: its WebGPU adapter lacks shader-f16 (float16 math). Choose WASM, where they run as float32, or the model's q4 or fp32 weights.`,
    );
  const started = performance.now();
  const report = throttled((files: FileProgress[]) => progress(progressOf(files)), PROGRESS_INTERVAL_MS);
  useHost(spec.host);
  const prepared = await prepareModel(spec, backend, signal, report);
  report(prepared.files, true);
  if (signal.aborted) {
    prepared.release();
    throw new EngineError('cancelled', 'Loading was cancelled; the model stays on this device.');
  }
  const target = backend === 'wasm' ? cpuTarget(spec.dtype) : null;
  const form = target
    ? await oneWriterAtATime(spec, signal, () =>
        cpuForm(spec, target, prepared.graphData, signal, (file) => report([...prepared.files, file])),
      ).catch((error: unknown) => {
        prepared.release();
        throw error;
      })
    : null;
  const files = [...prepared.files, ...(form?.files ?? [])];
  report(files, true);
  if (form) prepared.substitute(weightFile(spec.dtype), form.graph);
  prepared.graphsAfter(runtime);
  const describe = (config: unknown): LoadedModel => ({
    spec,
    slot: slotForTask(spec.task),
    backend,
    threads: backend === 'wasm' ? wasmThreads : 1,
    config: JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    loadMs: performance.now() - started,
    bytes: files.reduce((sum, file) => sum + file.total, 0),
    downloadedBytes: prepared.downloadedBytes,
    resumes: prepared.resumes,
    running: form?.running ?? null,
  });
  // External data the runtime must be handed by name: a rewritten form's own, or files config.json does
  // not declare (the config's count is then not used).
  const externalData = form
    ? form.data && [{ path: form.data.location, data: form.data.path }]
    : prepared.undeclaredData.length > 0 &&
      prepared.undeclaredData.map((path) => ({ path: baseName(path), data: path }));
  const options = {
    dtype: spec.dtype,
    device: backend,
    ...(form || externalData
      ? { use_external_data_format: false, session_options: externalData ? { externalData } : {} }
      : {}),
  } as const;
  const context = { modelId: spec.id, host: spec.host };
  try {
    if (spec.task === 'text-generation') {
      const [tokenizer, model] = await untilCancelled(
        signal,
        [
          AutoTokenizer.from_pretrained(spec.id).catch((error: unknown) => {
            throw classifyError(error, context);
          }),
          AutoModelForCausalLM.from_pretrained(spec.id, options).catch((error: unknown) => {
            throw runtimeFailure(error, context);
          }),
        ] as const,
        async ([, built]) => void (await built.dispose()),
      );
      const templateProblem = chatTemplateProblem(tokenizer);
      if (templateProblem !== null) {
        await model.dispose();
        throw new EngineError(
          'unsupported-model',
          `The chat template of "${spec.id}" (in tokenizer_config.json or chat_template.jinja) cannot be used: ${templateProblem}. Fix the template, or choose another model.`,
        );
      }
      const previous = slots.chat;
      const loaded = describe(model.config);
      const graph = {
        path: form?.graph ?? weightFile(spec.dtype),
        data: form
          ? form.data
            ? [form.data]
            : []
          : prepared.graphData.map((path) => ({ location: baseName(path), path })),
      };
      slots.chat = { loaded, tokenizer, model: yieldBetweenSteps(model), turnCache: null, graph };
      // A reply still streaming on the previous model stops (it is answered as stopped) before it goes.
      await stopUses('chat');
      await letGo(previous?.turnCache?.cache, previous?.model);
      await letGoOfInstrumented();
      return loaded;
    }
    const [extractor] = await untilCancelled(
      signal,
      [
        pipeline('feature-extraction', spec.id, options).catch((error: unknown) => {
          throw runtimeFailure(error, context);
        }),
      ] as const,
      ([built]) => built.dispose(),
    );
    const previous = slots.embedding;
    const loaded = describe(extractor.model.config);
    slots.embedding = { loaded, extractor };
    await stopUses('embedding');
    await letGo(previous?.extractor);
    return loaded;
  } finally {
    prepared.release();
  }
}

/**
 * Releases what a replaced model held. The new model is in place already: a failure to release the old
 * one (a session the runtime already let go) must not fail the load that replaced it.
 */
async function letGo(...held: ({ dispose(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const item of held) {
    await item
      ?.dispose()
      .catch((error: unknown) => console.warn('Releasing a replaced model failed:', error));
  }
}

/** How long a cancelled load waits for the runtime to finish building before the worker is replaced. */
const BUILD_GRACE_MS = 5000;

/**
 * The runtime's work on `promises`, or a cancellation when `signal` aborts. A session being created cannot
 * be interrupted: a cancelled build that finishes soon is disposed of, and one that does not (a runtime
 * stuck on a file would hold every later load of this worker) answers as cancelled and replaces the worker.
 */
function untilCancelled<T extends readonly unknown[]>(
  signal: AbortSignal,
  promises: T,
  dispose: (built: { -readonly [K in keyof T]: Awaited<T[K]> }) => Promise<void>,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  type Built = { -readonly [K in keyof T]: Awaited<T[K]> };
  const work = Promise.all(promises) as Promise<Built>;
  return new Promise<Built>((resolve, reject) => {
    const cancel = () => {
      const built = work.then(dispose).then(
        () => true,
        () => true,
      );
      const stuck = new Promise<false>((settle) => setTimeout(() => settle(false), BUILD_GRACE_MS));
      void Promise.race([built, stuck]).then((finished) =>
        reject(
          finished
            ? new EngineError('cancelled', 'Loading was cancelled; the model stays on this device.')
            : new EngineError(
                'cancelled',
                'Loading was cancelled while the runtime was still building the model; the engine restarts. The files stay on this device.',
                { fatal: true },
              ),
        ),
      );
    };
    if (signal.aborted) return cancel();
    signal.addEventListener('abort', cancel, { once: true });
    // Once cancelled, the built model belongs to `cancel` (which disposes of it), never to the caller.
    work
      .then(
        (built) => signal.aborted || resolve(built),
        (error: unknown) => signal.aborted || reject(error),
      )
      .finally(() => signal.removeEventListener('abort', cancel));
  });
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
  for (const { path, file } of files) {
    const problem = await contentProblem(path, file);
    if (problem)
      throw new EngineError(
        'bad-request',
        `${path} in this folder is not usable: ${problem}. Fix or replace it.`,
      );
  }
  await store.remove(DISK_HOST, modelId);
  for (const { path, file } of files) {
    const partial = await store.partial(DISK_HOST, modelId, path);
    const writer = await partial.writer(false);
    const reader = file.stream().getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        await writer.write(chunk.value as Uint8Array<ArrayBuffer>);
    } finally {
      await writer.close();
    }
    await partial.commit(file.size, null);
  }
  const task = taskFromConfig(JSON.parse(await config.file.text()) as { architectures?: unknown });
  return { host: DISK_HOST, modelId, task };
}
