/**
 * What a model is to the app: the task it serves, the weights it loads, the backend it runs on, and how
 * an embedding model pools. Closed sets as frozen tables with derived types, shared by every layer.
 *
 *   slotForTask('feature-extraction')                          // → 'embedding'
 *   taskFromConfig({ architectures: ['LlamaForCausalLM'] })    // → 'text-generation'
 */

/** The backends the app can run on; `auto` picks WebGPU when an adapter exists, else WASM. */
export const BACKENDS = Object.freeze(['wasm', 'webgpu'] as const);
export type Backend = (typeof BACKENDS)[number];
export const BACKEND_CHOICES = Object.freeze(['auto', ...BACKENDS] as const);
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/**
 * The weight formats, named as Transformers.js names them and onnx-community exports publish them (each is
 * one ONNX graph, perhaps with external data: weightFiles.ts names the files).
 */
export const DTYPES = Object.freeze(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const);
export type Dtype = (typeof DTYPES)[number];

/** Formats whose float math is float16: WebGPU runs them only on an adapter with `shader-f16`. */
export const FLOAT16_DTYPES: readonly Dtype[] = Object.freeze(['fp16', 'q4f16']);

export const MODEL_TASKS = Object.freeze(['text-generation', 'feature-extraction'] as const);
export type ModelTask = (typeof MODEL_TASKS)[number];

/** Chat and embedding models are held side by side, one of each. */
export const MODEL_SLOTS = Object.freeze(['chat', 'embedding'] as const);
export type ModelSlot = (typeof MODEL_SLOTS)[number];

export const POOLINGS = Object.freeze(['mean', 'cls', 'last_token'] as const);
export type Pooling = (typeof POOLINGS)[number];

/** A model as the engine needs it: where it lives and which weights to load. */
export interface ModelSpec {
  /** Base URL of a host in Hugging Face layout: files at `<host>/<id>/resolve/main/<file>`. */
  host: string;
  /** Repository id, `org/name`. */
  id: string;
  task: ModelTask;
  dtype: Dtype;
}

export interface FileProgress {
  file: string;
  loaded: number;
  total: number;
  done: boolean;
  bytesPerSecond: number;
  /** Already on the device: nothing downloaded. */
  fromStore: boolean;
  /** Times the download resumed after a dropped connection or server error. */
  resumes?: number;
}

/** A model load's progress: every file's, and the sums. */
export interface LoadProgress {
  files: FileProgress[];
  loaded: number;
  total: number;
}

/** Which slot a task's model is held in. */
export function slotForTask(task: ModelTask): ModelSlot {
  return task === 'text-generation' ? 'chat' : 'embedding';
}

/** What a model is for, from its `config.json` (for ids the catalog does not know). */
export function taskFromConfig(config: { architectures?: unknown }): ModelTask {
  const architectures = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  return architectures.some((name) => /ForCausalLM$|LMHeadModel$|ForConditionalGeneration$/.test(name))
    ? 'text-generation'
    : 'feature-extraction';
}
