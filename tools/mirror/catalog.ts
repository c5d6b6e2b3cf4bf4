/**
 * What the mirror serves: the models under a root folder in either layout, their files, and the hashes
 * the Hub publishes for them (sha256 for LFS files, git object ids for everything, a tree hash per
 * folder). Files are hashed once, streaming, and re-hashed only when their size or mtime changes, so a
 * teacher may re-forge or copy a model in while the mirror runs.
 *
 *   const catalog = new Catalog('public/models');
 *   const model = await catalog.findModel('glassbox', 'tiny-chat');
 *   // → { id: 'glassbox/tiny-chat', layout: 'hub', dir: '…/tiny-chat/resolve/main', … }
 *   const snapshot = await catalog.snapshot(model);
 *   // → { sha: '3f1c…' (git tree hash of the folder), files: [{ path: 'config.json', size: 825, … }, …] }
 */
import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isRepoPart, unsafeSegmentReason } from './paths.ts';

/** `plain`: `<org>/<name>/config.json`; `hub`: `<org>/<name>/resolve/main/config.json` (the forge's). */
export type Layout = 'plain' | 'hub';

export interface ModelRef {
  /** `org/name`, the repository id clients ask for. */
  readonly id: string;
  readonly org: string;
  readonly name: string;
  readonly layout: Layout;
  /** Absolute folder holding the repository's files (`…/resolve/main` for the hub layout). */
  readonly dir: string;
}

/** The Hub's `lfs` record: `oid` is the sha256 of the bytes, `pointerSize` the size of the pointer file. */
export interface LfsInfo {
  readonly oid: string;
  readonly size: number;
  readonly pointerSize: number;
}

export interface FileDigest {
  readonly size: number;
  readonly mtimeMs: number;
  /** sha256 of the bytes, hex. */
  readonly sha256: string;
  /** The git blob id the Hub reports as `oid`: of the bytes, or of the LFS pointer for LFS files. */
  readonly gitOid: string;
  readonly lfs: LfsInfo | null;
  /** True when the file is itself an LFS pointer (a repository cloned without `git lfs pull`). */
  readonly isLfsPointer: boolean;
}

export interface RepoFile {
  /** Relative path with `/` separators, as the Hub's `rfilename` and tree `path`. */
  readonly path: string;
  readonly absPath: string;
  readonly digest: FileDigest;
}

export interface RepoSnapshot {
  readonly model: ModelRef;
  /** Every served file, sorted by path. */
  readonly files: readonly RepoFile[];
  /** Git tree id of each folder by relative path (`''` is the model folder itself). */
  readonly treeOids: ReadonlyMap<string, string>;
  /** Stable hash of the whole folder: its root tree id, in the place of the Hub's commit sha. */
  readonly sha: string;
  readonly totalSize: number;
  readonly lastModified: Date;
}

/** The Hub keeps these in LFS (its default `.gitattributes` plus its size rule); the brief's set. */
export const LFS_MIN_SIZE = 1024 * 1024;
const LFS_EXTENSIONS = /\.(onnx|onnx_data|safetensors)$/;

export function isLfsLike(path: string, size: number): boolean {
  return size > LFS_MIN_SIZE || LFS_EXTENSIONS.test(path);
}

/** The pointer git-lfs commits in place of the bytes; the Hub's `oid` and `pointerSize` describe it. */
export function lfsPointer(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

const LFS_POINTER_PREFIX = 'version https://git-lfs.github.com/spec/v1';

function gitBlobOid(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Streams a file once through sha256 and git's sha1 blob hash together. */
async function digestFile(absPath: string, relPath: string): Promise<FileDigest> {
  // A file rewritten while being read hashes to nonsense: retry until size and mtime hold still.
  for (let attempt = 0; ; attempt++) {
    const before = await stat(absPath);
    const sha256 = createHash('sha256');
    const sha1 = createHash('sha1').update(`blob ${before.size}\0`);
    let count = 0;
    let head = Buffer.alloc(0);
    for await (const chunk of createReadStream(absPath)) {
      const bytes = chunk as Buffer;
      sha256.update(bytes);
      sha1.update(bytes);
      if (head.length < LFS_POINTER_PREFIX.length) head = Buffer.concat([head, bytes]);
      count += bytes.length;
    }
    const after = await stat(absPath);
    const steady = count === before.size && after.size === before.size && after.mtimeMs === before.mtimeMs;
    if (!steady && attempt < 3) continue;
    const hex = sha256.digest('hex');
    const lfs = isLfsLike(relPath, count)
      ? { oid: hex, size: count, pointerSize: Buffer.byteLength(lfsPointer(hex, count)) }
      : null;
    return {
      size: count,
      mtimeMs: before.mtimeMs,
      sha256: hex,
      gitOid: lfs ? gitBlobOid(lfsPointer(hex, count)) : sha1.digest('hex'),
      lfs,
      isLfsPointer: count < 1024 && head.toString('latin1').startsWith(LFS_POINTER_PREFIX),
    };
  }
}

interface CacheEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly digest: Promise<FileDigest>;
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path); // follows symlinks: Hugging Face cache snapshots are symlinks to blobs
  } catch {
    return null;
  }
}

