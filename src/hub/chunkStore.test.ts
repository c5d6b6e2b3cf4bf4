import { describe, expect, it } from 'vitest';
import { WRITE_BLOCK_BYTES } from '../core/settings.ts';
import { ChunkedModelStore, memoryTable } from './chunkStore.ts';

const HOST = 'http://classroom.test:8080/models';
const ID = 'glassbox/tiny-chat';
const PATH = 'onnx/model.onnx';

/** A file of 2.5 blocks, so a download writes two whole blocks and a tail. */
const FILE = new Uint8Array(WRITE_BLOCK_BYTES * 2.5);
for (let i = 0; i < FILE.length; i++) FILE[i] = (i * 31) % 253;

/** Whether `blob` holds exactly `bytes` (compared as buffers: element-wise equality of megabytes is slow). */
async function holds(blob: Blob | null, bytes: Uint8Array): Promise<boolean> {
  return blob !== null && Buffer.from(await blob.arrayBuffer()).equals(bytes);
}

async function write(store: ChunkedModelStore, bytes: Uint8Array, keepExisting = false): Promise<void> {
  const writer = await (await store.partial(HOST, ID, PATH)).writer(keepExisting);
  // Network-sized chunks, as a download delivers them.
  for (let at = 0; at < bytes.length; at += 64 * 1024) await writer.write(bytes.slice(at, at + 64 * 1024));
  await writer.close();
}

describe('the model store without a file system (IndexedDB or memory)', () => {
  it('stores a file only when committed, and reads it back whole', async () => {
    const store = new ChunkedModelStore(memoryTable());
    await write(store, FILE);
    expect(await store.file(HOST, ID, PATH)).toBeNull();
    await (await store.partial(HOST, ID, PATH)).commit(FILE.length, 'abc');
    expect(await holds(await store.file(HOST, ID, PATH), FILE)).toBe(true);
    expect((await store.manifest(HOST, ID))?.files[PATH]).toMatchObject({ size: FILE.length, sha256: 'abc' });
    expect((await (await store.partial(HOST, ID, PATH)).existing()).size).toBe(0);
    const [listed] = await store.list();
    expect(listed?.bytes).toBe(FILE.length);
  });

  it('resumes after the last block written: a reload mid-download keeps the whole blocks', async () => {
    const store = new ChunkedModelStore(memoryTable());
    const writer = await (await store.partial(HOST, ID, PATH)).writer(false);
    await writer.write(FILE.slice(0, WRITE_BLOCK_BYTES + 1000)); // one block lands; the rest is lost with the tab
    const partial = await store.partial(HOST, ID, PATH);
    expect((await partial.existing()).size).toBe(WRITE_BLOCK_BYTES + 1000);

    const resumed = new ChunkedModelStore(memoryTable());
    await write(resumed, FILE.slice(0, WRITE_BLOCK_BYTES));
    await write(resumed, FILE.slice(WRITE_BLOCK_BYTES), true);
    await (await resumed.partial(HOST, ID, PATH)).commit(FILE.length, null);
    expect(await holds(await resumed.file(HOST, ID, PATH), FILE)).toBe(true);
  });

  it('two tabs writing the same file store it once, whichever commits first', async () => {
    const store = new ChunkedModelStore(memoryTable());
    await write(store, FILE);
    await write(store, FILE, false);
    const first = await store.partial(HOST, ID, PATH);
    const second = await store.partial(HOST, ID, PATH);
    await first.commit(FILE.length, null);
    await second.commit(FILE.length, null); // its blocks are gone, but the file is stored: no error
    expect(await holds(await store.file(HOST, ID, PATH), FILE)).toBe(true);
  });

  it('refuses a commit whose blocks do not make up the file, and lists nothing', async () => {
    const store = new ChunkedModelStore(memoryTable());
    await write(store, FILE.slice(0, 1000));
    await expect((await store.partial(HOST, ID, PATH)).commit(FILE.length, null)).rejects.toThrow(
      'changed in storage while it was written',
    );
    expect(await store.file(HOST, ID, PATH)).toBeNull();
  });

  it('keeps absent files, last use and deletions per model', async () => {
    const store = new ChunkedModelStore(memoryTable());
    await store.markAbsent(HOST, ID, 'generation_config.json');
    expect(await store.isAbsent(HOST, ID, 'generation_config.json')).toBe(true);
    await store.forgetAbsent(HOST, ID);
    expect(await store.isAbsent(HOST, ID, 'generation_config.json')).toBe(false);
    await write(store, FILE.slice(0, 10));
    await (await store.partial(HOST, ID, PATH)).commit(10, null);
    await store.remove(HOST, 'glassbox/other');
    expect(await store.file(HOST, ID, PATH)).not.toBeNull();
    await store.remove(HOST, ID);
    expect(await store.file(HOST, ID, PATH)).toBeNull();
    expect(await store.list()).toEqual([]);
  });
});
