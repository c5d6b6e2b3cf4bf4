import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { splitDetail } from '../lib/errors.ts';
import { BlockBuffer, downloadToStore, type DownloadStore, type PartialWrite } from './download.ts';
import { HubError } from './errors.ts';

/** An in-memory store with the OPFS store's contract: bytes appended to a partial, then committed or discarded. */
function memoryStore(initialPartial = new Uint8Array()) {
  let partial = initialPartial;
  const committed = new Map<string, { bytes: Uint8Array; sha256: string | null }>();
  const store: DownloadStore = {
    async partial(_host, _id, path): Promise<PartialWrite> {
      return {
        existing: async () => new Blob([partial]),
        writer: async (keepExisting) => {
          if (!keepExisting) partial = new Uint8Array();
          return {
            write: async (chunk) => {
              const grown = new Uint8Array(partial.length + chunk.length);
              grown.set(partial);
              grown.set(chunk, partial.length);
              partial = grown;
            },
            close: async () => {},
          };
        },
        commit: async (size, digest) => {
          expect(size).toBe(partial.length);
          committed.set(path, { bytes: partial, sha256: digest });
        },
        discard: async () => {
          partial = new Uint8Array();
        },
      };
    },
  };
  return { store, committed, partialBytes: () => partial };
}

// Starts with 0x08, as every ONNX file does (the content check reads it).
const FILE = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 7919 + 8) % 251);
const FILE_SHA = createHash('sha256').update(FILE).digest('hex');

/** A body that delivers `bytes` in chunks, then fails like a dropped connection when `cutAfter` is set. */
function body(bytes: Uint8Array, cutAfter?: number): ReadableStream<Uint8Array> {
  const end = cutAfter ?? bytes.length;
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= end) {
        if (cutAfter === undefined) controller.close();
        else controller.error(new TypeError('network error'));
        return;
      }
      controller.enqueue(bytes.slice(offset, Math.min(end, offset + 8192)));
      offset += 8192;
    },
  });
}

interface Served {
  range: string | null;
}

/** A fake host: answers each request with the next scripted behaviour, honouring Range. */
function host(script: ((range: number) => Response)[]) {
  const served: Served[] = [];
  const fetchImpl = (async (_url: RequestInfo | URL, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('range');
    served.push({ range });
    const next = script.shift();
    if (!next) throw new Error('no more scripted responses');
    return next(Number(/bytes=(\d+)-/.exec(range ?? '')?.[1] ?? 0));
  }) as typeof fetch;
  return { fetchImpl, served };
}

const full =
  (headers: Record<string, string> = {}) =>
  () =>
    new Response(body(FILE), { status: 200, headers: { 'content-length': String(FILE.length), ...headers } });
const partialFrom = (from: number) =>
  new Response(body(FILE.slice(from)), {
    status: 206,
    headers: {
      'content-range': `bytes ${from}-${FILE.length - 1}/${FILE.length}`,
      'content-length': String(FILE.length - from),
    },
  });

const target = {
  host: 'http://mirror',
  id: 'org/m',
  path: 'onnx/model.onnx',
};
const options = (fetchImpl: typeof fetch) => ({
  signal: new AbortController().signal,
  onProgress: () => {},
  fetch: fetchImpl,
  backoffMs: 1,
});

