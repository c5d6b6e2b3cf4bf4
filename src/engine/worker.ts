/**
 * The inference worker: the only place that imports transformers.js (and through it onnxruntime-web).
 *
 * It probes the backends, loads one chat model and one embedding model side by side, streams generated
 * tokens and embeds sentences, answering the requests of `protocol.ts`. It may not import React, zustand
 * or any UI module.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  InterruptableStoppingCriteria,
  LogitsProcessor,
  LogitsProcessorList,
  Tensor,
  TextStreamer,
  env,
  pipeline,
  random,
  type DynamicCache,
  type FeatureExtractionPipeline,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
// Served from our own build: transformers.js would otherwise fetch them from a CDN.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortFactoryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { taskFromConfig } from '../models/resolve.ts';
import { EngineError, classifyError } from './errors.ts';
import { fitToContext } from './contextPolicy.ts';
import { normalizeRows, pool } from './pooling.ts';
import { restrictToTopKTopP, summarize, type DistributionSummary } from './distribution.ts';
import { reuseFor, type TurnCache } from './workerCache.ts';
import { checkRepository } from './workerCheck.ts';
import { prepareModel, store, storeFetch } from './workerFiles.ts';
import { promptIds } from './workerPrompt.ts';
import {
  DISK_HOST,
  EMBED_BATCH_SIZE,
  slotForTask,
  type Backend,
  type BackendCapabilities,
  type BackendChoice,
  type ChatMessage,
  type EngineEvent,
  type EngineRequest,
  type FileProgress,
  type GenerationOptions,
  type ImportedFile,
  type LoadedModel,
  type ModelSpec,
  type Pooling,
  type RequestId,
  type TokenStep,
  type WebGpuAdapterInfo,
  STEP_CANDIDATES,
} from './protocol.ts';

// Minimal WebGPU typings: lib.dom does not carry them and the probe needs four fields.
interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  features: Iterable<string>;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

const PROGRESS_INTERVAL_MS = 100;

function post(event: EngineEvent, transfer: Transferable[] = []): void {
  self.postMessage(event, { transfer });
}

/** `send`, at most once per {@link PROGRESS_INTERVAL_MS} unless forced: progress events that do not flood the page. */
function throttled<T>(send: (value: T) => void): (value: T, force?: boolean) => void {
  let last = -Infinity;
  return (value, force = false) => {
    if (!force && performance.now() - last < PROGRESS_INTERVAL_MS) return;
    last = performance.now();
    send(value);
  };
}

function absolute(url: string): string {
  return new URL(url, self.location.href).href;
}

/** Set by the client in the worker's name (`threads=1`); otherwise every core, up to 8. */
const pinnedThreads = Number(/\bthreads=(\d+)/.exec(self.name)?.[1] ?? 0);
// Without cross-origin isolation there is no SharedArrayBuffer, so WASM runs on one thread.
const wasmThreads = self.crossOriginIsolated
  ? Math.max(1, Math.min(pinnedThreads || navigator.hardwareConcurrency || 1, 8))
  : 1;
const onnxEnv = env.backends.onnx;
if (onnxEnv.wasm) {
  onnxEnv.wasm.wasmPaths = { mjs: absolute(ortFactoryUrl), wasm: absolute(ortWasmUrl) };
  onnxEnv.wasm.numThreads = wasmThreads;
}
env.allowLocalModels = false;
env.allowRemoteModels = true;
// Model files come from our own store (verified, resumable, one copy on the device), not transformers.js' cache.
env.useBrowserCache = false;
env.useCustomCache = false;
// The service worker already keeps ONNX Runtime's files; transformers.js' wasm cache would re-import the
// factory from a blob: URL, which the Content Security Policy (script-src 'self') rightly refuses.
env.useWasmCache = false;
env.fetch = storeFetch;
env.remotePathTemplate = '{model}/resolve/{revision}/';

let capabilitiesPromise: Promise<BackendCapabilities> | null = null;

async function probeWebGpu(): Promise<{ info: WebGpuAdapterInfo | null; reason: string | null }> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { info: null, reason: 'This browser has no WebGPU (navigator.gpu is missing).' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { info: null, reason: 'WebGPU is present but no GPU adapter was granted.' };
    const info = adapter.info ?? {};
    return {
      info: {
        vendor: info.vendor ?? '',
        architecture: info.architecture ?? '',
        description: info.description ?? '',
        isFallback:
          Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || info.architecture === 'swiftshader',
        features: [...adapter.features].sort(),
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      },
      reason: null,
    };
  } catch (error) {
    return { info: null, reason: `Requesting a WebGPU adapter failed: ${String(error)}` };
  }
}

