/**
 * The one way the page talks to a worker: typed calls that stream progress and can be cancelled, errors
 * that cross as data with their codes, and a crashed worker replaced instead of leaving calls hanging.
 *
 * An API is a record of methods, each with one request, one result and (optionally) progress events:
 *
 *   // shared:  interface CountApi { count: Method<{ to: number }, number, { at: number }> }
 *   // worker:  serve<CountApi>({ count: async ({ to }, { progress, signal }) => { …; return to; } }, toErrorData);
 *   // page:    const counter = new WorkerClient<CountApi, MyError>(() => new Worker(url), errors);
 *   //          const running = counter.call('count', { to: 3 }, (p) => console.log(p.at));
 *   //          running.cancel(); await running.done; // → 3, or a MyError coded 'cancelled'
 *
 * Cancel has one meaning: it aborts the call's `signal` in the worker, which stops the work as soon as it
 * can. The call still ends with one answer: an error coded 'cancelled', or a result made of what was done
 * (a reply stopped mid-way is still a reply).
 *
 * A worker that dies (an uncaught error, a script that fails to load, a message that cannot be read)
 * rejects every call in flight with an error coded 'worker-crashed' and is terminated; the next call starts
 * a fresh one.
 *
 * No app knowledge here: each area brings its error class through `ErrorCodec`.
 */
import type { ErrorData } from './errors.ts';

/** One method of a worker API: what it takes, what it answers, and what it reports meanwhile. */
export interface Method<Request, Result, Progress = never> {
  request: Request;
  result: Result;
  progress: Progress;
}

// `any` is confined to this constraint: it lets each API keep its own precise method types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Api = { [name: string]: Method<any, any, any> };

type Call = { kind: 'call'; id: number; method: string; request: unknown };
type Cancel = { kind: 'cancel'; id: number };
export type ToWorker = Call | Cancel;
export type FromWorker =
  | { kind: 'progress'; id: number; progress: unknown }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: ErrorData };

/** A result to send with its buffers transferred rather than copied. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly transfer: Transferable[],
  ) {}
}

export interface CallContext<Progress> {
  /** Aborted when the page cancels this call. */
  signal: AbortSignal;
  progress(event: Progress, transfer?: Transferable[]): void;
}

export type Handlers<A extends Api> = {
  [K in keyof A]: (
    request: A[K]['request'],
    context: CallContext<A[K]['progress']>,
  ) => Promise<A[K]['result'] | Transfer<A[K]['result']>> | A[K]['result'] | Transfer<A[K]['result']>;
};

interface Port {
  postMessage(message: FromWorker, options?: { transfer?: Transferable[] }): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

/**
 * Answers the page's calls with `handlers` (in a worker). `toErrorData` turns whatever a handler threw into
 * the area's coded error data.
 */
export function serve<A extends Api>(
  handlers: Handlers<A>,
  toErrorData: (error: unknown) => ErrorData,
  port: Port = self as unknown as Port,
): void {
  const running = new Map<number, AbortController>();
  port.onmessage = ({ data: message }) => {
    if (message.kind === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    const { id, method } = message;
    const handler = handlers[method as keyof A];
    const controller = new AbortController();
    running.set(id, controller);
    const context: CallContext<unknown> = {
      signal: controller.signal,
      progress: (progress, transfer = []) =>
        port.postMessage({ kind: 'progress', id, progress }, { transfer }),
    };
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`This worker has no method "${method}".`);
        return handler(message.request, context);
      })
      .then((answer) => {
        const [result, transfer] =
          answer instanceof Transfer ? [answer.value, answer.transfer] : [answer, []];
        port.postMessage({ kind: 'result', id, result }, { transfer });
      })
      // A handler's failure, or a result that cannot be sent back, answers as a coded error.
      .catch((error: unknown) => port.postMessage({ kind: 'error', id, error: toErrorData(error) }))
      .finally(() => running.delete(id));
  };
}

/** A call in flight. */
export interface Running<T> {
  done: Promise<T>;
  cancel(): void;
}

/** How an area's errors cross the boundary, and which ones leave its worker unusable. */
export interface ErrorCodec<E extends Error> {
  fromData(data: ErrorData): E;
  /** The error every call in flight rejects with when the worker dies. */
  crashed(reason: string): E;
  /** Errors after which the worker is replaced (a runtime that failed to start fails forever there). */
  isFatal?(error: E): boolean;
}

interface Pending {
  onMessage(message: FromWorker): void;
  reject(error: Error): void;
}

/** The page's handle on a worker: started on the first call, replaced after a crash. */
export class WorkerClient<A extends Api, E extends Error> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly crashListeners = new Set<(error: E) => void>();

  constructor(
    private readonly spawn: () => Worker,
    private readonly errors: ErrorCodec<E>,
  ) {}

  call<K extends keyof A & string>(
    method: K,
    request: A[K]['request'],
    onProgress: (progress: A[K]['progress']) => void = () => {},
    transfer: Transferable[] = [],
  ): Running<A[K]['result']> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    const done = new Promise<A[K]['result']>((resolve, reject) => {
      this.pending.set(id, {
        reject,
        onMessage: (message) => {
          if (message.kind === 'progress') return onProgress(message.progress as A[K]['progress']);
          this.pending.delete(id);
          if (message.kind === 'result') return resolve(message.result as A[K]['result']);
          const error = this.errors.fromData(message.error);
          reject(error);
          // The other calls in flight were on a worker that can do nothing more: they end as a crash.
          if (this.errors.isFatal?.(error)) this.crash(error, this.errors.crashed(error.message));
        },
      });
    });
    try {
      worker.postMessage({ kind: 'call', id, method, request } satisfies ToWorker, { transfer });
    } catch (error) {
      // A request that cannot be copied to the worker (a DataCloneError) fails here, not never.
      this.pending.get(id)?.reject(error instanceof Error ? error : new Error(String(error)));
      this.pending.delete(id);
    }
    return {
      done,
      cancel: () => {
        if (this.pending.has(id) && this.worker === worker)
          worker.postMessage({ kind: 'cancel', id } satisfies ToWorker);
      },
    };
  }

  /** Called after the worker died: every call in flight has been rejected; the next call starts a new one. */
  onCrash(listener: (error: E) => void): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** Ends the worker, rejecting the calls in flight with `reason`; the next call starts a fresh one. */
  stop(reason: E): void {
    this.worker?.terminate();
    this.worker = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const call of pending) call.reject(reason);
  }

  /** Replaces the worker: the calls in flight reject with `inFlight`, the listeners hear `error`. */
  private crash(error: E, inFlight: E = error): void {
    this.stop(inFlight);
    for (const listener of this.crashListeners) listener(error);
  }

  private start(): Worker {
    const worker = this.spawn();
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => this.pending.get(data.id)?.onMessage(data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      // The browser reports "Uncaught Error: …": the words after the class name are what happened.
      const reason = (event.message || '').replace(/^Uncaught\s+(\w*Error:\s*)?/, '') || 'no message';
      if (this.worker === worker) this.crash(this.errors.crashed(reason));
    };
    worker.onmessageerror = () => {
      if (this.worker === worker) this.crash(this.errors.crashed('a message could not be read'));
    };
    return worker;
  }
}