/** One git tree entry, sorted the way git sorts them: folders compare as `name/`. */
interface TreeEntry {
  readonly name: string;
  readonly isDir: boolean;
  readonly oid: string;
}

function gitTreeOid(entries: readonly TreeEntry[]): string {
  const key = (entry: TreeEntry): Buffer => Buffer.from(entry.isDir ? `${entry.name}/` : entry.name);
  const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
  const body = Buffer.concat(
    sorted.map((entry) =>
      Buffer.concat([
        Buffer.from(`${entry.isDir ? '40000' : '100644'} ${entry.name}\0`),
        Buffer.from(entry.oid, 'hex'),
      ]),
    ),
  );
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

/** Tree ids for every folder that holds files, bottom-up from the file list. */
function treeOids(files: readonly RepoFile[]): Map<string, string> {
  const children = new Map<string, TreeEntry[]>([['', []]]);
  for (const file of files) {
    const parts = file.path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      if (!children.has(dir)) children.set(dir, []);
    }
    const parent = parts.slice(0, -1).join('/');
    children.get(parent)?.push({ name: parts.at(-1) ?? '', isDir: false, oid: file.digest.gitOid });
  }
  const oids = new Map<string, string>();
  // Deepest folders first, so each parent sees its subfolders' ids.
  const dirs = [...children.keys()].sort(
    (a, b) => b.split('/').length - a.split('/').length || (a < b ? 1 : -1),
  );
  for (const dir of dirs) {
    if (dir === '') continue;
    const parts = dir.split('/');
    const oid = gitTreeOid(children.get(dir) ?? []);
    oids.set(dir, oid);
    children.get(parts.slice(0, -1).join('/'))?.push({ name: parts.at(-1) ?? '', isDir: true, oid });
  }
  oids.set('', gitTreeOid(children.get('') ?? []));
  return oids;
}

export class Catalog {
  readonly root: string;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * Whether `path`, its symlinks followed, stays inside the root: symlinks within it are fine (a Hugging
   * Face cache is made of them), one that leads out (to /etc, to a home folder) is never served.
   */
  private async insideRoot(path: string): Promise<boolean> {
    try {
      const [real, realRoot] = await Promise.all([realpath(path), realpath(this.root)]);
      return real === realRoot || real.startsWith(realRoot + sep);
    } catch {
      return false;
    }
  }

  /** The model at `<root>/<org>/<name>`, or null when there is none (or the names are not repo names). */
  async findModel(org: string, name: string): Promise<ModelRef | null> {
    if (!isRepoPart(org) || !isRepoPart(name)) return null;
    const folder = join(this.root, org, name);
    const hubDir = join(folder, 'resolve', 'main');
    if ((await statOrNull(hubDir))?.isDirectory())
      return { id: `${org}/${name}`, org, name, layout: 'hub', dir: hubDir };
    if ((await statOrNull(join(folder, 'config.json')))?.isFile()) {
      return { id: `${org}/${name}`, org, name, layout: 'plain', dir: folder };
    }
    return null;
  }

  /** Every model under the root, sorted by id; scanned on each call so models copied in later appear. */
  async listModels(): Promise<ModelRef[]> {
    const models: ModelRef[] = [];
    for (const org of await this.subfolders(this.root)) {
      for (const name of await this.subfolders(join(this.root, org))) {
        const model = await this.findModel(org, name);
        if (model) models.push(model);
      }
    }
    return models.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async subfolders(dir: string): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const folders: string[] = [];
    for (const name of names.sort()) {
      if (isRepoPart(name) && (await statOrNull(join(dir, name)))?.isDirectory()) folders.push(name);
    }
    return folders;
  }

