/**
 * Downloads one model file into the model store, surviving faults:
 * - a dropped connection resumes where it stopped with a Range request (also after a reload: the
 *   `.partial` bytes stay in the store and are re-hashed before appending);
 * - 5xx and 429 answers are retried with exponential backoff;
 * - the finished file is checked against its expected size and sha256 (from the Hub's tree listing,
 *   or its `X-Linked-ETag` header) before it counts as stored; a file that fails is deleted.
 *
 *   await downloadToStore(store, { url, host, id, path: 'onnx/model.onnx', expectedSize: 541_000_000 },
 *     { signal, onProgress: (p) => console.log(p.loaded, p.total, p.bytesPerSecond) });
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { EngineError } from '../../engine/errors.ts';
import { offlineRefusalMessage, refusedByOfflineSwitch } from '../../pwa/protocol.ts';

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
  url: string;
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
  fetch?: typeof fetch;
  maxAttempts?: number;
  /** First backoff delay; doubles each retry. */
  backoffMs?: number;
}

const SHA256_HEX = /^"?([0-9a-f]{64})"?$/i;

/** The sha256 a Hub-like host announces for a file (`X-Linked-ETag` for LFS files, else a 64-hex `ETag`). */
export function announcedSha256(headers: Headers): string | null {
  for (const name of ['x-linked-etag', 'etag']) {
    const match = SHA256_HEX.exec((headers.get(name) ?? '').replace(/^W\//, ''));
    if (match?.[1]) return match[1].toLowerCase();
  }
  return null;
}

/** Total size from `Content-Range: bytes a-b/total`, else `Content-Length` plus the resumed offset. */
function announcedTotal(response: Response, offset: number): number | null {
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (range?.[1]) return Number(range[1]);
  const length = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  return length === null ? null : Number(length) + (response.status === 206 ? offset : 0);
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

async function hashExisting(file: Blob, hasher: ReturnType<typeof sha256.create>): Promise<void> {
  const reader = file.stream().getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hasher.update(chunk.value);
}

/** Downloads `target` into the store; answers 'absent' when the host has no such file (404). */
export async function downloadToStore(
  store: DownloadStore,
  target: DownloadTarget,
  { signal, onProgress, fetch: fetchImpl = fetch, maxAttempts = 6, backoffMs = 500 }: DownloadOptions,
): Promise<'stored' | 'absent'> {
  const partial = await store.partial(target.host, target.id, target.path);
  let hasher = sha256.create();
  let offset = (await partial.existing()).size;
  if (offset > 0) await hashExisting(await partial.existing(), hasher);
  let total = target.expectedSize ?? null;
  let expectedSha256 = target.expectedSha256?.toLowerCase() ?? null;
  let resumes = 0;
  let failures = 0;
  const speed = speedometer();

  const retry = async (reason: string): Promise<void> => {
    failures += 1;
    if (failures >= maxAttempts) {
      throw new EngineError(
        'network',
        `Downloading ${target.path} failed ${failures} times (${reason}). Try again later.`,
      );
    }
    resumes += 1;
    await delay(backoffMs * 2 ** (failures - 1), signal);
  };

  for (;;) {
    signal.throwIfAborted();
    let response: Response;
    try {
      response = await fetchImpl(target.url, {
        headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        cache: 'no-store',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      await retry(String(error));
      continue;
    }
    if (response.status === 404) {
      await partial.discard();
      return 'absent';
    }
    if (response.status === 416 && total !== null && offset >= total) break; // already complete
    if (refusedByOfflineSwitch(response)) throw new EngineError('network', offlineRefusalMessage(target.url));
    if (response.status >= 500 || response.status === 429) {
      await retry(`the host answered ${response.status}`);
      continue;
    }
    if (!response.ok || !response.body) {
      await partial.discard();
      throw new EngineError('network', `${target.url} answered ${response.status} ${response.statusText}.`);
    }
    if (offset > 0 && response.status !== 206) {
      // The host ignored the Range request: start the file again.
      offset = 0;
      hasher = sha256.create();
    }
    expectedSha256 ??= announcedSha256(response.headers);
    total ??= announcedTotal(response, offset);

    const writer = await partial.writer(offset > 0);
    const reader = response.body.getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        signal.throwIfAborted();
        await writer.write(chunk.value);
        hasher.update(chunk.value);
        offset += chunk.value.byteLength;
        onProgress({ loaded: offset, total, bytesPerSecond: speed(offset), resumes });
      }
      await writer.close();
      break;
    } catch (error) {
      await writer.close();
      if (signal.aborted) {
        await reader.cancel().catch(() => {});
        throw error;
      }
      await retry(`the connection dropped after ${offset} bytes`);
    }
  }

  const digest = bytesToHex(hasher.digest());
  const problem =
    total !== null && offset !== total
      ? `it has ${offset} bytes where the host announced ${total}`
      : expectedSha256 && digest !== expectedSha256
        ? `its sha256 is ${digest}, the host announced ${expectedSha256}`
        : null;
  if (problem) {
    await partial.discard();
    throw new EngineError(
      'corrupt-file',
      `${target.id}/${target.path} arrived damaged: ${problem}. It was not stored; try again or check the host.`,
    );
  }
  await partial.commit(offset, digest);
  onProgress({ loaded: offset, total: offset, bytesPerSecond: speed(offset), resumes });
  return 'stored';
}
