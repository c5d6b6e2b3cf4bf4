/**
 * The engine's API: what the page may ask of the inference worker, what each call answers and what it
 * reports meanwhile. Calls travel through lib/workerRpc.ts (ids, progress, cancel, errors, crashes).
 *
 * Types and constants only: the page imports this module, so it must never import transformers.js or
 * onnxruntime-web. The app's vocabulary (models, weight files, hosts, settings) lives in src/core.
 */
import type {
  Backend,
  BackendChoice,
  Dtype,
  LoadProgress,
  ModelSlot,
  ModelSpec,
  ModelTask,
  Pooling,
} from '../core/model.ts';
import type { RuntimeBuild } from '../core/runtimeBuild.ts';
import type { Method } from '../lib/workerRpc.ts';

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
  /** The ONNX Runtime WebAssembly build this browser runs (core/runtimeBuild.ts). */
  runtimeBuild: RuntimeBuild;
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
  /** What the weights run as when that differs from the download (on WASM, 4-bit and float16 are rewritten). */
  running: RunningForm | null;
}

/** The form a downloaded graph was rewritten into for the CPU (engine/worker/cpuForm.ts). */
export interface RunningForm {
  dtype: 'fp32' | 'int8';
  /** Whether it computes with exactly the downloaded weights (int8 re-quantizes them). */
  exact: boolean;
  /** What was rewritten, in a sentence. */
  summary: string;
  /** Its size on the device. */
  bytes: number;
  /** How long this load took to write it; null when it was read from the device. */
  rewriteMs: number | null;
}

/** A file of a model folder picked from disk, with its path inside the folder (`onnx/model.onnx`). */
export interface ImportedFile {
  path: string;
  file: File;
}

/** Where a model folder imported from disk now lives: it loads like any model from there. */
export interface ImportedModel {
  host: string;
  modelId: string;
  task: ModelTask;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /**
   * A reply's token ids as the model wrote them (end-of-turn token included). The prompt keeps them
   * where they decode to `content`, so the next turn reuses the KV cache of the whole reply (tasks/prompt.ts).
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

/** A token with the text it decodes to on its own (special tokens included). */
/** A reply to look inside: the messages it answered (as generate got them) and its token ids. */
export interface InsideRequest {
  messages: ChatMessage[];
  reply: number[];
  maxNewTokens: number;
}

/** One layer's residual stream in numbers: the spread of its values and its largest dimensions. */
export interface LayerActivations {
  min: number;
  max: number;
  /** A histogram of every value of the layer (all positions), in equal bins from min to max. */
  counts: number[];
  /** The dimensions largest in magnitude, largest first: the value and the position it peaks at. */
  largest: { dim: number; value: number; position: number }[];
}

/**
 * Inside a reply: for every layer (0 first) and every position of prompt + reply, what the residual stream
 * would predict (the logit lens), how large it is, and where each head attends. Arrays are row-major.
 */
export interface InsideView {
  modelId: string;
  backend: Backend;
  tokens: TokenText[];
  /** The position of the reply's first token. */
  replyStart: number;
  layers: number;
  topK: number;
  /** [layer × position × topK]: the lens's likeliest next tokens and their probabilities. */
  lensIds: Int32Array;
  lensProbs: Float32Array;
  /**
   * [position]: the token the model chose after each position: the reply's next token where the reply
   * follows (sampled, or greedy), elsewhere its last layer's first choice.
   */
  chosen: Int32Array;
  /** [layer × position]: each layer's probability of that token. */
  chosenProbs: Float32Array;
  /** The text of every token id above. */
  texts: Record<number, string>;
  /** [layer × position]: the residual stream's size (L2 norm) after each layer. */
  norms: Float32Array;
  activations: LayerActivations[];
  /** Per layer [heads × query × key] attention probabilities; null where the graph does not compute them. */
  attention: { heads: number; maps: Float32Array[] } | null;
  /** Why attention is not shown, when it is not. */
  attentionMissing: string | null;
  /** The instrumented sessions' build (null when an earlier look built them), and the pass itself. */
  timing: { buildMs: number | null; passMs: number };
}

export interface TokenText {
  id: number;
  text: string;
}

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
  /** The likeliest tokens that could be picked, most likely first (`STEP_CANDIDATES` at most). */
  candidates: { id: number; text: string; prob: number }[];
}

/** Exactly what the model reads: the chat template's text, its tokens, and the context budget. */
export interface PromptView {
  text: string;
  tokens: TokenText[];
  contextLength: number;
  /** Tokens kept free for the reply (max new tokens). */
  reserved: number;
  /** Oldest messages left out so the conversation fits (the system prompt is always kept). */
  droppedMessages: number;
  /** Even the system prompt and the newest message do not fit. */
  overflows: boolean;
}

/** Streamed text: a token's ids and the text it completes (maybe empty mid-word). */
export interface TokenEvent {
  tokenIds: number[];
  text: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  options: GenerationOptions;
  /** Reply tokens fixed in advance (a branch from an earlier reply): generation continues after them. */
  prefix: number[];
  /** Record each token's distribution (a {@link TokenStep}); off, generation pays nothing for it. */
  recordSteps: boolean;
}

export interface GeneratedReply {
  /** The whole reply: the prefix, then the generated tokens. */
  tokenIds: number[];
  text: string;
  /** One per generated token (after the prefix), when recorded. */
  steps: TokenStep[] | null;
  /** Cancelled: the reply ends after the token that was being generated. */
  stopped: boolean;
  stats: GenerationStats;
}

export interface EmbedRequest {
  sentences: string[];
  pooling: Pooling;
  normalize: boolean;
  /** Read the model's own `sentence_embedding` output (pooled and projected in the graph) when it has one. */
  useModelPooling: boolean;
  /** Sentences per forward pass; null: `EMBED_BATCH_SIZE` (the benchmark varies it). */
  batchSize: number | null;
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
  tokens: TokenText[];
  /** Row-major `[tokens.length, dimensions]`. */
  vectors: Float32Array;
  dimensions: number;
}

/**
 * The engine worker's methods. Every call can be cancelled: a load stops downloading (the bytes received
 * are kept), a reply ends after the current token (and still answers, `stopped`), an embedding stops
 * between batches.
 */
export type EngineApi = {
  probe: Method<null, BackendCapabilities>;
  /** Downloads what is missing into the device's store, then loads the model into its slot. */
  load: Method<{ spec: ModelSpec; backend: BackendChoice }, LoadedModel, LoadProgress>;
  generate: Method<GenerateRequest, GeneratedReply, TokenEvent>;
  embed: Method<EmbedRequest, EmbeddingResult, { done: number; total: number }>;
  /** One sentence's token vectors (the last hidden state), to show how pooling makes a sentence vector. */
  embedTokens: Method<{ sentence: string }, TokenVectors>;
  /** The tokens a model's tokenizer makes of `text` (special tokens included, as the model reads it). */
  tokenize: Method<{ host: string; modelId: string; text: string }, TokenText[]>;
  /** The prompt a generate call with these messages would send, without generating. */
  render: Method<{ messages: ChatMessage[]; maxNewTokens: number }, PromptView>;
  /** What a repository offers (files, dtypes, sizes, whether it can run), before downloading anything. */
  check: Method<{ host: string; modelId: string }, RepositoryReport>;
  /** Copies a model folder from disk into the store under `modelId`; then it loads like any model. */
  importFolder: Method<{ modelId: string; files: ImportedFile[] }, ImportedModel>;
  /** One teacher-forced pass of an instrumented copy of the chat model over a prompt and its reply. */
  lookInside: Method<InsideRequest, InsideView>;
};
