/**
 * Downloads one model file into the model store, surviving faults:
 * - a dropped connection resumes where it stopped with a Range request (also after a reload: the
 *   `.partial` bytes stay in the store and are re-hashed before appending);
 * - 5xx and 429 answers are retried with exponential backoff; an attempt that made progress does not
 *   count against the limit, so a connection that keeps dropping still gets there;
 * - a connection on which nothing arrives for `DOWNLOAD_STALL_MS` is dropped and resumed;
 * - a 416 (the partial bytes already reach the end, or the host cannot serve that range) verifies what
 *   is there, or starts the file again;
 * - the finished file is checked against its expected size and sha256 (from the Hub's tree listing,
 *   or its `X-Linked-ETag` header), and its content against its name (contentCheck.ts: no HTML page
 *   stored as config.json), before it counts as stored; a file that fails is deleted.
 *
 *   await downloadToStore(store, { host, id, path: 'onnx/model.onnx', expectedSize: 541_000_000 },
 *     { signal, onProgress: (p) => console.log(p.loaded, p.total, p.bytesPerSecond) });
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import {
  DOWNLOAD_ATTEMPTS,
  DOWNLOAD_BACKOFF_MS,
  DOWNLOAD_STALL_MS,
  WRITE_BLOCK_BYTES,
} from '../core/settings.ts';
import { withDetail } from '../lib/errors.ts';
import { contentProblem } from './contentCheck.ts';
import { HubError } from './errors.ts';
import { ModelHost, announcedSha256, announcedSize } from './host.ts';

/** What a download needs of the store (the OPFS `ModelStore` in the app, an in-memory one in tests). */
export interface DownloadStore {
  partial(host: string, id: string, path: string): Promise<PartialWrite>;
}
export interface PartialWrite {
  existing(): Promise<Blob>;
  writer(
    keepExisting: boolean,
  ): Promise<{ write(chunk: Uint8Array<ArrayBuffer>): Promise<void>; close(): Promise<void> }>;
  commit(size: number, sha256: string | null): Promise<void>;
  discard(): Promise<void>;
}

export interface DownloadTarget {
  host: string;
  id: string;
  path: string;
  expectedSize?: number | null;
  expectedSha256?: string | null;
}

export interface DownloadProgress {
  loaded: number;
  total: number | null;
  bytesPerSecond: number;
  /** Times the download resumed after a dropped connection or a server error. */
  resumes: number;
}

