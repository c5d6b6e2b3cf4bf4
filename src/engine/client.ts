/**
 * The UI thread's handle on the inference worker: pairs requests with their events, rebuilds errors,
 * and replaces a worker that crashed (WASM abort, lost GPU device) so the app stays usable.
 *
 *   const engine = new EngineClient();
 *   const model = await engine.load(spec, 'auto', (p) => console.log(p.loaded, p.total));
 *   const reply = engine.generate(messages, { maxNewTokens: 64 }, (t) => console.log(t.text));
 *   await reply.done; // { tokenIds, text, stats, stopped }
 */
import { EngineError } from './errors.ts';
import type {
  BackendCapabilities,
  BackendChoice,
  ChatMessage,
  EmbeddingResult,
  EngineEvent,
  EngineRequest,
  GenerationOptions,
  ImportedFile,
  LoadedModel,
  ModelSpec,
  Pooling,
  PromptView,
  RepositoryReport,
  RequestId,
  TokenVectors,
} from './protocol.ts';

type EventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
type Generated = EventOf<'generated'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Errors after which the worker's runtime is unusable (a failed WASM start fails forever in that worker). */
const FATAL_CODES = new Set<EngineError['code']>(['wasm-init-failed', 'gpu-device-lost']);

interface Pending {
  onEvent(event: EngineEvent): void;
  reject(error: EngineError): void;
}

/** A request in flight that the user can stop. */
export interface Running<T> {
  id: RequestId;
  done: Promise<T>;
  cancel(): void;
}

export class EngineClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly crashListeners = new Set<(error: EngineError) => void>();

  constructor(private readonly createWorker: () => Worker = engineWorker()) {
    this.worker = this.spawn();
  }

  /** Called when the worker died; every request in flight has been rejected and a new worker started. */
  onCrash(listener: (error: EngineError) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  probe(): Promise<BackendCapabilities> {
    return this.call({ type: 'probe' }, 'probed').then((event) => event.capabilities);
  }

  /** Downloads what is missing into the device's store, then loads; cancelling keeps the bytes received. */
  load(
    spec: ModelSpec,
    backend: BackendChoice,
    onProgress: (progress: EventOf<'load-progress'>) => void,
  ): Running<LoadedModel> {
    const running = this.cancellable({ type: 'load', spec, backend }, 'loaded', (event) => {
      if (event.type === 'load-progress') onProgress(event);
    });
    return { ...running, done: running.done.then((event) => event.model) };
  }

  /** The exact prompt (text, tokens, context budget) that generating a reply to `messages` would send. */
  renderPrompt(messages: ChatMessage[], maxNewTokens: number): Promise<PromptView> {
    return this.call({ type: 'render', messages, maxNewTokens }, 'rendered').then((event) => event.view);
  }

  /** What a repository offers (files, dtypes, sizes, whether it can run), before downloading anything. */
  checkRepository(host: string, modelId: string): Promise<RepositoryReport> {
    return this.call({ type: 'check', host, modelId }, 'checked').then((event) => event.report);
  }

  /** Copies a model folder picked from disk into the store; answers where it now lives. */
  importFolder(modelId: string, files: ImportedFile[]): Promise<EventOf<'imported'>> {
    return this.call({ type: 'import', modelId, files }, 'imported');
  }

  /** Streams a reply to `messages`; `prefix` continues a branch, `recordSteps` records token probabilities. */
  generate(
    messages: ChatMessage[],
    options: GenerationOptions,
    onToken: (token: EventOf<'token'>) => void,
    { prefix = [], recordSteps = false }: { prefix?: number[]; recordSteps?: boolean } = {},
  ): Running<Generated> {
    return this.cancellable(
      { type: 'generate', messages, options, prefix, recordSteps },
      'generated',
      (event) => {
        if (event.type === 'token') onToken(event);
      },
    );
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
    const running = this.cancellable(
      { type: 'embed', sentences, pooling, normalize, useModelPooling, batchSize },
      'embedded',
      (event) => {
        if (event.type === 'embed-progress') onProgress(event.done, event.total);
      },
    );
    return { ...running, done: running.done.then((event) => event.result) };
  }

  /** The tokens a model's tokenizer makes of `text`; the model need not be loaded. */
  tokenize(host: string, modelId: string, text: string): Promise<{ id: number; text: string }[]> {
    return this.call({ type: 'tokenize', host, modelId, text }, 'tokenized').then((event) => event.tokens);
  }

  /** A sentence's token vectors before pooling. */
  embedTokens(sentence: string): Promise<TokenVectors> {
    return this.call({ type: 'embed-tokens', sentence }, 'token-vectors').then((event) => event.result);
  }

  /** Ends the worker and starts a fresh one, e.g. to change the WASM thread count or after a fatal error. */
  restart(reason: EngineError): void {
    this.stop(reason);
    this.worker = this.spawn();
  }

  /** Ends the worker for good (the benchmark measures each configuration in a fresh one). */
  terminate(): void {
    this.stop(new EngineError('cancelled', 'The engine was shut down.'));
  }

  private stop(reason: EngineError): void {
    this.worker.terminate();
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
  }

  private cancellable<T extends EngineEvent['type']>(
    request: DistributiveOmit<EngineRequest, 'id'>,
    terminal: T,
    onEvent: (event: EngineEvent) => void,
  ): Running<EventOf<T>> {
    const id = this.nextId;
    const done = this.call(request, terminal, onEvent);
    return {
      id,
      done,
      cancel: () => this.worker.postMessage({ type: 'cancel', id: this.nextId++, target: id }),
    };
  }

  private call<T extends EngineEvent['type']>(
    request: DistributiveOmit<EngineRequest, 'id'>,
    terminal: T,
    onEvent: (event: EngineEvent) => void = () => {},
  ): Promise<EventOf<T>> {
    const id = this.nextId++;
    return new Promise<EventOf<T>>((resolve, reject) => {
      this.pending.set(id, {
        reject,
        onEvent: (event) => {
          if (event.type === 'error') {
            this.pending.delete(id);
            const error = EngineError.fromData(event.error);
            reject(error);
            if (FATAL_CODES.has(error.code)) this.replaceWorker(error);
          } else if (event.type === terminal) {
            this.pending.delete(id);
            resolve(event as EventOf<T>);
          } else {
            onEvent(event);
          }
        },
      });
      this.worker.postMessage({ ...request, id } as EngineRequest);
    });
  }

  private spawn(): Worker {
    const worker = this.createWorker();
    worker.onmessage = (message: MessageEvent<EngineEvent>) =>
      this.pending.get(message.data.id)?.onEvent(message.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.replaceWorker(
        new EngineError(
          'worker-crashed',
          `The inference engine stopped (${event.message || 'no message'}). It was restarted; your conversations are safe.`,
        ),
      );
    };
    return worker;
  }

  private replaceWorker(error: EngineError): void {
    this.restart(error);
    for (const listener of this.crashListeners) listener(error);
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
