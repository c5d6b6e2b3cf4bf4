/**
 * The model store in the Origin Private File System (OPFS), where the browser grants one (a secure context):
 *
 *   models/<host key>/<org>/<name>/manifest.json     verified files: size, sha256, when stored, last use
 *   models/<host key>/<org>/<name>/files/<path>       the files themselves
 *   models/<host key>/<org>/<name>/files/<path>.partial   a download in progress (resumable)
 *
 * A file is only listed in the manifest after its size (and sha256 when the host gives one) checked
 * out, and is renamed from `.partial` at that moment: a half-written file never looks complete.
 * Works in windows and workers (the UI lists and deletes; the engine worker downloads and reads).
 */
import { WRITE_BLOCK_BYTES } from '../core/settings.ts';
import type { PartialWrite } from './download.ts';
import {
  checkedManifest,
  emptyManifest,
  hostKey,
  storedModel,
  type ModelManifest,
  type ModelStore,
  type StoredModel,
} from './manifest.ts';

// OPFS additions not yet in lib.dom: move() renames within the private file system; entries() iterates;
// a dedicated worker can write a file in place through a sync access handle.
interface MovableFileHandle extends FileSystemFileHandle {
  move(name: string): Promise<void>;
}
interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
interface WorkerFileHandle extends FileSystemFileHandle {
  createSyncAccessHandle?(): Promise<SyncAccessHandle>;
}
interface IterableDirectoryHandle extends FileSystemDirectoryHandle {
  entries(): AsyncIterableIterator<[string, FileSystemHandle]>;
}

const ROOT = 'models';
const MANIFEST = 'manifest.json';
const FILES = 'files';

/** Tries at reading a manifest that other tabs keep replacing before it is read as it stands. */
const MANIFEST_READS = 5;

/**
 * A model folder's manifest, or null where it has none (or not a valid one). Another tab may rename a new
 * manifest over it between `getFile()` and the read (every load touches it): the File then refuses to be
 * read (NotReadableError), and the new one is read instead. Two tabs loading one model met this.
 */
async function readManifest(folder: FileSystemDirectoryHandle): Promise<ModelManifest | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      const file = await (await folder.getFileHandle(MANIFEST)).getFile();
      return checkedManifest(JSON.parse(await file.text()));
    } catch (error) {
      if (isNotFound(error) || error instanceof SyntaxError) return null;
      const replaced = error instanceof DOMException && error.name === 'NotReadableError';
      if (!replaced || attempt === MANIFEST_READS) throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError')
  );
}

