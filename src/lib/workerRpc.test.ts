import { describe, expect, it } from 'vitest';
import { CodedError, type ErrorData } from './errors.ts';
import { WorkerClient, serve, type Handlers, type Method, type ToWorker } from './workerRpc.ts';

type CountApi = {
  count: Method<{ to: number }, number, { at: number }>;
  fail: Method<{ code: string }, never>;
  /** Runs until cancelled, then answers how far it got. */
  wait: Method<null, string>;
  /** Answers with something that cannot be copied back to the page. */
  unsendable: Method<null, { onDone: () => void }>;
};

class TestError extends CodedError<string> {}

const toErrorData = (error: unknown): ErrorData =>
  error instanceof CodedError ? error.toData() : { code: 'internal', message: String(error) };

const codec = {
  fromData: (data: ErrorData) => new TestError(data.code, data.message),
  crashed: (reason: string) => new TestError('worker-crashed', `stopped: ${reason}`),
  isFatal: (error: TestError) => error.code === 'fatal',
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A worker in this process: messages cross on the next task, as between threads. */
function fakeWorker(handlers: Handlers<CountApi>) {
  const port = {
    onmessage: null as ((event: MessageEvent<ToWorker>) => void) | null,
    postMessage(message: unknown) {
      const copy = structuredClone(message); // throws DataCloneError as the worker's postMessage does
      setTimeout(() => worker.onmessage?.({ data: copy } as MessageEvent));
    },
  };
  const worker = {
    onmessage: null as ((event: MessageEvent) => void) | null,
    onerror: null as ((event: ErrorEvent) => void) | null,
    onmessageerror: null as (() => void) | null,
    terminated: false,
    postMessage(message: ToWorker) {
      const copy = structuredClone(message); // throws DataCloneError as the browser's postMessage does
      if (!this.terminated) setTimeout(() => port.onmessage?.({ data: copy } as MessageEvent<ToWorker>));
    },
    terminate() {
      this.terminated = true;
    },
    /** An uncaught error in the worker, as the browser reports it to the page. */
    crash(message: string) {
      this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
    },
  };
  serve<CountApi>(handlers, toErrorData, port);
  return worker;
}

const handlers: Handlers<CountApi> = {
  count({ to }, { progress }) {
    for (let at = 1; at <= to; at++) progress({ at });
    return to;
  },
  fail({ code }) {
    throw new TestError(code, `failed with ${code}`);
  },
  async wait(_request, { signal }) {
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    return 'stopped early';
  },
  unsendable: () => ({ onDone: () => {} }),
};

function client() {
  const spawned: ReturnType<typeof fakeWorker>[] = [];
  const rpc = new WorkerClient<CountApi, TestError>(() => {
    const worker = fakeWorker(handlers);
    spawned.push(worker);
    return worker as unknown as Worker;
  }, codec);
  return { rpc, spawned };
}

describe('WorkerClient and serve', () => {
  it('starts the worker with the first call, not before', async () => {
    const { rpc, spawned } = client();
    expect(spawned).toHaveLength(0);
    await rpc.call('count', { to: 1 }).done;
    await rpc.call('count', { to: 1 }).done;
    expect(spawned).toHaveLength(1);
  });

  it('answers a call with its result after its progress, in order', async () => {
    const { rpc } = client();
    const seen: number[] = [];
    await expect(rpc.call('count', { to: 3 }, ({ at }) => seen.push(at)).done).resolves.toBe(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rebuilds a handler’s error on the page with its code and sentence', async () => {
    const { rpc } = client();
    const error = await rpc.call('fail', { code: 'bad-request' }).done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TestError);
    expect(error).toMatchObject({ code: 'bad-request', message: 'failed with bad-request' });
  });

  it('cancel aborts the call’s signal in the worker; the call still answers once', async () => {
    const { rpc } = client();
    const running = rpc.call('wait', null);
    await tick();
    running.cancel();
    await expect(running.done).resolves.toBe('stopped early');
  });

  it('a worker that dies rejects every call in flight with a coded error and is replaced', async () => {
    const { rpc, spawned } = client();
    const crashes: TestError[] = [];
    rpc.onCrash((error) => crashes.push(error));
    const first = rpc.call('wait', null);
    const second = rpc.call('wait', null);
    await tick();
    spawned[0]?.crash('Uncaught RangeError: out of memory');
    await expect(first.done).rejects.toMatchObject({
      code: 'worker-crashed',
      message: 'stopped: out of memory',
    });
    await expect(second.done).rejects.toMatchObject({ code: 'worker-crashed' });
    expect(crashes.map((error) => error.code)).toEqual(['worker-crashed']);
    expect(spawned[0]?.terminated).toBe(true);
    await expect(rpc.call('count', { to: 2 }).done).resolves.toBe(2);
    expect(spawned).toHaveLength(2);
  });

  it('replaces the worker after an error the area calls fatal; the other calls in flight end as a crash', async () => {
    const { rpc, spawned } = client();
    const other = rpc.call('wait', null);
    await expect(rpc.call('fail', { code: 'fatal' }).done).rejects.toMatchObject({ code: 'fatal' });
    await expect(other.done).rejects.toMatchObject({ code: 'worker-crashed' });
    expect(spawned[0]?.terminated).toBe(true);
    await rpc.call('count', { to: 1 }).done;
    expect(spawned).toHaveLength(2);
  });

  it('a request that cannot be copied to the worker fails at once instead of never answering', async () => {
    const { rpc } = client();
    const uncopyable = { to: 1, onDone: () => {} } as unknown as { to: number };
    await expect(rpc.call('count', uncopyable).done).rejects.toMatchObject({ name: 'DataCloneError' });
    await expect(rpc.call('count', { to: 2 }).done).resolves.toBe(2);
  });

  it('a result that cannot be copied back answers as an error instead of never', async () => {
    const { rpc } = client();
    await expect(rpc.call('unsendable', null).done).rejects.toMatchObject({ code: 'internal' });
  });

  it('stop ends the worker and rejects the calls in flight with the reason given', async () => {
    const { rpc, spawned } = client();
    const running = rpc.call('wait', null);
    rpc.stop(new TestError('cancelled', 'shut down'));
    await expect(running.done).rejects.toMatchObject({ code: 'cancelled', message: 'shut down' });
    expect(spawned[0]?.terminated).toBe(true);
  });
});
