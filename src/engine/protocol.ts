/**
 * The one protocol between the UI thread and the inference worker.
 *
 * Every request carries an `id`; every event answering it carries the same `id`
 * (comlink-style pairing). Long requests stream progress events and end with
 * exactly one terminal event (`loaded`, `generated`, `embedded`) or an `error`.
 *
 * This module holds types and tiny pure helpers only: the UI imports it, so it
 * must never import transformers.js or onnxruntime-web.
 */

export type RequestId = number;

/** The backends the app can run on; `auto` picks WebGPU when an adapter exists, else WASM. */
export const BACKENDS = Object.freeze(['wasm', 'webgpu'] as const);
export type Backend = (typeof BACKENDS)[number];
export type BackendChoice = 'auto' | Backend;

/** Weight formats, named as Transformers.js names them; each maps to one ONNX file. */
export const DTYPES = Object.freeze(['fp32', 'q8', 'q4'] as const);
export type Dtype = (typeof DTYPES)[number];

export type ModelTask = 'text-generation' | 'feature-extraction';
export type ModelSlot = 'chat' | 'embedding';

export const POOLINGS = Object.freeze(['mean', 'cls', 'last_token'] as const);
export type Pooling = (typeof POOLINGS)[number];

/** A model as the worker needs it: where it lives and which weights to load. */
export interface ModelSpec {
  /** Base URL of a host in Hugging Face layout: files at `<host>/<id>/resolve/main/<file>`. */
  host: string;
  /** Repository id, `org/name`. */
  id: string;
  task: ModelTask;
  dtype: Dtype;
}

export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  /** Software adapters (SwiftShader) are correct but slow; the UI says so. */
  isFallback: boolean;
  features: string[];
  /** The adapter limits that decide whether a model's tensors fit in GPU buffers. */
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export interface BackendCapabilities {
  webgpu: WebGpuAdapterInfo | null;
  /** Why WebGPU is unavailable, when it is. */
  webgpuUnavailableReason: string | null;
  crossOriginIsolated: boolean;
  /** WASM threads this worker will use: more than 1 only when cross-origin isolated. */
  wasmThreads: number;
  hardwareConcurrency: number;
  /** `navigator.deviceMemory` (GB, rounded down by the browser), when the browser tells. */
  deviceMemoryGb: number | null;
}

/** What a repository on a host offers, checked before anything is downloaded. */
export interface RepositoryReport {
  host: string;
  modelId: string;
  modelType: string;
  architectures: string[];
  task: ModelTask;
  /** Whether this Transformers.js can build the architecture for the task. */
  supported: boolean;
  /** Per loadable dtype: the files a load would fetch and their total size (null when the host does not say). */
  dtypes: { dtype: Dtype; files: { path: string; size: number | null }[]; bytes: number | null }[];
  config: Record<string, unknown>;
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

export interface LoadedModel {
  spec: ModelSpec;
  slot: ModelSlot;
  backend: Backend;
  /** Threads used by WASM kernels (1 on WebGPU sessions, whose kernels run on the GPU). */
  threads: number;
  config: Record<string, unknown>;
  loadMs: number;
  /** Size of the model's files on the device. */
  bytes: number;
  /** Of which downloaded by this load (0 when everything was already stored). */
  downloadedBytes: number;
  /** Times this load's downloads resumed after a dropped connection or a server error. */
  resumes: number;
}

/** A file of a model folder picked from disk, with its path inside the folder (`onnx/model.onnx`). */
export interface ImportedFile {
  path: string;
  file: File;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /**
   * A reply's token ids as the model wrote them (end-of-turn token included). The prompt keeps them
   * where they decode to `content`, so the next turn reuses the KV cache of the whole reply (workerPrompt.ts).
   */
  tokenIds?: number[];
}

export interface GenerationOptions {
  maxNewTokens: number;
  /** Always pick the most likely token; the sampling settings below are then ignored. */
  greedy: boolean;
  temperature: number;
  /** Keep only the k most likely tokens (0: all). */
  topK: number;
  /** Keep the most likely tokens whose probabilities add up to p (1: all). */
  topP: number;
  repetitionPenalty: number;
  /** Seeds the sampler: the same seed and settings give the same reply. */
  seed: number;
}

export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens whose keys and values came from the previous turn's KV cache (not computed again). */
  reusedPromptTokens: number;
  /** Oldest messages left out so the conversation fits the context. */
  droppedMessages: number;
  /** Tokens this request generated (a branch's prefix excluded). */
  generatedTokens: number;
  /** Time from request to first generated token. */
  timeToFirstTokenMs: number;
  /** Prompt tokens computed per second until the first token (the reused ones excluded). */
  prefillTokensPerSecond: number;
  totalMs: number;
  decodeTokensPerSecond: number;
  backend: Backend;
  dtype: Dtype;
}

/**
 * Sentences the encoder reads per forward pass. On WASM, 16 held 50-59 sentences/s (q8, 2 threads) over
 * repeated rounds in one page, while one at a time swung from 17 to 54 and 32 was slower; a GPU needs
 * batches to fill its cores.
 */
export const EMBED_BATCH_SIZE = 16;

/** How many of the likeliest candidates a recorded token step keeps. */
export const STEP_CANDIDATES = 10;

/**
 * One generated token and the distribution it was drawn from: the softmax after the repetition penalty,
 * temperature, top-k and top-p (greedy decoding: after the repetition penalty only).
 */
export interface TokenStep {
  id: number;
  text: string;
  prob: number;
  /** Entropy of the whole distribution in bits: 0 when the model was certain. */
  entropyBits: number;
  /** The likeliest tokens that could be picked, most likely first ({@link STEP_CANDIDATES} at most). */
  candidates: { id: number; text: string; prob: number }[];
}

