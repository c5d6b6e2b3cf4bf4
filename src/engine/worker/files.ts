/**
 * The engine worker's file layer: every file transformers.js asks for goes through `storeFetch`
 * (installed as transformers.js' `env.fetch`), which answers from the on-device model store and
 * downloads (resumable, verified) what is missing. A stored model therefore loads with no request.
 *
 * Part of the engine worker: may import transformers.js, never UI modules.
 */
import { ModelRegistry } from '@huggingface/transformers';
import { DISK_HOST, trimHost } from '../../core/hosts.ts';
import type { Backend, ModelSpec } from '../../core/model.ts';
import type { FileProgress } from '../../core/model.ts';
import { isWeightDataOf, weightFile, weightFormatOf } from '../../core/weightFiles.ts';
import { downloadToStore, type DownloadProgress } from '../../hub/download.ts';
import { HubError } from '../../hub/errors.ts';
import { ModelHost } from '../../hub/host.ts';
import { modelStore as store } from '../../hub/modelStore.ts';
import { storageRoom } from '../../lib/storageRoom.ts';
import { EngineError } from '../errors.ts';

/** Known sizes and hashes of a repository's files, from its host's listing. */
type Listing = Map<string, { size: number | null; sha256: string | null }>;

interface LoadContext {
  spec: ModelSpec;
  signal: AbortSignal;
  listing: Listing;
  /** Stored files the runtime reads in place of the ones it asks for (cpuForm.ts). */
  substitutes: Map<string, string>;
  /** Settles when the runtime may be handed a graph (runtime.ts `startRuntime`). */
  graphsAfter: Promise<unknown>;
  onProgress(file: string, progress: DownloadProgress | 'stored'): void;
}

const contexts = new Set<LoadContext>();

/** Which load a URL belongs to, and the file path inside the model repository. */
function locate(url: string): { context: LoadContext; path: string } | null {
  for (const context of contexts) {
    const prefix = `${trimHost(context.spec.host)}/${context.spec.id}/resolve/`;
    if (!url.startsWith(prefix)) continue;
    const path = url.slice(prefix.length).split('/').slice(1).join('/'); // drop the revision
    return { context, path: decodeURIComponent(path) };
  }
  return null;
}

/**
 * A stored file as `env.fetch` answers it. Transformers.js reads a file with `arrayBuffer()` (it asks for
 * no progress): this one reads the file in one piece, where the body stream copied it in chunks into a
 * growing buffer (a 250 MB graph: 0.64 s read whole, 0.9 s through the stream). `after`: the bytes are
 * handed over once it settles too.
 */
class StoredFileResponse extends Response {
  constructor(
    private readonly file: File,
    private readonly after: Promise<unknown>,
  ) {
    super(file, { headers: { 'content-length': String(file.size) } });
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const [bytes] = await Promise.all([this.file.arrayBuffer(), this.after]);
    return bytes;
  }
}

const notFound = (): Response => new Response('', { status: 404, statusText: 'Not Found' });

async function ensureFile(context: LoadContext, path: string): Promise<File | null> {
  const { host, id } = context.spec;
  const stored = await store.file(host, id, path);
  if (stored) {
    context.onProgress(path, 'stored');
    return stored;
  }
  if (await store.isAbsent(host, id, path)) return null;
  if (host === DISK_HOST) return null;
  const known = context.listing.get(path);
  const outcome = await downloadToStore(
    store,
    { host, id, path, expectedSize: known?.size ?? null, expectedSha256: known?.sha256 ?? null },
    { signal: context.signal, onProgress: (progress) => context.onProgress(path, progress) },
  );
  if (outcome === 'absent') {
    await store.markAbsent(host, id, path);
    return null;
  }
  return store.file(host, id, path);
}

/** transformers.js' `env.fetch`: model files from the store (downloaded first when missing). */
export async function storeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  const located = locate(url);
  if (!located) return fetch(input, init);
  const { context, path } = located;
  const file = await ensureFile(context, context.substitutes.get(path) ?? path);
  if (!file) return notFound();
  // A graph is read while the runtime starts, and reaches it once it has: its session comes next.
  return new StoredFileResponse(file, weightFormatOf(path) ? context.graphsAfter : Promise.resolve());
}

