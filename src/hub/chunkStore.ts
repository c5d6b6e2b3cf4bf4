/**
 * The model store where the browser grants no Origin Private File System (a plain-http classroom
 * address is not a secure context): files kept as blocks of blobs in IndexedDB, or in this context's
 * memory when IndexedDB cannot be opened either.
 *
 *   manifests   <host key>/<org>/<name>                         → the model's manifest
 *   blocks      [<host key>/<org>/<name>, path, state, offset]  → a Blob (state: 'partial' or 'file')
 *
 * A download writes blocks of WRITE_BLOCK_BYTES at their byte offsets, so a reload resumes after the last
 * block written. Two tabs downloading the same file (Web Locks, which keep them apart elsewhere, need a
 * secure context too) write the same bytes under the same keys. A commit makes the partial blocks the
 * file and lists it in the manifest in one transaction; a file is read back as one File made of its
 * blobs, which the browser keeps on disk.
 */
import { openDB, type DBSchema } from 'idb';
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

type BlockState = 'partial' | 'file';

interface Block {
  at: number;
  blob: Blob;
}

/** What the store needs of its storage; every call is atomic. */
interface BlockTable {
  manifest(model: string): Promise<unknown>;
  manifests(): Promise<unknown[]>;
  /** Replaces the model's manifest with `change(stored)`, read and written in one transaction. */
  updateManifest(model: string, change: (stored: unknown) => ModelManifest): Promise<void>;
  /** Ordered by offset. */
  blocks(model: string, path: string, state: BlockState): Promise<Block[]>;
  putPartialBlock(model: string, path: string, block: Block): Promise<void>;
  dropBlocks(model: string, path: string, state: BlockState): Promise<void>;
  /**
   * Makes the partial blocks the file and applies `change` to the manifest, in one transaction; false (and
   * nothing changed) when the partial blocks do not make up `size` bytes from the first.
   */
  commit(
    model: string,
    path: string,
    size: number,
    change: (stored: unknown) => ModelManifest,
  ): Promise<boolean>;
  removeModel(model: string): Promise<void>;
  clear(): Promise<void>;
}

/** The blocks that follow one another from byte 0: what a resumed download may continue from. */
function leadingRun(blocks: readonly Block[]): Block[] {
  const run: Block[] = [];
  let next = 0;
  for (const block of blocks) {
    if (block.at !== next) break;
    run.push(block);
    next += block.blob.size;
  }
  return run;
}

const runSize = (run: readonly Block[]): number => run.reduce((sum, block) => sum + block.blob.size, 0);

interface ModelDatabase extends DBSchema {
  // Read back as unknown: checked on arrival like any stored record.
  manifests: { key: string; value: unknown };
  blocks: { key: [string, string, BlockState, number]; value: Blob };
}

