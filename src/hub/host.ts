/**
 * The one client for model hosts (the Hugging Face Hub, a mirror, the app's own `/models`): every request
 * to a host goes through it, so listings, byte ranges, the offline switch's refusals and failing hosts are
 * read one way and become a coded `HubError` whose sentence says what to do.
 *
 *   const hub = new ModelHost('https://huggingface.co');
 *   await hub.listing('HuggingFaceTB/SmolLM2-135M-Instruct'); // → [{ path, size, sha256 }, …], or null (no API)
 *   await hub.json('org/name', 'config.json');                 // → the parsed file, or HubError 'not-found'
 *   await hub.range('org/name', 'model.safetensors', 0, 7);    // → { bytes, size }, or HubError 'no-ranges'
 */
import { modelFileUrl, trimHost } from '../core/hosts.ts';
import { offlineRefusalMessage, refusedByOfflineSwitch } from '../core/ledger.ts';
import { HOST_ANSWER_TIMEOUT_MS } from '../core/settings.ts';
import { isAbort, rawMessage, withDetail } from '../lib/errors.ts';
import { isRecord } from '../lib/isRecord.ts';
import { HubError, unreachableSentence } from './errors.ts';

/** A file of a repository as a host lists it; null where the host does not say. */
export interface ListedFile {
  path: string;
  size: number | null;
  sha256: string | null;
}

/** The Hub's tree API entry (`/api/models/<id>/tree/main?recursive=true`). */
interface TreeEntry {
  type?: unknown;
  path?: unknown;
  size?: unknown;
  lfs?: { oid?: unknown; size?: unknown } | null;
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

/** `Content-Range: bytes <start>-<end>/<total>` (total `*` when unknown), or null. */
export function contentRange(headers: Headers): { start: number; end: number; total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headers.get('content-range')?.trim() ?? '');
  if (!match) return null;
  return {
    start: Number(match[1]),
    end: Number(match[2]),
    total: match[3] === '*' ? null : Number(match[3]),
  };
}

/**
 * The whole file's size as an answer announces it: the total of its `Content-Range`, else the Hub's
 * `X-Linked-Size` or `Content-Length` (plus `offset`, where a 206 answer starts there).
 */
export function announcedSize(response: Response, offset = 0): number | null {
  const total = contentRange(response.headers)?.total;
  if (total !== undefined && total !== null) return total;
  const length = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  if (length === null || !Number.isFinite(Number(length))) return null;
  return Number(length) + (response.status === 206 ? offset : 0);
}

const sizeOf = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;

export class ModelHost {
  /** The host's URL without trailing slashes. */
  readonly base: string;

  constructor(
    host: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    /** How long a small answer may take (tests shorten it). */
    private readonly answerTimeoutMs = HOST_ANSWER_TIMEOUT_MS,
  ) {
    this.base = trimHost(host);
  }

  fileUrl(id: string, path: string): string {
    return modelFileUrl(this.base, id, path);
  }