/** Sizes and sha256 of the repository's files, when its host lists them (a static host does not). */
async function listingOf(spec: ModelSpec, signal: AbortSignal): Promise<Listing> {
  if (spec.host === DISK_HOST) return new Map();
  const files = (await new ModelHost(spec.host).listing(spec.id, signal)) ?? [];
  return new Map(files.map(({ path, size, sha256 }) => [path, { size, sha256 }]));
}

export interface PreparedModel {
  files: FileProgress[];
  bytes: number;
  downloadedBytes: number;
  /** Times downloads resumed after a dropped connection or a server error. */
  resumes: number;
  /**
   * External data files of the graph that its config.json does not declare (`transformers.js_config`
   * `use_external_data_format`), found on the host: the runtime must be given them.
   */
  undeclaredData: string[];
  /** Every external data file of the graph, declared or not. */
  graphData: string[];
  /** Answers the runtime's requests for `path` with the stored file `stored` until released. */
  substitute(path: string, stored: string): void;
  /** Hands the runtime a graph's bytes only once `ready` settles (it rejects: the graph's read fails with it). */
  graphsAfter(ready: Promise<unknown>): void;
  release(): void;
}

const waiting = (file: string): FileProgress => ({
  file,
  loaded: 0,
  total: 0,
  done: false,
  bytesPerSecond: 0,
  fromStore: false,
});

/** A file's progress once it is on the device (`fromStore`: it already was). */
export const storedProgress = (file: string, size: number, fromStore: boolean): FileProgress => ({
  file,
  loaded: size,
  total: size,
  done: true,
  bytesPerSecond: 0,
  fromStore,
});

/**
 * Makes sure every file the model needs is in the store: plans the files with transformers.js'
 * ModelRegistry, checks that the missing ones fit the storage quota, then downloads them one by one.
 */
export async function prepareModel(
  spec: ModelSpec,
  backend: Backend,
  signal: AbortSignal,
  report: (files: FileProgress[]) => void,
): Promise<PreparedModel> {
  const files = new Map<string, FileProgress>();
  let downloadedBytes = 0;
  const context: LoadContext = {
    spec,
    signal,
    listing: new Map(),
    substitutes: new Map(),
    graphsAfter: Promise.resolve(),
    onProgress(file, progress) {
      const previous = files.get(file);
      if (progress === 'stored') {
        if (!previous?.done) files.set(file, storedProgress(file, previous?.total ?? 0, !previous));
      } else {
        const total = progress.total ?? context.listing.get(file)?.size ?? 0;
        const done = progress.total !== null && progress.loaded === progress.total;
        if (done && !previous?.done) downloadedBytes += progress.loaded;
        files.set(file, {
          file,
          loaded: progress.loaded,
          total,
          done,
          bytesPerSecond: progress.bytesPerSecond,
          fromStore: false,
          resumes: progress.resumes,
        });
      }
      report([...files.values()]);
    },
  };
  contexts.add(context);
  const release = () => contexts.delete(context);
  try {
    // Planning reads config.json (downloading it when missing), so it runs under the lock too.
    const planned = await oneWriterAtATime(spec, signal, async () => {
      const paths = await ModelRegistry.get_pipeline_files(spec.task, spec.id, {
        dtype: spec.dtype,
        device: backend,
      });
      const missing: string[] = [];
      for (const path of paths) {
        const file = await store.file(spec.host, spec.id, path);
        if (file) files.set(path, storedProgress(path, file.size, true));
        else if (!(await store.isAbsent(spec.host, spec.id, path))) {
          missing.push(path);
          files.set(path, waiting(path));
        }
      }
      if (missing.length > 0) {
        context.listing = await listingOf(spec, signal);
        for (const path of missing) {
          const entry = files.get(path);
          const size = context.listing.get(path)?.size;
          if (entry && size) files.set(path, { ...entry, total: size });
        }
        report([...files.values()]);
        await ensureRoom(spec, missing, context.listing);
        for (const path of missing) {
          if (await ensureFile(context, path)) continue;
          files.delete(path); // the host has no such file
          report([...files.values()]);
        }
      }
      const undeclaredData = await undeclaredDataFiles(context, paths);
      // The manifest is rewritten whole: another tab's download of this model must not interleave.
      await store.touch(spec.host, spec.id);
      return { paths, undeclaredData };
    });
    // A missing weight file (or config, or tokenizer) fails here, with its name, rather than in the
    // runtime (where a missing external data file hangs the session's creation).
    for (const path of planned.paths) {
      if (isRequired(path) && (await store.isAbsent(spec.host, spec.id, path))) {
        throw new HubError(
          'not-found',
          `${path} of ${spec.id} is missing on ${spec.host === DISK_HOST ? 'the folder it was opened from' : spec.host}, and the model cannot load without it. Check that the host has every file of the repository (weights split into an external data file need both).`,
        );
      }
    }
    const list = [...files.values()];
    return {
      files: list,
      bytes: list.reduce((sum, f) => sum + f.total, 0),
      downloadedBytes,
      resumes: list.reduce((sum, f) => sum + (f.resumes ?? 0), 0),
      undeclaredData: planned.undeclaredData,
      graphData: [
        ...planned.paths.filter(
          (path) => isWeightDataOf(path, spec.dtype) && path !== weightFile(spec.dtype),
        ),
        ...planned.undeclaredData,
      ],
      substitute: (path, stored) => void context.substitutes.set(path, stored),
      graphsAfter: (ready) => void (context.graphsAfter = ready),
      release,
    };
  } catch (error) {
    release();
    if (signal.aborted) {
      throw new EngineError(
        'cancelled',
        'The download was cancelled. Bytes already received are kept: loading again resumes.',
      );
    }
    throw error;
  }
}