async function directory(
  parent: FileSystemDirectoryHandle,
  path: readonly string[],
  create: boolean,
): Promise<FileSystemDirectoryHandle | null> {
  let current = parent;
  for (const segment of path) {
    try {
      current = await current.getDirectoryHandle(segment, { create });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
  return current;
}

function splitPath(path: string): { folders: string[]; name: string } {
  const parts = path.split('/').filter((part) => part && part !== '.' && part !== '..');
  const name = parts.pop();
  if (!name) throw new Error(`"${path}" is not a file path.`);
  return { folders: parts, name };
}

export class OpfsModelStore implements ModelStore {
  // Looked up every time, never kept: another context (the page's "Delete all", another tab) may remove
  // the folder, and a kept handle would point at the removed one.
  private async root(): Promise<FileSystemDirectoryHandle> {
    return (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT, { create: true });
  }

  private async modelDirectory(
    host: string,
    id: string,
    create: boolean,
  ): Promise<FileSystemDirectoryHandle | null> {
    return directory(await this.root(), [hostKey(host), ...id.split('/')], create);
  }

  async manifest(host: string, id: string): Promise<ModelManifest | null> {
    const folder = await this.modelDirectory(host, id, false);
    return folder && readManifest(folder);
  }

  private async writeManifest(host: string, id: string, manifest: ModelManifest): Promise<void> {
    const folder = await this.modelDirectory(host, id, true);
    if (!folder) throw new Error(`Cannot create the store folder of ${id}.`);
    const handle = await folder.getFileHandle(`${MANIFEST}.partial`, { create: true });
    const writable = await handle.createWritable();
    await writable.write(JSON.stringify(manifest));
    await writable.close();
    // Rename over the old manifest: a reader sees the old or the new one, never half of one.
    await (handle as MovableFileHandle).move(MANIFEST);
  }

  private async updateManifest(
    host: string,
    id: string,
    change: (manifest: ModelManifest) => void,
  ): Promise<void> {
    const manifest = (await this.manifest(host, id)) ?? emptyManifest(host, id);
    change(manifest);
    await this.writeManifest(host, id, manifest);
  }

  private async fileHandle(host: string, id: string, path: string, create: boolean) {
    const folder = await this.modelDirectory(host, id, create);
    if (!folder) return null;
    const { folders, name } = splitPath(path);
    const parent = await directory(folder, [FILES, ...folders], create);
    return parent ? { parent, name } : null;
  }

  async file(host: string, id: string, path: string): Promise<File | null> {
    const manifest = await this.manifest(host, id);
    const entry = manifest?.files[path];
    if (!entry) return null;
    const location = await this.fileHandle(host, id, path, false);
    if (!location) return null;
    try {
      const file = await (await location.parent.getFileHandle(location.name)).getFile();
      // A file that changed size behind our back (storage cleared half-way) is not trusted.
      return file.size === entry.size ? file : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async isAbsent(host: string, id: string, path: string): Promise<boolean> {
    return (await this.manifest(host, id))?.absent.includes(path) ?? false;
  }

  async forgetAbsent(host: string, id: string): Promise<void> {
    if ((await this.manifest(host, id))?.absent.length)
      await this.updateManifest(host, id, (manifest) => (manifest.absent = []));
  }

  async markAbsent(host: string, id: string, path: string): Promise<void> {
    await this.updateManifest(host, id, (manifest) => {
      if (!manifest.absent.includes(path)) manifest.absent.push(path);
    });
  }

  async touch(host: string, id: string): Promise<void> {
    if (await this.manifest(host, id))
      await this.updateManifest(host, id, (manifest) => (manifest.lastUsed = Date.now()));
  }

  async partial(host: string, id: string, path: string): Promise<PartialFile> {
    const location = await this.fileHandle(host, id, path, true);
    if (!location) throw new Error(`Cannot create the store folder of ${id}.`);
    const handle = await location.parent.getFileHandle(`${location.name}.partial`, { create: true });
    const discard = async () => {
      try {
        await location.parent.removeEntry(`${location.name}.partial`);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    };
    return new PartialFile(handle, discard, async (size, sha256) => {
      try {
        await location.parent.removeEntry(location.name);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      await (handle as MovableFileHandle).move(location.name);
      await this.updateManifest(host, id, (manifest) => {
        manifest.files[path] = { size, sha256, storedAt: Date.now() };
        manifest.absent = manifest.absent.filter((name) => name !== path);
        manifest.lastUsed = Date.now();
      });
    });
  }

  async list(): Promise<StoredModel[]> {
    const models: StoredModel[] = [];
    const walk = async (folder: FileSystemDirectoryHandle, depth: number): Promise<void> => {
      for await (const [, handle] of (folder as IterableDirectoryHandle).entries()) {
        if (handle.kind !== 'directory') continue;
        if (depth < 2) {
          await walk(handle as FileSystemDirectoryHandle, depth + 1);
          continue;
        }
        // depth 2: <host>/<org>/<name>
        const manifest = await readManifest(handle as FileSystemDirectoryHandle);
        if (manifest) models.push(storedModel(manifest));
      }
    };
    await walk(await this.root(), 0);
    return models.sort((a, b) => b.manifest.lastUsed - a.manifest.lastUsed);
  }

  async remove(host: string, id: string): Promise<void> {
    const [org, name] = id.split('/');
    const parent = await directory(await this.root(), [hostKey(host), org ?? ''], false);
    if (!parent || !name) return;
    try {
      await parent.removeEntry(name, { recursive: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async removeAll(): Promise<void> {
    const opfs = await navigator.storage.getDirectory();
    try {
      await opfs.removeEntry(ROOT, { recursive: true });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** A download being written: appended to, then committed (renamed into place and listed) or discarded. */
class PartialFile implements PartialWrite {
  constructor(
    private readonly handle: FileSystemFileHandle,
    /** Deletes the partial bytes (a failed verification: they must not be resumed from). */
    readonly discard: () => Promise<void>,
    private readonly onCommit: (size: number, sha256: string | null) => Promise<void>,
  ) {}

  async existing(): Promise<File> {
    return this.handle.getFile();
  }

  /**
   * Appends to the partial bytes (or replaces them). In a worker, bytes go straight into the file and are
   * flushed with every block, so a reload resumes from them; a window's writable stream lands its bytes
   * only when it closes.
   */
  async writer(keepExisting: boolean): Promise<{
    write(bytes: Uint8Array<ArrayBuffer>): Promise<void>;
    close(): Promise<void>;
  }> {
    const handle = this.handle as WorkerFileHandle;
    if (handle.createSyncAccessHandle) {
      const access = await handle.createSyncAccessHandle();
      if (!keepExisting) access.truncate(0);
      let at = access.getSize();
      let flushedAt = at;
      return {
        write: async (bytes) => {
          at += access.write(bytes, { at });
          if (at - flushedAt >= WRITE_BLOCK_BYTES) {
            access.flush();
            flushedAt = at;
          }
        },
        close: async () => {
          access.flush();
          access.close();
        },
      };
    }
    const writable = await this.handle.createWritable({ keepExistingData: keepExisting });
    if (keepExisting) await writable.seek((await this.handle.getFile()).size);
    return writable;
  }

  commit(size: number, sha256: string | null): Promise<void> {
    return this.onCommit(size, sha256);
  }
}