  /**
   * Any request to the host. Whatever it answers is returned, except the offline switch's refusal
   * (HubError 'offline') and no answer at all (HubError 'network'); a cancelled request rethrows its abort.
   */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, init);
    } catch (error) {
      if (isAbort(error) || init.signal?.aborted) throw error;
      throw new HubError('network', withDetail(unreachableSentence(this.base), rawMessage(error)), {
        cause: error,
      });
    }
    if (refusedByOfflineSwitch(response)) {
      await response.body?.cancel();
      throw new HubError('offline', offlineRefusalMessage(url));
    }
    return response;
  }

  /** A file that must exist: its successful answer, else HubError 'not-found' or 'bad-answer'. */
  async file(id: string, path: string, init: RequestInit = {}): Promise<Response> {
    const url = this.fileUrl(id, path);
    const response = await this.request(url, init);
    if (response.ok && response.body) return response;
    await response.body?.cancel();
    throw this.failure(id, path, response);
  }

  /**
   * `work` with a deadline: a host that accepts the connection and then says nothing (a stalled server, a
   * captive portal) fails after `answerTimeoutMs` instead of never. For small answers only: a
   * download has its own stall timer (download.ts).
   */
  private async withinDeadline<T>(
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.answerTimeoutMs);
    try {
      return await work(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (error) {
      if (!deadline.aborted || signal?.aborted) throw error;
      throw new HubError(
        'network',
        `${this.base} did not answer within ${this.answerTimeoutMs / 1000} s. Check the connection and that the host is running, then try again.`,
        { cause: error },
      );
    }
  }

  /** A small file's text, or null when the host has no such file. */
  async optionalText(id: string, path: string, signal?: AbortSignal): Promise<string | null> {
    try {
      return await this.withinDeadline(signal, async (within) =>
        (await this.file(id, path, { signal: within })).text(),
      );
    } catch (error) {
      if (error instanceof HubError && error.code === 'not-found') return null;
      throw error;
    }
  }

  /** A JSON file, parsed (not checked: the caller checks the fields it reads). */
  async json(id: string, path: string, signal?: AbortSignal): Promise<unknown> {
    return this.withinDeadline(signal, async (within) => {
      const response = await this.file(id, path, { signal: within });
      try {
        return (await response.json()) as unknown;
      } catch (error) {
        if (isAbort(error)) throw error;
        throw new HubError(
          'bad-answer',
          `${this.fileUrl(id, path)} is not JSON: is "${id}" a model repository on ${this.base}?`,
        );
      }
    });
  }

  /**
   * The repository's files with sizes and sha256 from the Hub's API (its tree listing, else the model
   * info's file names), or null for a host without that API (a static server such as the app's own).
   */
  async listing(id: string, signal?: AbortSignal): Promise<ListedFile[] | null> {
    return this.withinDeadline(signal, (within) => this.listingNow(id, within));
  }

  private async listingNow(id: string, signal: AbortSignal): Promise<ListedFile[] | null> {
    const api = `${this.base}/api/models/${id}`;
    const init = { signal };
    try {
      const tree = await this.request(`${api}/tree/main?recursive=true`, init);
      if (tree.ok) return this.treeFiles(await tree.json());
      await tree.body?.cancel();
      const info = await this.request(api, init);
      if (!info.ok) {
        await info.body?.cancel();
        return null;
      }
      const siblings = (await info.json()) as { siblings?: unknown };
      if (!Array.isArray(siblings.siblings)) return null;
      return siblings.siblings.flatMap((sibling: unknown) =>
        isRecord(sibling) && typeof sibling['rfilename'] === 'string'
          ? [{ path: sibling['rfilename'], size: null, sha256: null }]
          : [],
      );
    } catch (error) {
      // Only a refusal or a cancel matters here: a host without an API, or with a broken one, lists nothing.
      if (isAbort(error) || (error instanceof HubError && error.code === 'offline')) throw error;
      return null;
    }
  }

  /** Bytes `start`…`end` (inclusive) of a file; the host must answer them alone (206). */
  async range(
    id: string,
    path: string,
    start: number,
    end: number,
    signal?: AbortSignal,
  ): Promise<{ bytes: Uint8Array; size: number | null }> {
    return this.withinDeadline(signal, async (within) => {
      const response = await this.request(this.fileUrl(id, path), {
        headers: { Range: `bytes=${start}-${end}` },
        signal: within,
      });
      if (response.status !== 206) {
        await response.body?.cancel();
        if (!response.ok) throw this.failure(id, path, response);
        throw new HubError(
          'no-ranges',
          `${this.base} answered ${response.status} to a request for bytes ${start}-${end} of ${path}: it does not serve byte ranges, so only whole files can be read there.`,
        );
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { bytes, size: contentRange(response.headers)?.total ?? null };
    });
  }

  /** A file's size by a one-byte range request (a host without an API), or null when it has no such file. */
  async probe(id: string, path: string): Promise<ListedFile | null> {
    const response = await this.withinDeadline(undefined, (within) =>
      this.request(this.fileUrl(id, path), { headers: { Range: 'bytes=0-0' }, signal: within }),
    );
    await response.body?.cancel();
    if (!response.ok) return null;
    return { path, size: announcedSize(response), sha256: announcedSha256(response.headers) };
  }

  private treeFiles(entries: unknown): ListedFile[] {
    if (!Array.isArray(entries)) return [];
    return entries.flatMap((entry: TreeEntry) => {
      if (!isRecord(entry) || entry.type !== 'file' || typeof entry.path !== 'string') return [];
      const lfs = isRecord(entry.lfs) ? entry.lfs : null;
      const oid = typeof lfs?.oid === 'string' && SHA256_HEX.test(lfs.oid) ? lfs.oid.toLowerCase() : null;
      return [{ path: entry.path, size: sizeOf(lfs?.size) ?? sizeOf(entry.size), sha256: oid }];
    });
  }

  /** The error for an answer that is not the file asked for. */
  private failure(id: string, path: string, response: Response): HubError {
    if (response.status === 404 || response.status === 401) {
      return new HubError(
        'not-found',
        `${this.base} has no ${path} for "${id}" (it answered ${response.status}). Check the model id (org/name) and the host.`,
      );
    }
    return new HubError(
      'bad-answer',
      `${this.fileUrl(id, path)} answered ${response.status} ${response.statusText}. Try again later, or check the host.`,
    );
  }
}