describe('downloadToStore', () => {
  it('stores a file whose size and sha256 match what the host announced', async () => {
    const { store, committed } = memoryStore();
    const { fetchImpl } = host([full({ 'x-linked-etag': `"${FILE_SHA}"` })]);
    await expect(downloadToStore(store, target, options(fetchImpl))).resolves.toBe('stored');
    expect(committed.get('onnx/model.onnx')).toEqual({ bytes: FILE, sha256: FILE_SHA });
  });

  it('resumes a dropped connection with a Range request from the bytes already received', async () => {
    const { store, committed } = memoryStore();
    const { fetchImpl, served } = host([
      () =>
        new Response(body(FILE, 16_384), { status: 200, headers: { 'content-length': String(FILE.length) } }),
      (from) => partialFrom(from),
    ]);
    const progress: number[] = [];
    await downloadToStore(
      store,
      { ...target, expectedSha256: FILE_SHA },
      {
        ...options(fetchImpl),
        onProgress: (p) => progress.push(p.resumes),
      },
    );
    expect(served.map((request) => request.range)).toEqual([null, 'bytes=16384-']);
    expect(committed.get('onnx/model.onnx')?.bytes).toEqual(FILE);
    expect(progress.at(-1)).toBe(1);
  });

  it('resumes a partial file left by an earlier session, hashing its bytes first', async () => {
    const { store, committed } = memoryStore(FILE.slice(0, 30_000));
    const { fetchImpl, served } = host([(from) => partialFrom(from)]);
    await downloadToStore(store, { ...target, expectedSha256: FILE_SHA }, options(fetchImpl));
    expect(served[0]?.range).toBe('bytes=30000-');
    expect(committed.get('onnx/model.onnx')?.sha256).toBe(FILE_SHA);
  });

  it('retries server errors with backoff, then succeeds', async () => {
    const { store, committed } = memoryStore();
    const { fetchImpl, served } = host([
      () => new Response('busy', { status: 503 }),
      () => new Response('busy', { status: 502 }),
      full(),
    ]);
    await downloadToStore(store, target, options(fetchImpl));
    expect(served).toHaveLength(3);
    expect(committed.has('onnx/model.onnx')).toBe(true);
  });

  it('gives up with a clear error after too many failures', async () => {
    const { store } = memoryStore();
    const { fetchImpl } = host(Array.from({ length: 3 }, () => () => new Response('', { status: 500 })));
    await expect(
      downloadToStore(store, target, { ...options(fetchImpl), maxAttempts: 3 }),
    ).rejects.toMatchObject({
      code: 'network',
      message: expect.stringContaining('failed 3 times'),
    });
  });

  it('says a host that never answers cannot be reached, with the browser’s words and the attempts as details', async () => {
    const { store } = memoryStore();
    const refused = () => {
      throw new TypeError('Failed to fetch');
    };
    const { fetchImpl } = host([refused, refused, refused]);
    const failure: unknown = await downloadToStore(store, target, {
      ...options(fetchImpl),
      maxAttempts: 3,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HubError);
    expect(failure).toMatchObject({ code: 'network' });
    const { sentence, details } = splitDetail((failure as HubError).message);
    expect(sentence).toMatch(/^Could not reach http:\/\/mirror: the network or the host is down/);
    expect(sentence).not.toContain('Failed to fetch');
    expect(details).toEqual(['Failed to fetch', 'downloading onnx/model.onnx failed 3 times']);
  });

  it('rejects and discards a file whose bytes do not match the announced sha256', async () => {
    const { store, committed, partialBytes } = memoryStore();
    const damaged = FILE.slice();
    damaged[100] = (damaged[100] ?? 0) ^ 0xff;
    const { fetchImpl } = host([
      () => new Response(body(damaged), { headers: { 'x-linked-etag': `"${FILE_SHA}"` } }),
    ]);
    await expect(downloadToStore(store, target, options(fetchImpl))).rejects.toMatchObject({
      code: 'corrupt-file',
      message: expect.stringContaining('sha256'),
    });
    expect(committed.size).toBe(0);
    expect(partialBytes()).toHaveLength(0);
  });

  it('rejects a file shorter than the size the host listed', async () => {
    const { store, committed } = memoryStore();
    const { fetchImpl } = host([() => new Response(body(FILE.slice(0, 1000)))]);
    await expect(
      downloadToStore(store, { ...target, expectedSize: FILE.length }, options(fetchImpl)),
    ).rejects.toMatchObject({ code: 'corrupt-file', message: expect.stringContaining('1000 bytes') });
    expect(committed.size).toBe(0);
  });

  it('stops on cancel and keeps the bytes received, so the next download resumes from them', async () => {
    const { store, committed, partialBytes } = memoryStore();
    const controller = new AbortController();
    const { fetchImpl } = host([full()]);
    const cancelled = downloadToStore(store, target, {
      ...options(fetchImpl),
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.loaded >= 16_384) controller.abort(new DOMException('cancelled', 'AbortError'));
      },
    });
    await expect(cancelled).rejects.toThrow('cancelled');
    expect(committed.size).toBe(0);
    const kept = partialBytes().length;
    expect(kept).toBeGreaterThanOrEqual(16_384);

    const { fetchImpl: again, served } = host([(from) => partialFrom(from)]);
    await downloadToStore(store, { ...target, expectedSha256: FILE_SHA }, options(again));
    expect(served[0]?.range).toBe(`bytes=${kept}-`);
    expect(committed.get('onnx/model.onnx')?.bytes).toEqual(FILE);
  });

  it('does not retry a failed write to the store: it fails with the storage error', async () => {
    const { store } = memoryStore();
    const failing: DownloadStore = {
      partial: async (...args) => {
        const partial = await store.partial(...args);
        return {
          ...partial,
          writer: async () => ({
            write: () => Promise.reject(new DOMException('The quota was exceeded.', 'QuotaExceededError')),
            close: async () => {},
          }),
        };
      },
    };
    const { fetchImpl, served } = host([full({}), full({})]);
    await expect(downloadToStore(failing, target, options(fetchImpl))).rejects.toMatchObject({
      code: 'insufficient-storage',
      message: expect.stringContaining('Delete stored models on the Storage page'),
    });
    expect(served).toHaveLength(1);
  });

  it('verifies the partial bytes when the host answers 416 because they already reach the end', async () => {
    const { store, committed } = memoryStore(FILE.slice());
    const { fetchImpl, served } = host([() => new Response('', { status: 416 })]);
    await downloadToStore(
      store,
      { ...target, expectedSize: FILE.length, expectedSha256: FILE_SHA },
      options(fetchImpl),
    );
    expect(served.map((request) => request.range)).toEqual([`bytes=${FILE.length}-`]);
    expect(committed.get('onnx/model.onnx')?.sha256).toBe(FILE_SHA);
  });

  it('starts the file again when the host answers 416 to partial bytes it cannot continue', async () => {
    const { store, committed } = memoryStore(FILE.slice(0, 30_000));
    const { fetchImpl, served } = host([() => new Response('', { status: 416 }), full()]);
    await downloadToStore(store, target, options(fetchImpl));
    expect(served.map((request) => request.range)).toEqual(['bytes=30000-', null]);
    expect(committed.get('onnx/model.onnx')?.bytes).toEqual(FILE);
  });

  it('drops a connection that stalls and resumes after the bytes received', async () => {
    const { store, committed } = memoryStore();
    let sent = false;
    const stalling = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) controller.enqueue(FILE.slice(0, 8192));
        sent = true; // then nothing more, ever
      },
    });
    const { fetchImpl, served } = host([
      () => new Response(stalling, { headers: { 'content-length': String(FILE.length) } }),
      (from) => partialFrom(from),
    ]);
    await downloadToStore(
      store,
      { ...target, expectedSha256: FILE_SHA },
      { ...options(fetchImpl), stallMs: 50 },
    );
    expect(served.map((request) => request.range)).toEqual([null, 'bytes=8192-']);
    expect(committed.get('onnx/model.onnx')?.bytes).toEqual(FILE);
  });

  it('keeps going while every attempt makes progress, however often the connection drops', async () => {
    const { store, committed } = memoryStore();
    const dropsEvery = (from: number) =>
      new Response(body(FILE.slice(from), 8192), {
        status: from === 0 ? 200 : 206,
        headers: { 'content-range': `bytes ${from}-${FILE.length - 1}/${FILE.length}` },
      });
    const drops = Math.ceil(FILE.length / 8192);
    const { fetchImpl } = host([
      ...Array.from({ length: drops }, () => dropsEvery),
      (from: number) => partialFrom(from),
    ]);
    await downloadToStore(
      store,
      { ...target, expectedSha256: FILE_SHA },
      { ...options(fetchImpl), maxAttempts: 3 },
    );
    expect(committed.get('onnx/model.onnx')?.bytes).toEqual(FILE);
  });

  it.each([
    ['config.json', '<!doctype html><title>Page not found</title>', 'it is an HTML page'],
    ['tokenizer.json', '{"model": {"vocab"', 'it is not valid JSON'],
  ])('refuses %s that is not what its name says, and keeps nothing', async (path, text, problem) => {
    const { store, committed, partialBytes } = memoryStore();
    const { fetchImpl } = host([() => new Response(text)]);
    await expect(downloadToStore(store, { ...target, path }, options(fetchImpl))).rejects.toMatchObject({
      code: 'corrupt-file',
      message: expect.stringContaining(problem),
    });
    expect(committed.size).toBe(0);
    expect(partialBytes()).toHaveLength(0);
  });

  it('answers absent for a file the host does not have', async () => {
    const { store, committed } = memoryStore();
    const { fetchImpl } = host([() => new Response('', { status: 404 })]);
    await expect(downloadToStore(store, target, options(fetchImpl))).resolves.toBe('absent');
    expect(committed.size).toBe(0);
  });
});

describe('BlockBuffer', () => {
  it('collects chunks into one block once it is full, in order', () => {
    const block = new BlockBuffer(4);
    expect(block.add(Uint8Array.of(1, 2))).toBe(false);
    expect(block.add(Uint8Array.of(3, 4, 5))).toBe(true);
    expect(block.take()).toEqual(Uint8Array.of(1, 2, 3, 4, 5));
    expect(block.size).toBe(0);
    expect(block.take()).toBeNull();
  });
});
