/**
 * The page's handle on the inference worker: the engine's methods as typed calls (lib/workerRpc.ts). A
 * worker that crashed (WASM abort, lost GPU device) is replaced, so the app stays usable; the worker
 * starts with the first call.
 *
 *   const engine = new EngineClient();
 *   const model = await engine.load(spec, 'auto', (p) => console.log(p.loaded, p.total)).done;
 *   const reply = engine.generate(messages, options, (t) => console.log(t.text));
 *   await reply.done; // { tokenIds, text, stats, stopped }
 */
import type { BackendChoice, ModelSpec, Pooling } from '../core/model.ts';
import type { LoadProgress } from '../core/model.ts';
import { WorkerClient, type Running } from '../lib/workerRpc.ts';
import { EngineError } from './errors.ts';
import type {
  BackendCapabilities,
  ChatMessage,
  EmbeddingResult,
  EngineApi,
  GeneratedReply,
  GenerationOptions,
  ImportedFile,
  ImportedModel,
  InsideRequest,
  InsideView,
  LoadedModel,
  PromptView,
  RepositoryReport,
  TokenEvent,
  TokenText,
  TokenVectors,
} from './protocol.ts';

export class EngineClient {
  private readonly worker: WorkerClient<EngineApi, EngineError>;

  constructor(spawn: () => Worker = engineWorker()) {
    this.worker = new WorkerClient(spawn, {
      fromData: EngineError.fromData,
      crashed: (reason) =>
        new EngineError(
          'worker-crashed',
          `The inference engine stopped (${reason}). It was restarted; your conversations are safe.`,
        ),
      isFatal: (error) => error.fatal,
    });
  }

  /** Called when the worker died: every call in flight has been rejected, and the next call starts a new one. */
  onCrash(listener: (error: EngineError) => void): () => void {
    return this.worker.onCrash(listener);
  }

  probe(): Promise<BackendCapabilities> {
    return this.worker.call('probe', null).done;
  }

  /** Downloads what is missing into the device's store, then loads; cancelling keeps the bytes received. */
  load(
    spec: ModelSpec,
    backend: BackendChoice,
    onProgress: (progress: LoadProgress) => void,
  ): Running<LoadedModel> {
    return this.worker.call('load', { spec, backend }, onProgress);
  }

  /** The exact prompt (text, tokens, context budget) that generating a reply to `messages` would send. */
  renderPrompt(messages: ChatMessage[], maxNewTokens: number): Promise<PromptView> {
    return this.worker.call('render', { messages, maxNewTokens }).done;
  }

  /** What a repository offers (files, dtypes, sizes, whether it can run), before downloading anything. */
  checkRepository(host: string, modelId: string): Promise<RepositoryReport> {
    return this.worker.call('check', { host, modelId }).done;
  }

  /** Copies a model folder picked from disk into the store; answers where it now lives. */
  importFolder(modelId: string, files: ImportedFile[]): Promise<ImportedModel> {
    return this.worker.call('importFolder', { modelId, files }).done;
  }

  /** Streams a reply to `messages`; `prefix` continues a branch, `recordSteps` records token probabilities. */
  generate(
    messages: ChatMessage[],
    options: GenerationOptions,
    onToken: (token: TokenEvent) => void,
    { prefix = [], recordSteps = false }: { prefix?: number[]; recordSteps?: boolean } = {},
  ): Running<GeneratedReply> {
    return this.worker.call('generate', { messages, options, prefix, recordSteps }, onToken);
  }

  embed(
    sentences: string[],
    {
      pooling,
      normalize,
      useModelPooling,
      batchSize = null,
    }: { pooling: Pooling; normalize: boolean; useModelPooling: boolean; batchSize?: number | null },
    onProgress: (done: number, total: number) => void,
  ): Running<EmbeddingResult> {
    return this.worker.call(
      'embed',
      { sentences, pooling, normalize, useModelPooling, batchSize },
      ({ done, total }) => onProgress(done, total),
    );
  }

  /** The tokens a model's tokenizer makes of `text`; the model need not be loaded. */
  tokenize(host: string, modelId: string, text: string): Promise<TokenText[]> {
    return this.worker.call('tokenize', { host, modelId, text }).done;
  }

  /** A sentence's token vectors before pooling. */
  embedTokens(sentence: string): Promise<TokenVectors> {
    return this.worker.call('embedTokens', { sentence }).done;
  }

  /** The layers of the chat model at work on a reply: logit lens, attention and activations. */
  lookInside(request: InsideRequest): Running<InsideView> {
    return this.worker.call('lookInside', request);
  }

  /** Ends the worker for good (the benchmark measures each configuration in a fresh one). */
  terminate(): void {
    this.worker.stop(new EngineError('cancelled', 'The engine was shut down.'));
  }
}

/**
 * Starts inference workers. `wasmThreads` pins the WASM thread count (the benchmark compares 1 with all);
 * it travels in the worker's name because ONNX Runtime reads it once, before the first session.
 */
export function engineWorker({ wasmThreads }: { wasmThreads?: number } = {}): () => Worker {
  const name = wasmThreads ? `glassbox-engine threads=${wasmThreads}` : 'glassbox-engine';
  return () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
}