function probe(): Promise<BackendCapabilities> {
  capabilitiesPromise ??= probeWebGpu().then(({ info, reason }) => ({
    webgpu: info,
    webgpuUnavailableReason: reason,
    crossOriginIsolated: self.crossOriginIsolated,
    wasmThreads,
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
    deviceMemoryGb: (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? null,
  }));
  return capabilitiesPromise;
}

async function resolveBackend(choice: BackendChoice): Promise<Backend> {
  const capabilities = await probe();
  if (choice === 'wasm') return 'wasm';
  if (choice === 'webgpu' && !capabilities.webgpu) {
    throw new EngineError(
      'backend-unavailable',
      `WebGPU was requested but is unavailable: ${capabilities.webgpuUnavailableReason ?? 'unknown reason'}. Choose WASM or Auto.`,
    );
  }
  return capabilities.webgpu ? 'webgpu' : 'wasm';
}

/**
 * Resolves on the next macrotask. On WASM a whole generate() call can complete in microtasks, which
 * would starve `onmessage`: Stop would only arrive after the last token. A MessageChannel hop (unlike
 * setTimeout, never clamped to 4 ms) lets pending requests in between decoding steps.
 */
const yieldChannel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yieldQueue.shift()?.();
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    yieldQueue.push(resolve);
    yieldChannel.port2.postMessage(null);
  });
}

/** Makes each forward pass of `model` start on a fresh task, so requests are served between tokens. */
function yieldBetweenSteps(model: PreTrainedModel): PreTrainedModel {
  const forward = model.forward.bind(model);
  model.forward = async (inputs: Parameters<PreTrainedModel['forward']>[0]) => {
    await nextTask();
    return forward(inputs);
  };
  return model;
}

interface ChatSlot {
  loaded: LoadedModel;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
  /** The KV cache of the last reply, reused by the next turn where the prompt still matches. */
  turnCache: TurnCache | null;
}
interface EmbeddingSlot {
  loaded: LoadedModel;
  extractor: FeatureExtractionPipeline;
}
let chatSlot: ChatSlot | null = null;
let embeddingSlot: EmbeddingSlot | null = null;
const cancelled = new Set<RequestId>();
const stoppers = new Map<RequestId, InterruptableStoppingCriteria>();
const aborters = new Map<RequestId, AbortController>();
let loadQueue: Promise<void> = Promise.resolve();

async function load(id: RequestId, spec: ModelSpec, choice: BackendChoice): Promise<void> {
  const backend = await resolveBackend(choice);
  const started = performance.now();
  const abort = new AbortController();
  aborters.set(id, abort);
  if (cancelled.has(id)) abort.abort(); // cancelled while it waited in the queue
  const report = throttled((files: FileProgress[]) =>
    post({
      type: 'load-progress',
      id,
      files,
      loaded: files.reduce((sum, f) => sum + f.loaded, 0),
      total: files.reduce((sum, f) => sum + f.total, 0),
    }),
  );
  // transformers.js builds file URLs from one global host: set before it plans or reads any file.
  env.remoteHost = spec.host.endsWith('/') ? spec.host : `${spec.host}/`;
  const prepared = await prepareModel(spec, backend, abort.signal, report).finally(() => aborters.delete(id));
  report(prepared.files, true);
  const slot = slotForTask(spec.task);
  const describe = (config: unknown): LoadedModel => ({
    spec,
    slot,
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
      await chatSlot?.turnCache?.cache.dispose();
      await chatSlot?.model.dispose();
      chatSlot = {
        loaded: describe(model.config),
        tokenizer,
        model: yieldBetweenSteps(model),
        turnCache: null,
      };
      post({ type: 'loaded', id, model: chatSlot.loaded });
    } else {
      const extractor = await pipeline('feature-extraction', spec.id, options);
      await embeddingSlot?.extractor.dispose();
      embeddingSlot = { loaded: describe(extractor.model.config), extractor };
      post({ type: 'loaded', id, model: embeddingSlot.loaded });
    }
  } finally {
    prepared.release();
  }
}