/** Exactly what the model reads: the chat template's text, its tokens, and the context budget. */
export interface PromptView {
  text: string;
  tokens: { id: number; text: string }[];
  contextLength: number;
  /** Tokens kept free for the reply (max new tokens). */
  reserved: number;
  /** Oldest messages left out so the conversation fits (the system prompt is always kept). */
  droppedMessages: number;
  /** Even the system prompt and the newest message do not fit. */
  overflows: boolean;
}

export interface EmbeddingResult {
  /** Row-major `[sentences.length, dimensions]`. */
  vectors: Float32Array;
  dimensions: number;
  pooling: Pooling;
  normalize: boolean;
  /** The vectors are the model's own `sentence_embedding` output, not pooled here. */
  modelPooled: boolean;
}

/** A sentence's tokens and their vectors, before pooling. */
export interface TokenVectors {
  tokens: { id: number; text: string }[];
  /** Row-major `[tokens.length, dimensions]`. */
  vectors: Float32Array;
  dimensions: number;
}

export const ENGINE_ERROR_CODES = Object.freeze([
  'model-not-found',
  'network',
  'unsupported-model',
  'backend-unavailable',
  'wasm-init-failed',
  'gpu-device-lost',
  'out-of-memory',
  'no-model-loaded',
  'bad-request',
  'cancelled',
  'corrupt-file',
  'insufficient-storage',
  'worker-crashed',
  'internal',
] as const);
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export interface EngineErrorData {
  code: EngineErrorCode;
  message: string;
}

export type EngineRequest =
  | { type: 'probe'; id: RequestId }
  | { type: 'load'; id: RequestId; spec: ModelSpec; backend: BackendChoice }
  | {
      type: 'generate';
      id: RequestId;
      messages: ChatMessage[];
      options: GenerationOptions;
      /** Reply tokens fixed in advance (a branch from an earlier reply): generation continues after them. */
      prefix: number[];
      /** Record each token's distribution (a {@link TokenStep}); off, generation pays nothing for it. */
      recordSteps: boolean;
    }
  | {
      type: 'embed';
      id: RequestId;
      sentences: string[];
      pooling: Pooling;
      normalize: boolean;
      /** Read the model's own `sentence_embedding` output (pooled and projected in the graph) when it has one. */
      useModelPooling: boolean;
      /** Sentences per forward pass; null: {@link EMBED_BATCH_SIZE} (the benchmark varies it). */
      batchSize: number | null;
    }
  /** The token ids a model's tokenizer makes of `text` (special tokens included, as the model reads it). */
  | { type: 'tokenize'; id: RequestId; host: string; modelId: string; text: string }
  /** One sentence's token vectors (the last hidden state), to show how pooling makes a sentence vector. */
  | { type: 'embed-tokens'; id: RequestId; sentence: string }
  | { type: 'check'; id: RequestId; host: string; modelId: string }
  /** The prompt a generate request with these messages would send, without generating. */
  | { type: 'render'; id: RequestId; messages: ChatMessage[]; maxNewTokens: number }
  /** Copies a model folder from disk into the store under `modelId`; then it loads like any model. */
  | { type: 'import'; id: RequestId; modelId: string; files: ImportedFile[] }
  /** Stops the request `target`: generation ends after the current token. */
  | { type: 'cancel'; id: RequestId; target: RequestId };

export type EngineEvent =
  | { type: 'probed'; id: RequestId; capabilities: BackendCapabilities }
  | { type: 'load-progress'; id: RequestId; files: FileProgress[]; loaded: number; total: number }
  | { type: 'loaded'; id: RequestId; model: LoadedModel }
  /** Streamed text; a branch's prefix comes first, as one event. Recorded steps come with `generated`. */
  | { type: 'token'; id: RequestId; tokenIds: number[]; text: string }
  | {
      type: 'generated';
      id: RequestId;
      /** The whole reply: the prefix, then the generated tokens. */
      tokenIds: number[];
      text: string;
      /** One per generated token (after the prefix), when recorded. */
      steps: TokenStep[] | null;
      stopped: boolean;
      stats: GenerationStats;
    }
  | { type: 'embed-progress'; id: RequestId; done: number; total: number }
  | { type: 'embedded'; id: RequestId; result: EmbeddingResult }
  | { type: 'token-vectors'; id: RequestId; result: TokenVectors }
  | { type: 'tokenized'; id: RequestId; tokens: { id: number; text: string }[] }
  | { type: 'checked'; id: RequestId; report: RepositoryReport }
  | { type: 'rendered'; id: RequestId; view: PromptView }
  | { type: 'imported'; id: RequestId; host: string; modelId: string; task: ModelTask }
  | { type: 'error'; id: RequestId; error: EngineErrorData };

/** Which loaded model a task runs in: chat and embedding models are held side by side. */
export function slotForTask(task: ModelTask): ModelSlot {
  return task === 'text-generation' ? 'chat' : 'embedding';
}

/** Transformers.js file suffix per dtype: `onnx/model{suffix}.onnx`. */
export const DTYPE_FILE_SUFFIX: Readonly<Record<Dtype, string>> = Object.freeze({
  fp32: '',
  q8: '_quantized',
  q4: '_q4',
});

/** Host of models imported from disk: never fetched from (the `.invalid` TLD cannot resolve). */
export const DISK_HOST = 'https://disk.glassbox.invalid';

/** URL of one file of a model on a host in Hugging Face layout. */
export function modelFileUrl(host: string, id: string, file: string, revision = 'main'): string {
  return `${host.replace(/\/+$/, '')}/${id}/resolve/${revision}/${file}`;
}
