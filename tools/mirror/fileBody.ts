/**
 * A served file's bytes on their way out: a slice read from disk, corrupted when a fault asks for it,
 * and the mid-body connection cut of a drop-once fault.
 *
 *   await pipeline(bodyStream(file, 0, 99, null), res);      // the first 100 bytes, as on disk
 *   await sendThenCut(res, bodyStream(file, 0, 99, null));   // the same, then the connection drops
 */
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import type { RepoFile } from './catalog.ts';
import { flippedOffset, type CorruptMode } from './faults.ts';

/** Reads `[start, end]` of the file as served: possibly truncated or with a flipped byte. */
export function bodyStream(
  file: RepoFile,
  start: number,
  end: number,
  corrupt: CorruptMode | null,
): Readable {
  const size = file.digest.size;
  if (end < start) return Readable.from([]);
  if (corrupt === 'size' && size === 0) return Readable.from([Buffer.alloc(1)]); // the one added byte
  const source = createReadStream(file.absPath, { start, end });
  if (corrupt !== 'bytes') return source;
  const flip = flippedOffset(size);
  let offset = start;
  const flipper = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const at = flip - offset;
      offset += chunk.length;
      if (at < 0 || at >= chunk.length) return callback(null, chunk);
      const copy = Buffer.from(chunk);
      copy[at] = (copy[at] ?? 0) ^ 0xff;
      callback(null, copy);
    },
  });
  source.on('error', (error) => flipper.destroy(error));
  return source.pipe(flipper);
}

/**
 * Sends the headers and the (already shortened) body, then closes the connection although the
 * Content-Length promised more: the client sees a download cut mid-file. `end()` rather than
 * `destroy()`, so the bytes still queued in Node reach the client before the close. The pause
 * before the cut lets a browser hand the response to the page first, as on a real network; on
 * loopback an instant cut can fail the request before the page has read a byte of it.
 */
const CUT_PAUSE_MS = 300;

async function sendSome(res: ServerResponse, body: Readable): Promise<void> {
  res.flushHeaders();
  for await (const chunk of body) {
    await new Promise<void>((resolveWrite, reject) =>
      res.write(chunk as Buffer, (error) => (error ? reject(error) : resolveWrite())),
    );
  }
}

/** Sends the (already shortened) body, then nothing more, until the client goes away. */
export async function sendThenStall(res: ServerResponse, body: Readable): Promise<void> {
  await sendSome(res, body);
  await new Promise<void>((closed) => res.once('close', () => closed()));
}

export async function sendThenCut(res: ServerResponse, body: Readable): Promise<void> {
  await sendSome(res, body);
  await new Promise((resolvePause) => setTimeout(resolvePause, CUT_PAUSE_MS));
  const socket = res.socket;
  socket?.end();
  setTimeout(() => socket?.destroy(), 2000).unref(); // a client that never closes its side
}
