/**
 * The JSON bodies of the Hub's read APIs, built from a repository snapshot: model info
 * (`/api/models/<org>/<name>`), the model list (`/api/models`) and the tree (`/api/models/<org>/<name>/tree/
 * <revision>[/<folder>]`), in the shapes huggingface.co answers, so Hub clients work unchanged.
 *
 *   modelInfo(snapshot, config, { blobs: false })
 *   // → { id: 'glassbox/tiny-chat', sha: '50f7…', pipeline_tag: 'text-generation',
 *   //     library_name: 'transformers.js', config: {…}, siblings: [{ rfilename: 'config.json' }, …], … }
 *   treeEntries(snapshot, 'onnx', false)
 *   // → [{ type: 'file', oid: '468e…', size: 454246, path: 'onnx/model.onnx',
 *   //      lfs: { oid: '4f81…' (sha256), size: 454246, pointerSize: 131 } }, …]
 */
import type { LfsInfo, RepoSnapshot } from './catalog.ts';

/** One entry of the tree API. Folders have size 0, as on the Hub. */
export type TreeEntry =
  | {
      readonly type: 'file';
      /** Git blob id: of the bytes, or of the LFS pointer when `lfs` is present. */
      readonly oid: string;
      readonly size: number;
      readonly path: string;
      /** Present for LFS files; `lfs.oid` is the sha256 of the bytes. */
      readonly lfs?: LfsInfo;
    }
  | { readonly type: 'directory'; readonly oid: string; readonly size: 0; readonly path: string };

export type PipelineTag = 'text-generation' | 'feature-extraction';

export interface Sibling {
  readonly rfilename: string;
  /** With `?blobs=true` only, as on the Hub. */
  readonly blobId?: string;
  readonly size?: number;
  readonly lfs?: { readonly sha256: string; readonly size: number; readonly pointerSize: number };
}

/** The model API's body; the list API gives the same without `config` and `siblings`. */
export interface ModelInfo {
  readonly id: string;
  readonly modelId: string;
  readonly author: string;
  /** A stable hash of the folder's contents (its git tree id), where the Hub has a commit sha. */
  readonly sha: string;
  readonly lastModified: string;
  readonly private: false;
  readonly disabled: false;
  readonly gated: false;
  readonly downloads: number;
  readonly likes: number;
  readonly library_name: 'transformers.js' | 'transformers';
  readonly pipeline_tag: PipelineTag;
  readonly tags: readonly string[];
  readonly config?: Record<string, unknown>;
  readonly siblings: readonly Sibling[];
  readonly usedStorage: number;
}

export type ModelListEntry = Omit<ModelInfo, 'config' | 'siblings'>;

/** `text-generation` for decoders (`*ForCausalLM`), else `feature-extraction`: the two tasks the app runs. */
export function pipelineTag(config: Record<string, unknown> | null): PipelineTag {
  const architectures = config?.['architectures'];
  const decoder =
    Array.isArray(architectures) &&
    architectures.some((name) => typeof name === 'string' && name.endsWith('ForCausalLM'));
  return decoder ? 'text-generation' : 'feature-extraction';
}

export function modelInfo(
  snapshot: RepoSnapshot,
  config: Record<string, unknown> | null,
  { blobs }: { blobs: boolean },
): ModelInfo {
  const { model } = snapshot;
  const onnx = snapshot.files.some((file) => file.path.endsWith('.onnx'));
  const library = onnx ? 'transformers.js' : 'transformers';
  const task = pipelineTag(config);
  const modelType = config?.['model_type'];
  const sibling = ({ path, digest }: RepoSnapshot['files'][number]): Sibling => {
    if (!blobs) return { rfilename: path };
    const lfs = digest.lfs
      ? { sha256: digest.lfs.oid, size: digest.lfs.size, pointerSize: digest.lfs.pointerSize }
      : undefined;
    return { rfilename: path, blobId: digest.gitOid, size: digest.size, ...(lfs ? { lfs } : {}) };
  };
  return {
    id: model.id,
    modelId: model.id,
    author: model.org,
    sha: snapshot.sha,
    lastModified: snapshot.lastModified.toISOString(),
    private: false,
    disabled: false,
    gated: false,
    downloads: 0,
    likes: 0,
    library_name: library,
    pipeline_tag: task,
    tags: [library, ...(onnx ? ['onnx'] : []), ...(typeof modelType === 'string' ? [modelType] : []), task],
    ...(config ? { config } : {}),
    siblings: snapshot.files.map(sibling),
    usedStorage: snapshot.totalSize,
  };
}

/** The list API's entry: the Hub leaves out config and siblings there. */
export function modelListEntry({
  config: _config,
  siblings: _siblings,
  ...entry
}: ModelInfo): ModelListEntry {
  return entry;
}

/** Segment-wise order, a folder right before its contents: a depth-first listing sorted by name. */
function byPath(a: { path: string }, b: { path: string }): number {
  const x = a.path.split('/');
  const y = b.path.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] ?? '';
    const q = y[i] ?? '';
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** The entries of `folder` (`''`: the model's top folder): direct children, or everything below. */
export function treeEntries(snapshot: RepoSnapshot, folder: string, recursive: boolean): TreeEntry[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  const inside = (path: string): boolean =>
    path.startsWith(prefix) && (recursive || !path.slice(prefix.length).includes('/'));
  const entries: TreeEntry[] = [];
  for (const [path, oid] of snapshot.treeOids) {
    if (path !== '' && inside(path)) entries.push({ type: 'directory', oid, size: 0, path });
  }
  for (const { path, digest } of snapshot.files) {
    if (!inside(path)) continue;
    const { gitOid: oid, size, lfs } = digest;
    entries.push(lfs ? { type: 'file', oid, size, path, lfs } : { type: 'file', oid, size, path });
  }
  return entries.sort(byPath);
}
