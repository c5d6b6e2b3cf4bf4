/**
 * The mirror's HTTP server: a read-only host in Hugging Face layout over a folder of models, answering
 * the file route and the model, tree and list APIs the way huggingface.co does, with the headers a
 * browser client needs to resume (Range, If-Range) and verify (ETag, X-Linked-ETag, X-Linked-Size)
 * downloads. Tests start it on a loopback port and may inject faults.
 *
 *   const mirror = await startMirror({ root: 'public/models' });
 *   await fetch(`${mirror.url}/glassbox/tiny-chat/resolve/main/config.json`);  // → 200, the file
 *   mirror.requests;  // → [{ method: 'GET', path: '/glassbox/tiny-chat/resolve/main/config.json', status: 200 }]
 *   await mirror.close();
 */
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import { Catalog, summarize, type ModelSummary } from './catalog.ts';
import type { RequestLogEntry } from './exchange.ts';
import type { Faults } from './faults.ts';
import { listen } from './listen.ts';
import { originPolicy } from './origins.ts';
import { requestHandler } from './routes.ts';
import { MirrorError } from './startupError.ts';

export type { RequestLogEntry } from './exchange.ts';
export { EXPOSED_HEADERS } from './headers.ts';
export { MirrorError, type MirrorErrorCode } from './startupError.ts';

export interface MirrorOptions {
  /** Folder holding `<org>/<name>/…` model folders in either layout. */
  readonly root: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Interface to listen on; loopback by default, so only the CLI opens the mirror to a LAN. */
  readonly host?: string;
  readonly faults?: Faults;
  /** App origins allowed to read the mirror besides this machine's own (origins.ts). */
  readonly allowedOrigins?: readonly string[];
  /** Called once per request when its status is known (the CLI logs from here). */
  readonly onRequest?: (entry: RequestLogEntry, remoteAddress: string) => void;
}

export interface Mirror {
  /** Base URL to use as the app's host, e.g. `http://127.0.0.1:41234` (loopback for wildcard hosts). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The models found and hashed at start. */
  readonly models: readonly ModelSummary[];
  /** Every request so far, in arrival order of their responses. */
  readonly requests: RequestLogEntry[];
  close(): Promise<void>;
}

/** A mirror's request handler over a folder, hashed and ready, for a server of one's own (the classroom's). */
export interface MirrorHandler {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  readonly catalog: Catalog;
  readonly models: readonly ModelSummary[];
  readonly requests: RequestLogEntry[];
}

export async function mirrorHandler(options: Omit<MirrorOptions, 'port' | 'host'>): Promise<MirrorHandler> {
  const catalog = new Catalog(options.root);
  const rootInfo = await stat(catalog.root).catch(() => null);
  if (!rootInfo?.isDirectory()) {
    throw new MirrorError(
      'root-missing',
      `The folder ${catalog.root} does not exist or is not a folder. Pass the folder that holds <org>/<name>/ model folders (for the demo models: npm run forge, then public/models).`,
    );
  }
  // Hash everything before answering, so the first student does not wait for a 500 MB sha256.
  const models: ModelSummary[] = [];
  for (const model of await catalog.listModels()) models.push(summarize(await catalog.snapshot(model)));

  const requests: RequestLogEntry[] = [];
  const handle = requestHandler(
    catalog,
    options.faults ?? {},
    (entry, remoteAddress) => {
      requests.push(entry);
      options.onRequest?.(entry, remoteAddress);
    },
    originPolicy(options.allowedOrigins ?? [], networkInterfaces()),
  );
  return { handle, catalog, models, requests };
}

export async function startMirror(options: MirrorOptions): Promise<Mirror> {
  const { port = 0, host = '127.0.0.1' } = options;
  const { handle, models, requests } = await mirrorHandler(options);
  const listening = await listen(createServer(handle), port, host);
  return { url: listening.url, port: listening.port, host, models, requests, close: listening.close };
}