async function indexedDbTable(): Promise<BlockTable> {
  const db = await openDB<ModelDatabase>('glassbox-models', 1, {
    upgrade(upgrade) {
      upgrade.createObjectStore('manifests');
      upgrade.createObjectStore('blocks');
    },
  });
  const fileRange = (model: string, path: string, state: BlockState) =>
    IDBKeyRange.bound([model, path, state, 0], [model, path, state, Infinity]);
  // Arrays sort after strings, so [model, []] bounds every key that starts with the model.
  const modelRange = (model: string) => IDBKeyRange.bound([model], [model, []]);
  return {
    manifest: (model) => db.get('manifests', model),
    manifests: () => db.getAll('manifests'),
    async updateManifest(model, change) {
      const transaction = db.transaction('manifests', 'readwrite');
      const next = change(await transaction.store.get(model));
      await Promise.all([transaction.store.put(next, model), transaction.done]);
    },
    async blocks(model, path, state) {
      const transaction = db.transaction('blocks');
      const range = fileRange(model, path, state);
      const [keys, blobs] = await Promise.all([
        transaction.store.getAllKeys(range),
        transaction.store.getAll(range),
      ]);
      return blobs.map((blob, i) => ({ at: keys[i]?.[3] ?? 0, blob }));
    },
    async putPartialBlock(model, path, { at, blob }) {
      await db.put('blocks', blob, [model, path, 'partial', at]);
    },
    async dropBlocks(model, path, state) {
      await db.delete('blocks', fileRange(model, path, state));
    },
    async commit(model, path, size, change) {
      const transaction = db.transaction(['blocks', 'manifests'], 'readwrite');
      const blocks = transaction.objectStore('blocks');
      const range = fileRange(model, path, 'partial');
      const [keys, blobs] = await Promise.all([blocks.getAllKeys(range), blocks.getAll(range)]);
      const run = leadingRun(blobs.map((blob, i) => ({ at: keys[i]?.[3] ?? 0, blob })));
      if (runSize(run) !== size) {
        transaction.abort();
        await transaction.done.catch(() => {});
        return false;
      }
      const manifests = transaction.objectStore('manifests');
      const next = change(await manifests.get(model));
      await Promise.all([
        blocks.delete(fileRange(model, path, 'file')),
        blocks.delete(range),
        ...run.map(({ at, blob }) => blocks.put(blob, [model, path, 'file', at])),
        manifests.put(next, model),
        transaction.done,
      ]);
      return true;
    },
    async removeModel(model) {
      const transaction = db.transaction(['blocks', 'manifests'], 'readwrite');
      await Promise.all([
        transaction.objectStore('blocks').delete(modelRange(model)),
        transaction.objectStore('manifests').delete(model),
        transaction.done,
      ]);
    },
    async clear() {
      const transaction = db.transaction(['blocks', 'manifests'], 'readwrite');
      await Promise.all([
        transaction.objectStore('blocks').clear(),
        transaction.objectStore('manifests').clear(),
        transaction.done,
      ]);
    },
  };
}

/** The same table in this context's memory: nothing survives a reload, and no other context sees it. */
export function memoryTable(): BlockTable {
  const manifests = new Map<string, unknown>();
  const files = new Map<string, Map<number, Blob>>();
  const fileKey = (model: string, path: string, state: BlockState) => JSON.stringify([model, path, state]);
  const blocksOf = (model: string, path: string, state: BlockState): Block[] =>
    [...(files.get(fileKey(model, path, state)) ?? new Map<number, Blob>())]
      .map(([at, blob]) => ({ at, blob }))
      .sort((a, b) => a.at - b.at);
  return {
    manifest: async (model) => manifests.get(model),
    manifests: async () => [...manifests.values()],
    async updateManifest(model, change) {
      manifests.set(model, change(manifests.get(model)));
    },
    blocks: async (model, path, state) => blocksOf(model, path, state),
    async putPartialBlock(model, path, { at, blob }) {
      const key = fileKey(model, path, 'partial');
      files.set(key, (files.get(key) ?? new Map<number, Blob>()).set(at, blob));
    },
    async dropBlocks(model, path, state) {
      files.delete(fileKey(model, path, state));
    },
    async commit(model, path, size, change) {
      const run = leadingRun(blocksOf(model, path, 'partial'));
      if (runSize(run) !== size) return false;
      files.delete(fileKey(model, path, 'partial'));
      files.set(fileKey(model, path, 'file'), new Map(run.map(({ at, blob }) => [at, blob])));
      manifests.set(model, change(manifests.get(model)));
      return true;
    },
    async removeModel(model) {
      manifests.delete(model);
      for (const key of [...files.keys()]) {
        if ((JSON.parse(key) as string[])[0] === model) files.delete(key);
      }
    },
    async clear() {
      manifests.clear();
      files.clear();
    },
  };
}

export class ChunkedModelStore implements ModelStore {
  private readonly opened: Promise<{ table: BlockTable; kind: 'indexeddb' | 'memory' }>;

  /** `table` replaces the storage (tests); by default IndexedDB, else memory. */
  constructor(table?: BlockTable) {
    this.opened = table
      ? Promise.resolve({ table, kind: 'memory' })
      : indexedDbTable().then(
          (opened) => ({ table: opened, kind: 'indexeddb' as const }),
          // IndexedDB may be missing or refused (some private modes): the models then live in memory.
          () => ({ table: memoryTable(), kind: 'memory' as const }),
        );
  }

  async kind(): Promise<'indexeddb' | 'memory'> {
    return (await this.opened).kind;
  }

  private async table(): Promise<BlockTable> {
    return (await this.opened).table;
  }