/**
 * The graph's external data files (`model{suffix}.onnx_data`, `_data_1`, …) when config.json does not
 * declare them: many exports keep their weights there without saying so, and ONNX Runtime then fails with
 * "Module.MountedFiles is not available". Each is looked for on the host once: found ones are stored, a
 * missing one is remembered as absent, so a stored model asks nothing.
 */
async function undeclaredDataFiles(context: LoadContext, planned: readonly string[]): Promise<string[]> {
  const graph = weightFile(context.spec.dtype);
  if (!planned.includes(graph) || planned.some((path) => path.startsWith(`${graph}_data`))) return [];
  const found: string[] = [];
  for (;;) {
    const path = `${graph}_data${found.length === 0 ? '' : `_${found.length}`}`;
    if (!(await ensureFile(context, path))) return found;
    found.push(path);
  }
}

/** The last part of a repository path: `onnx/model.onnx_data` → `model.onnx_data`. */
export const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Files a model cannot load without (transformers.js asks for others, such as generation_config.json, only if present). */
function isRequired(path: string): boolean {
  return path === 'config.json' || path === 'tokenizer.json' || path.startsWith('onnx/');
}

/**
 * Runs `write` while no other tab or worker of this origin writes files of the same model (a download, a
 * rewritten form): two would write the same partial files (a sync access handle is exclusive, so the
 * second writer would fail). Web Locks exist wherever the model store does (both need a secure context).
 */
export async function oneWriterAtATime<T>(
  spec: ModelSpec,
  signal: AbortSignal,
  write: () => Promise<T>,
): Promise<T> {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return write();
  return navigator.locks.request(`glassbox-download ${trimHost(spec.host)} ${spec.id}`, { signal }, write);
}

async function ensureRoom(spec: ModelSpec, missing: string[], listing: Listing): Promise<void> {
  const needed = missing.reduce((sum, path) => sum + (listing.get(path)?.size ?? 0), 0);
  const { free } = await storageRoom();
  if (free !== null && needed > free) {
    const mb = (bytes: number) => `${Math.ceil(bytes / 1e6)} MB`;
    throw new EngineError(
      'insufficient-storage',
      `${spec.id} (${spec.dtype}) needs ${mb(needed)} but this browser grants only ${mb(free)} more. Delete stored models on the Storage page or pick a smaller dtype.`,
    );
  }
}