/** Copies a model folder picked from disk into the store, so it loads (and reloads) with no network. */
async function importFolder(id: RequestId, modelId: string, files: ImportedFile[]): Promise<void> {
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
  post({ type: 'imported', id, host: DISK_HOST, modelId, task });
}

/**
 * Streams each reply token as one event: its ids and the text it completes (maybe empty mid-word). A
 * branch's prefix is streamed first, as one event, so the text reads on from it.
 */
class TokenEventStreamer extends TextStreamer {
  private pendingText = '';
  constructor(
    tokenizer: PreTrainedTokenizer,
    private readonly prefix: number[],
    private readonly onStep: (tokenIds: number[], text: string, generated: boolean) => void,
  ) {
    super(tokenizer, { skip_special_tokens: true });
  }
  override on_finalized_text(text: string): void {
    this.pendingText += text;
  }
  override put(value: bigint[][]): void {
    if (this.next_tokens_are_prompt) {
      // The prompt (with the prefix at its end) is not streamed; the prefix is, as reply text.
      this.next_tokens_are_prompt = false;
      if (this.prefix.length === 0) return;
      super.put([this.prefix.map(BigInt)]);
      this.emit(this.prefix, false);
      return;
    }
    super.put(value);
    this.emit(value[0]?.map(Number) ?? [], true);
  }
  override end(): void {
    super.end();
    if (this.pendingText) this.emit([], false);
  }
  private emit(tokenIds: number[], generated: boolean): void {
    const text = this.pendingText;
    this.pendingText = '';
    this.onStep(tokenIds, text, generated);
  }
}

/** Top-p for the sampler (Transformers.js 4.3 ignores `top_p`), and top-k so recorded steps show it. */
class TopKTopPFilter extends LogitsProcessor {
  constructor(
    private readonly topK: number,
    private readonly topP: number,
  ) {
    super();
  }
  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    restrictToTopKTopP(logits.data as Float32Array, this.topK, this.topP);
    return logits;
  }
}

/**
 * Runs last: summarizes the distribution each token is drawn from. The streamer pairs it with the chosen
 * token; token texts are decoded once per reply, not per step (ten candidates a token add up).
 */
class StepRecorder extends LogitsProcessor {
  private last: DistributionSummary | null = null;
  private readonly recorded: Omit<TokenStep, 'text' | 'candidates'>[] = [];
  private readonly candidates: DistributionSummary['candidates'][] = [];
  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    this.last = summarize(logits.data as Float32Array, STEP_CANDIDATES);
    return logits;
  }
  /** Records that `id` was chosen from the last distribution. */
  chose(id: number): void {
    this.recorded.push({ id, prob: this.last?.probOf(id) ?? 0, entropyBits: this.last?.entropyBits ?? 0 });
    this.candidates.push(this.last?.candidates ?? []);
  }
  /** Every recorded step, with the texts of its tokens. */
  steps(tokenizer: PreTrainedTokenizer): TokenStep[] {
    const texts = new Map<number, string>();
    const text = (id: number) => {
      let known = texts.get(id);
      if (known === undefined) {
        known = tokenizer.decode([id], { skip_special_tokens: false });
        texts.set(id, known);
      }
      return known;
    };
    return this.recorded.map((step, index) => ({
      ...step,
      text: text(step.id),
      candidates: (this.candidates[index] ?? []).map((candidate) => ({
        ...candidate,
        text: text(candidate.id),
      })),
    }));
  }
}

/** The model's context length as its config states it. */
function contextLengthOf(config: Record<string, unknown>): number {
  for (const key of ['max_position_embeddings', 'n_positions', 'max_sequence_length', 'seq_length']) {
    const value = config[key];
    if (typeof value === 'number' && value > 0) return value;
  }
  return 2048;
}

/** The messages that fit the context (oldest turns dropped first, system prompt kept) and their token ids. */
function fitPrompt(slot: ChatSlot, messages: ChatMessage[], maxNewTokens: number) {
  const contextLength = contextLengthOf(slot.loaded.config);
  const reserve = Math.min(maxNewTokens, Math.floor(contextLength / 2));
  let ids: number[] = [];
  // fitToContext counts the messages it returns last: their ids are the prompt.
  const fitted = fitToContext(messages, (candidate) => (ids = promptIds(slot.tokenizer, candidate)).length, {
    contextLength,
    reserve,
  });
  return {
    ids,
    dropped: fitted.dropped,
    overflows: fitted.overflows,
    contextLength,
    reserve,
  };
}