  private async updateManifest(host: string, id: string, change: (manifest: ModelManifest) => void) {
    await (await this.table()).updateManifest(modelKey(host, id), manifestChange(host, id, change));
  }

  async manifest(host: string, id: string): Promise<ModelManifest | null> {
    return checkedManifest(await (await this.table()).manifest(modelKey(host, id)));
  }

  async file(host: string, id: string, path: string): Promise<File | null> {
    const entry = (await this.manifest(host, id))?.files[path];
    if (!entry) return null;
    const blocks = await (await this.table()).blocks(modelKey(host, id), path, 'file');
    const file = new File(
      blocks.map((block) => block.blob),
      path.split('/').pop() ?? path,
    );
    // Blocks missing behind our back (storage cleared half-way) make the file untrusted.
    return file.size === entry.size ? file : null;
  }

  async isAbsent(host: string, id: string, path: string): Promise<boolean> {
    return (await this.manifest(host, id))?.absent.includes(path) ?? false;
  }

  async forgetAbsent(host: string, id: string): Promise<void> {
    if (!(await this.manifest(host, id))?.absent.length) return;
    await this.updateManifest(host, id, (manifest) => (manifest.absent = []));
  }

  async markAbsent(host: string, id: string, path: string): Promise<void> {
    await this.updateManifest(host, id, (manifest) => {
      if (!manifest.absent.includes(path)) manifest.absent.push(path);
    });
  }

  async touch(host: string, id: string): Promise<void> {
    if (!(await this.manifest(host, id))) return;
    await this.updateManifest(host, id, (manifest) => (manifest.lastUsed = Date.now()));
  }

  async partial(host: string, id: string, path: string): Promise<PartialWrite> {
    const table = await this.table();
    const model = modelKey(host, id);
    const existing = async () => leadingRun(await table.blocks(model, path, 'partial'));
    return {
      existing: async () => new Blob((await existing()).map((block) => block.blob)),
      discard: () => table.dropBlocks(model, path, 'partial'),
      async writer(keepExisting) {
        if (!keepExisting) await table.dropBlocks(model, path, 'partial');
        let at = keepExisting ? runSize(await existing()) : 0;
        let pending: Uint8Array<ArrayBuffer>[] = [];
        let pendingBytes = 0;
        const flush = async () => {
          if (pendingBytes === 0) return;
          const blob = new Blob(pending);
          pending = [];
          pendingBytes = 0;
          await table.putPartialBlock(model, path, { at, blob });
          at += blob.size;
        };
        return {
          async write(bytes) {
            pending.push(bytes);
            pendingBytes += bytes.byteLength;
            if (pendingBytes >= WRITE_BLOCK_BYTES) await flush();
          },
          close: flush,
        };
      },
      commit: async (size, sha256) => {
        const committed = await table.commit(
          model,
          path,
          size,
          manifestChange(host, id, (manifest) => {
            manifest.files[path] = { size, sha256, storedAt: Date.now() };
            manifest.absent = manifest.absent.filter((name) => name !== path);
            manifest.lastUsed = Date.now();
          }),
        );
        if (committed) return;
        // Another tab committed the same file first and took the blocks: the file is stored all the same.
        await table.dropBlocks(model, path, 'partial');
        if ((await this.manifest(host, id))?.files[path]?.size !== size) {
          throw new Error(`${path} changed in storage while it was written. Load the model again.`);
        }
      },
    };
  }

  async list(): Promise<StoredModel[]> {
    const manifests = (await (await this.table()).manifests()).map(checkedManifest);
    return manifests
      .filter((manifest) => manifest !== null)
      .map(storedModel)
      .sort((a, b) => b.manifest.lastUsed - a.manifest.lastUsed);
  }

  async remove(host: string, id: string): Promise<void> {
    await (await this.table()).removeModel(modelKey(host, id));
  }

  async removeAll(): Promise<void> {
    await (await this.table()).clear();
  }
}

function modelKey(host: string, id: string): string {
  return `${hostKey(host)}/${id}`;
}

/** `change` applied to the stored manifest as read back (checked), or to a new one. */
function manifestChange(host: string, id: string, change: (manifest: ModelManifest) => void) {
  return (stored: unknown): ModelManifest => {
    const manifest = checkedManifest(stored) ?? emptyManifest(host, id);
    change(manifest);
    return manifest;
  };
}