  /** The digest of a file, from the cache while its size and mtime are unchanged. */
  private async digest(absPath: string, relPath: string, size: number, mtimeMs: number): Promise<FileDigest> {
    const cached = this.cache.get(absPath);
    if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.digest;
    const digest = digestFile(absPath, relPath);
    this.cache.set(absPath, { size, mtimeMs, digest });
    digest.catch(() => {
      // A vanished or unreadable file is hashed again next time (unless a newer hash already replaced it).
      if (this.cache.get(absPath)?.digest === digest) this.cache.delete(absPath);
    });
    return digest;
  }

  /**
   * One file of a model by its path segments, or null when missing, hidden or not a regular file.
   * Segments are checked again here, so no caller can reach outside the model's folder.
   */
  async file(model: ModelRef, segments: readonly string[]): Promise<RepoFile | null> {
    if (segments.length === 0 || segments.some((segment) => unsafeSegmentReason(segment) !== null))
      return null;
    const absPath = resolve(model.dir, ...segments);
    if (!absPath.startsWith(model.dir + sep) || !(await this.insideRoot(absPath))) return null;
    const info = await statOrNull(absPath);
    if (!info?.isFile()) return null;
    const path = segments.join('/');
    return { path, absPath, digest: await this.digest(absPath, path, info.size, info.mtimeMs) };
  }

  /** Every file of a model (hidden names skipped), hashed, with folder tree ids and the model's sha. */
  async snapshot(model: ModelRef): Promise<RepoSnapshot> {
    const found: { path: string; absPath: string; size: number; mtimeMs: number }[] = [];
    const seen = new Set<string>();
    const walk = async (dir: string, prefix: string): Promise<void> => {
      // Symlinked folders are followed (the Hugging Face cache is made of them) but only once each.
      const real = await realpath(dir);
      if (seen.has(real)) return;
      seen.add(real);
      for (const name of (await readdir(dir)).sort()) {
        if (unsafeSegmentReason(name) !== null) continue;
        const absPath = join(dir, name);
        if (!(await this.insideRoot(absPath))) continue;
        const info = await statOrNull(absPath);
        const path = prefix ? `${prefix}/${name}` : name;
        if (info?.isDirectory()) await walk(absPath, path);
        else if (info?.isFile()) found.push({ path, absPath, size: info.size, mtimeMs: info.mtimeMs });
      }
    };
    await walk(model.dir, '');
    const files = await Promise.all(
      found.map(async (entry) => ({
        path: entry.path,
        absPath: entry.absPath,
        digest: await this.digest(entry.absPath, entry.path, entry.size, entry.mtimeMs),
      })),
    );
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const oids = treeOids(files);
    return {
      model,
      files,
      treeOids: oids,
      sha: oids.get('') ?? '',
      totalSize: files.reduce((sum, file) => sum + file.digest.size, 0),
      lastModified: new Date(Math.max(0, ...files.map((file) => file.digest.mtimeMs))),
    };
  }

  /** The parsed `config.json` of a model, or null when it is missing or not a JSON object. */
  async config(model: ModelRef): Promise<Record<string, unknown> | null> {
    try {
      const parsed: unknown = JSON.parse(await readFile(join(model.dir, 'config.json'), 'utf8'));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }
}

/** What the start-up summary shows of one model. */
export interface ModelSummary {
  readonly id: string;
  readonly layout: Layout;
  readonly dir: string;
  readonly fileCount: number;
  readonly totalSize: number;
  readonly sha: string;
  /** Files that are Git LFS pointers, not weights (a clone without `git lfs pull`). */
  readonly lfsPointers: readonly string[];
  readonly hasConfig: boolean;
}

export function summarize(snapshot: RepoSnapshot): ModelSummary {
  return {
    id: snapshot.model.id,
    layout: snapshot.model.layout,
    dir: snapshot.model.dir,
    fileCount: snapshot.files.length,
    totalSize: snapshot.totalSize,
    sha: snapshot.sha,
    lfsPointers: snapshot.files.filter((file) => file.digest.isLfsPointer).map((file) => file.path),
    hasConfig: snapshot.files.some((file) => file.path === 'config.json'),
  };
}