function renderPrompt(id: RequestId, messages: ChatMessage[], maxNewTokens: number): void {
  if (!chatSlot)
    throw new EngineError('no-model-loaded', 'No chat model is loaded. Pick one in the header first.');
  const { tokenizer } = chatSlot;
  const prompt = fitPrompt(chatSlot, messages, maxNewTokens);
  post({
    type: 'rendered',
    id,
    view: {
      text: tokenizer.decode(prompt.ids, { skip_special_tokens: false }),
      tokens: prompt.ids.map((tokenId) => ({
        id: tokenId,
        text: tokenizer.decode([tokenId], { skip_special_tokens: false }),
      })),
      contextLength: prompt.contextLength,
      reserved: prompt.reserve,
      droppedMessages: prompt.dropped,
      overflows: prompt.overflows,
    },
  });
}

/** transformers.js generation settings for our options; seeds its sampler so a seed repeats a reply. */
function samplingOf(options: GenerationOptions, recorder: StepRecorder | null) {
  random.seed(options.seed);
  const processors = new LogitsProcessorList();
  // After transformers.js' own processors (repetition penalty, temperature): the recorder sees the final logits.
  if (!options.greedy) processors.push(new TopKTopPFilter(options.topK, options.topP));
  if (recorder) processors.push(recorder);
  return {
    do_sample: !options.greedy,
    temperature: options.temperature,
    top_k: options.topK,
    repetition_penalty: options.repetitionPenalty,
    logits_processor: processors,
  };
}

function checkPrefix(prefix: number[], vocabularySize: number): void {
  const bad = prefix.find(
    (tokenId) => !Number.isInteger(tokenId) || tokenId < 0 || tokenId >= vocabularySize,
  );
  if (bad !== undefined) {
    throw new EngineError(
      'bad-request',
      `Token id ${bad} is not in this model's vocabulary (0–${vocabularySize - 1}).`,
    );
  }
}

async function generate(
  id: RequestId,
  messages: ChatMessage[],
  options: GenerationOptions,
  prefix: number[],
  recordSteps: boolean,
): Promise<void> {
  if (!chatSlot)
    throw new EngineError('no-model-loaded', 'No chat model is loaded. Pick one in the header first.');
  const slot = chatSlot;
  const { tokenizer, model, loaded } = slot;
  const started = performance.now();
  const prompt = fitPrompt(slot, messages, options.maxNewTokens);
  if (prompt.overflows) {
    throw new EngineError(
      'bad-request',
      `The newest message and the system prompt alone take ${prompt.ids.length} tokens, more than ${loaded.spec.id} can read (${prompt.contextLength} tokens, ${options.maxNewTokens} kept for the reply). Shorten the message or the system prompt, or lower max new tokens.`,
    );
  }
  checkPrefix(prefix, Number(loaded.config['vocab_size'] ?? Infinity));
  const inputIds = [...prompt.ids, ...prefix];
  const { cache, reused } = await reuseFor(slot.turnCache, inputIds);
  slot.turnCache = null;
  const stopper = new InterruptableStoppingCriteria();
  stoppers.set(id, stopper);
  if (cancelled.has(id)) stopper.interrupt();

  const recorder = recordSteps ? new StepRecorder() : null;
  const tokenIds: number[] = [];
  let text = '';
  let firstTokenAt = 0;
  const streamer = new TokenEventStreamer(tokenizer, prefix, (ids, piece, generated) => {
    if (generated && !firstTokenAt) firstTokenAt = performance.now();
    if (generated) for (const tokenId of ids) recorder?.chose(tokenId);
    tokenIds.push(...ids);
    text += piece;
    post({ type: 'token', id, tokenIds: ids, text: piece });
  });
  try {
    const output = (await model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(inputIds, BigInt), [1, inputIds.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(inputIds.length).fill(1n), [1, inputIds.length]),
      past_key_values: cache,
      return_dict_in_generate: true,
      // A branch's prefix counts against the reply's budget, as it would have when first generated.
      max_new_tokens: Math.max(1, options.maxNewTokens - prefix.length),
      ...samplingOf(options, recorder),
      streamer,
      stopping_criteria: stopper,
    })) as { sequences: Tensor; past_key_values: DynamicCache };
    const sequence = Array.from(output.sequences.data as BigInt64Array, Number);
    if (chatSlot === slot) {
      slot.turnCache = {
        cache: output.past_key_values,
        tokens: sequence.slice(0, output.past_key_values.get_seq_length()),
      };
    } else {
      await output.past_key_values.dispose(); // the model changed while generating
    }
  } catch (error) {
    await cache.dispose();
    throw error;
  } finally {
    stoppers.delete(id);
  }
  const finished = performance.now();
  const firstToken = firstTokenAt || finished;
  const decodeMs = finished - firstToken;
  const computed = inputIds.length - reused;
  const generatedTokens = tokenIds.length - prefix.length;
  post({
    type: 'generated',
    id,
    tokenIds,
    text,
    steps: recorder?.steps(tokenizer) ?? null,
    stopped: stopper.interrupted,
    stats: {
      promptTokens: inputIds.length,
      reusedPromptTokens: reused,
      droppedMessages: prompt.dropped,
      generatedTokens,
      timeToFirstTokenMs: firstToken - started,
      prefillTokensPerSecond: firstToken > started ? (computed * 1000) / (firstToken - started) : 0,
      totalMs: finished - started,
      decodeTokensPerSecond:
        generatedTokens > 1 && decodeMs > 0 ? ((generatedTokens - 1) * 1000) / decodeMs : 0,
      backend: loaded.backend,
      dtype: loaded.spec.dtype,
    },
  });
}