export interface DownloadOptions {
  signal: AbortSignal;
  onProgress: (progress: DownloadProgress) => void;
  /** How requests reach the host (tests script one). */
  fetch?: typeof fetch;
  maxAttempts?: number;
  /** First backoff delay; doubles each retry. */
  backoffMs?: number;
  /** How long a connection may deliver nothing before it is dropped and resumed. */
  stallMs?: number;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Bytes per second over the last two seconds of samples. */
function speedometer(): (loaded: number) => number {
  const samples: [number, number][] = [];
  return (loaded) => {
    const now = performance.now();
    samples.push([now, loaded]);
    while (samples.length > 2 && now - (samples[0]?.[0] ?? now) > 2000) samples.shift();
    const [startTime, startLoaded] = samples[0] ?? [now, loaded];
    return now > startTime ? ((loaded - startLoaded) * 1000) / (now - startTime) : 0;
  };
}

async function hashExisting(file: Blob, hasher: IHasher): Promise<void> {
  const reader = file.stream().getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hasher.update(chunk.value);
}

/** A failed write to the store: not a dropped connection, so not retried (and the hash is no longer valid). */
class StorageWriteError extends Error {
  constructor(override readonly cause: unknown) {
    super(String(cause));
  }
}

/** A write to the store that failed: a full quota is explained, anything else kept as it is. */
function storageFailure(error: unknown, path: string): unknown {
  if (!(error instanceof DOMException && error.name === 'QuotaExceededError')) return error;
  return new HubError(
    'insufficient-storage',
    `There is no room left on this device to store ${path}: the browser's storage quota for this site is used up. Delete stored models on the Storage page, then try again.`,
    { cause: error },
  );
}

/** Collects network chunks into blocks of at least `blockBytes`. */
export class BlockBuffer {
  private chunks: Uint8Array<ArrayBuffer>[] = [];
  size = 0;
  constructor(private readonly blockBytes: number) {}
  /** Adds a chunk; true when a block is full. */
  add(chunk: Uint8Array<ArrayBuffer>): boolean {
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    return this.size >= this.blockBytes;
  }
  /** The collected bytes as one array (null when empty), and an empty buffer. */
  take(): Uint8Array<ArrayBuffer> | null {
    const { chunks, size } = this;
    this.chunks = [];
    this.size = 0;
    if (chunks.length <= 1) return chunks[0] ?? null;
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    return bytes;
  }
}

/** Downloads `target` into the store; answers 'absent' when the host has no such file (404). */
export async function downloadToStore(
  store: DownloadStore,
  target: DownloadTarget,
  {
    signal,
    onProgress,
    fetch: fetchImpl,
    maxAttempts = DOWNLOAD_ATTEMPTS,
    backoffMs = DOWNLOAD_BACKOFF_MS,
    stallMs = DOWNLOAD_STALL_MS,
  }: DownloadOptions,
): Promise<'stored' | 'absent'> {
  const host = new ModelHost(target.host, fetchImpl);
  const url = host.fileUrl(target.id, target.path);
  const partial = await store.partial(target.host, target.id, target.path);
  // WebAssembly SHA-256: a JavaScript one hashed at 70 MB/s in Chromium's worker, most of a download's time.
  const hasher = (await createSHA256()).init();
  let offset = (await partial.existing()).size;
  if (offset > 0) await hashExisting(await partial.existing(), hasher);
  let total = target.expectedSize ?? null;
  let expectedSha256 = target.expectedSha256?.toLowerCase() ?? null;
  let resumes = 0;
  let failures = 0;
  const speed = speedometer();

  /** Where the current attempt started: an attempt that got further resets the count of failures. */
  let attemptStart = offset;
  const retry = async (reason: string | HubError): Promise<void> => {
    if (offset > attemptStart) failures = 0;
    attemptStart = offset;
    failures += 1;
    if (failures >= maxAttempts) {
      // A host that never answered: its own sentence says why and what to do; the count is a detail.
      if (reason instanceof HubError)
        throw new HubError(
          'network',
          withDetail(reason.message, `downloading ${target.path} failed ${failures} times`),
        );
      throw new HubError(
        'network',
        `Downloading ${target.path} failed ${failures} times (${reason}). Try again later.`,
      );
    }
    resumes += 1;
    await delay(backoffMs * 2 ** (failures - 1), signal);
  };

  /** Starts the file again from its first byte (the partial bytes cannot be resumed from). */
  const restart = () => {
    offset = 0;
    hasher.init();
  };

  for (;;) {
    signal.throwIfAborted();
    // Each attempt has its own timer: a connection that delivers nothing for `stallMs` is dropped.
    const attempt = new AbortController();
    // Aborting the request errors its body; the body's reader is cancelled too, for hosts that do not.
    let cancelBody = () => {};
    const stall = () => {
      attempt.abort();
      cancelBody();
    };
    let stallTimer = setTimeout(stall, stallMs);
    const alive = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(stall, stallMs);
    };
    const stalled = () => attempt.signal.aborted && !signal.aborted;
    const attemptSignal = AbortSignal.any([signal, attempt.signal]);
    let response: Response;
    try {
      response = await host.request(url, {
        headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        cache: 'no-store',
        signal: attemptSignal,
      });
    } catch (error) {
      clearTimeout(stallTimer);
      if (stalled()) {
        await retry(`the host sent nothing for ${stallMs / 1000} s`);
        continue;
      }
      if (signal.aborted || !(error instanceof HubError) || error.code !== 'network') throw error;
      await retry(error);
      continue;
    }
    alive();
    if (response.status === 404) {
      clearTimeout(stallTimer);
      await partial.discard();
      return 'absent';
    }
    if (response.status === 416) {
      clearTimeout(stallTimer);
      // The partial bytes reach the end already: verify them. Otherwise they cannot be resumed from.
      if (total !== null && offset === total) break;
      restart();
      await retry('the host could not serve the rest of the file; starting it again');
      continue;
    }
    if (response.status >= 500 || response.status === 429) {
      clearTimeout(stallTimer);
      await retry(`the host answered ${response.status}`);
      continue;
    }
    if (!response.ok || !response.body) {
      clearTimeout(stallTimer);
      await partial.discard();
      throw new HubError(
        'bad-answer',
        `${url} answered ${response.status} ${response.statusText}. Try again later, or check the host.`,
      );
    }
    // The host ignored the Range request: start the file again.
    if (offset > 0 && response.status !== 206) restart();
    expectedSha256 ??= announcedSha256(response.headers);
    total ??= announcedSize(response, offset);

    const writer = await partial.writer(offset > 0);
    const reader = response.body.getReader();
    cancelBody = () => void reader.cancel().catch(() => {});
    // Network chunks are small (tens of KB): written one by one, the round trips to storage dominated a
    // download (the benchmark's load rows). They go out in blocks, hashed while the block is written.
    const block = new BlockBuffer(WRITE_BLOCK_BYTES);
    const flush = async () => {
      const bytes = block.take();
      if (!bytes) return;
      const written = writer.write(bytes);
      hasher.update(bytes);
      try {
        await written;
      } catch (error) {
        throw new StorageWriteError(error);
      }
      offset += bytes.byteLength;
    };
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        signal.throwIfAborted();
        alive();
        if (block.add(chunk.value)) await flush();
        const received = offset + block.size;
        onProgress({ loaded: received, total, bytesPerSecond: speed(received), resumes });
      }
      // A cancelled reader ends like a finished body: a stall is a drop.
      if (stalled()) throw new Error('stalled');
      clearTimeout(stallTimer);
      await flush();
      await writer.close();
      break;
    } catch (error) {
      clearTimeout(stallTimer);
      if (error instanceof StorageWriteError) throw storageFailure(error.cause, target.path);
      // What arrived before the drop or the cancel is kept, so that the next request resumes after it.
      await flush();
      await writer.close();
      if (signal.aborted) {
        await reader.cancel().catch(() => {});
        throw error;
      }
      await reader.cancel().catch(() => {});
      await retry(
        stalled()
          ? `the host sent nothing for ${stallMs / 1000} s after ${offset} bytes`
          : `the connection dropped after ${offset} bytes`,
      );
    }
  }

  const digest = hasher.digest('hex');
  const damage =
    total !== null && offset !== total
      ? `it has ${offset} bytes where the host announced ${total}`
      : expectedSha256 && digest !== expectedSha256
        ? `its sha256 is ${digest}, the host announced ${expectedSha256}`
        : null;
  if (damage) {
    await partial.discard();
    throw new HubError(
      'corrupt-file',
      `${target.id}/${target.path} arrived damaged: ${damage}. It was not stored; try again or check the host.`,
    );
  }
  const wrongContent = await contentProblem(target.path, await partial.existing());
  if (wrongContent) {
    await partial.discard();
    throw new HubError(
      'corrupt-file',
      `${target.path} of ${target.id} on ${target.host} is not usable: ${wrongContent}. It was not stored; check the file on the host.`,
    );
  }
  await partial.commit(offset, digest);
  onProgress({ loaded: offset, total: offset, bytesPerSecond: speed(offset), resumes });
  return 'stored';
}