/** Tokenizes a batch and runs the encoder: the model's outputs and the attention mask. */
async function encode(slot: EmbeddingSlot, sentences: string[]) {
  const { tokenizer, model } = slot.extractor;
  const inputs = tokenizer(sentences, { padding: true, truncation: true }) as {
    input_ids: Tensor;
    attention_mask: Tensor;
  };
  const outputs = (await model(inputs)) as Record<string, Tensor | undefined>;
  const hidden = outputs['last_hidden_state'] ?? outputs['token_embeddings'];
  if (!hidden)
    throw new EngineError('unsupported-model', 'This model returns no token vectors (last_hidden_state).');
  const dispose = () => Object.values(outputs).forEach((tensor) => tensor?.dispose());
  return { inputs, outputs, hidden, dispose };
}

async function embed(
  id: RequestId,
  sentences: string[],
  pooling: Pooling,
  normalize: boolean,
  useModelPooling: boolean,
  requestedBatchSize: number | null,
): Promise<void> {
  if (!embeddingSlot) {
    throw new EngineError('no-model-loaded', 'No embedding model is loaded. Pick one in the header first.');
  }
  if (sentences.length === 0) throw new EngineError('bad-request', 'There is no sentence to embed.');
  const slot = embeddingSlot;
  const batchSize = requestedBatchSize ?? EMBED_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new EngineError('bad-request', `The batch size must be a whole number from 1, not ${batchSize}.`);
  let vectors: Float32Array | null = null;
  let dimensions = 0;
  let modelPooled = false;
  const report = throttled((done: number) =>
    post({ type: 'embed-progress', id, done, total: sentences.length }),
  );
  for (let start = 0; start < sentences.length; start += batchSize) {
    await nextTask(); // a batch can finish in microtasks: let a cancel request in between batches
    if (cancelled.has(id)) throw new EngineError('cancelled', 'Embedding was cancelled.');
    const batch = sentences.slice(start, start + batchSize);
    const { inputs, outputs, hidden, dispose } = await encode(slot, batch);
    try {
      const own = useModelPooling ? outputs['sentence_embedding'] : undefined;
      modelPooled = own !== undefined;
      const [, tokens = 0, width = 0] = hidden.dims;
      // Pooled here with the attention mask (transformers.js' last_token pooling would read padding).
      const pooled = own
        ? Float32Array.from(own.data as Float32Array)
        : pool(
            hidden.data as Float32Array,
            inputs.attention_mask.data as BigInt64Array,
            batch.length,
            tokens,
            width,
            pooling,
          );
      dimensions = own ? (own.dims.at(-1) ?? 0) : width;
      if (normalize) normalizeRows(pooled, dimensions);
      vectors ??= new Float32Array(sentences.length * dimensions);
      vectors.set(pooled, start * dimensions);
    } finally {
      dispose();
    }
    report(start + batch.length);
  }
  const result = { vectors: vectors ?? new Float32Array(), dimensions, pooling, normalize, modelPooled };
  post({ type: 'embedded', id, result }, [result.vectors.buffer]);
}

async function embedTokens(id: RequestId, sentence: string): Promise<void> {
  if (!embeddingSlot) {
    throw new EngineError('no-model-loaded', 'No embedding model is loaded. Pick one in the header first.');
  }
  const { tokenizer } = embeddingSlot.extractor;
  const { inputs, hidden, dispose } = await encode(embeddingSlot, [sentence]);
  try {
    const ids = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    const vectors = Float32Array.from(hidden.data as Float32Array);
    const result = {
      tokens: ids.map((tokenId) => ({
        id: tokenId,
        text: tokenizer.decode([tokenId], { skip_special_tokens: false }),
      })),
      vectors,
      dimensions: hidden.dims.at(-1) ?? 0,
    };
    post({ type: 'token-vectors', id, result }, [vectors.buffer]);
  } finally {
    dispose();
  }
}

const tokenizers = new Map<string, Promise<PreTrainedTokenizer>>();

/** The tokenizer of a loaded model, or one read for this (cached; tokenizer files are small). */
function tokenizerFor(host: string, modelId: string): Promise<PreTrainedTokenizer> {
  const matches = (loaded: LoadedModel | undefined) =>
    loaded?.spec.host === host && loaded.spec.id === modelId;
  if (chatSlot && matches(chatSlot.loaded)) return Promise.resolve(chatSlot.tokenizer);
  if (embeddingSlot && matches(embeddingSlot.loaded))
    return Promise.resolve(embeddingSlot.extractor.tokenizer);
  const key = `${host} ${modelId}`;
  let tokenizer = tokenizers.get(key);
  if (!tokenizer) {
    // In the load queue: transformers.js reads the host from a global.
    tokenizer = loadQueue.then(() => {
      env.remoteHost = host.endsWith('/') ? host : `${host}/`;
      return AutoTokenizer.from_pretrained(modelId);
    });
    loadQueue = tokenizer.then(
      () => {},
      () => {},
    );
    tokenizer.catch(() => tokenizers.delete(key));
    tokenizers.set(key, tokenizer);
  }
  return tokenizer;
}

async function tokenize(id: RequestId, host: string, modelId: string, text: string): Promise<void> {
  const tokenizer = await tokenizerFor(host, modelId);
  const ids = (tokenizer.encode(text) as number[]).map(Number);
  post({
    type: 'tokenized',
    id,
    tokens: ids.map((tokenId) => ({
      id: tokenId,
      text: tokenizer.decode([tokenId], { skip_special_tokens: false }),
    })),
  });
}

function context(request: EngineRequest): { modelId?: string; host?: string } {
  if (request.type === 'load') return { modelId: request.spec.id, host: request.spec.host };
  return {};
}

async function handle(request: EngineRequest): Promise<void> {
  switch (request.type) {
    case 'probe':
      post({ type: 'probed', id: request.id, capabilities: await probe() });
      return;
    case 'load': {
      // One load at a time: transformers.js reads its host from a global, and downloads share the disk.
      const queued = loadQueue.then(() => load(request.id, request.spec, request.backend));
      loadQueue = queued.catch(() => {});
      return queued;
    }
    case 'generate':
      return generate(request.id, request.messages, request.options, request.prefix, request.recordSteps);
    case 'embed':
      return embed(
        request.id,
        request.sentences,
        request.pooling,
        request.normalize,
        request.useModelPooling,
        request.batchSize,
      );
    case 'embed-tokens':
      return embedTokens(request.id, request.sentence);
    case 'tokenize':
      return tokenize(request.id, request.host, request.modelId, request.text);
    case 'render':
      return renderPrompt(request.id, request.messages, request.maxNewTokens);
    case 'check':
      post({ type: 'checked', id: request.id, report: await checkRepository(request.host, request.modelId) });
      return;
    case 'import':
      return importFolder(request.id, request.modelId, request.files);
    case 'cancel':
      cancelled.add(request.target);
      stoppers.get(request.target)?.interrupt();
      aborters.get(request.target)?.abort();
      return;
  }
}

self.onmessage = (message: MessageEvent<EngineRequest>) => {
  const request = message.data;
  handle(request)
    .catch((error: unknown) =>
      post({ type: 'error', id: request.id, error: classifyError(error, context(request)).toData() }),
    )
    .finally(() => {
      if (request.type !== 'cancel') cancelled.delete(request.id);
    });
};
