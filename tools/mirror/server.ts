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
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Catalog, summarize, type ModelRef, type ModelSummary, type RepoFile } from './catalog.ts';
import {
  isNotModified,
  parseRange,
  rangeAllowed,
  type ConditionalHeaders,
  type Validators,
} from './conditional.ts';
import {
  corruptedLength,
  faultMatches,
  flippedOffset,
  type CorruptMode,
  type FaultName,
  type Faults,
} from './faults.ts';
import { modelInfo, modelListEntry, treeEntries, type ModelInfo } from './hubApi.ts';
import { splitRequestPath } from './paths.ts';

export interface RequestLogEntry {
  readonly method: string;
  /** The request target exactly as received (still percent-encoded, with its query). */
  readonly path: string;
  /** The `Range` header, when the client sent one. */
  readonly range?: string;
  readonly status: number;
  /** Set when an injected fault shaped this response. */
  readonly fault?: FaultName;
}

export interface MirrorOptions {
  /** Folder holding `<org>/<name>/…` model folders in either layout. */
  readonly root: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Interface to listen on; loopback by default, so only the CLI opens the mirror to a LAN. */
  readonly host?: string;
  readonly faults?: Faults;
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

export type MirrorErrorCode = 'root-missing' | 'port-in-use' | 'listen-failed';

export class MirrorError extends Error {
  readonly code: MirrorErrorCode;
  constructor(code: MirrorErrorCode, message: string) {
    super(message);
    this.name = 'MirrorError';
    this.code = code;
  }
}

/** Headers a cross-origin page may read; the Hub's client libraries read all of these. */
export const EXPOSED_HEADERS = Object.freeze([
  'Content-Length',
  'Content-Range',
  'Accept-Ranges',
  'ETag',
  'X-Linked-ETag',
  'X-Linked-Size',
  'X-Repo-Commit',
  'X-Error-Code',
]);

/** Request headers a preflight allows even when not asked for; any asked-for header is allowed too. */
const ALLOWED_REQUEST_HEADERS = Object.freeze(['Range', 'If-None-Match', 'If-Range', 'If-Modified-Since']);
const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/**
 * On every response: any origin may read (a student's app runs on another origin than the mirror), and
 * `Cross-Origin-Resource-Policy: cross-origin` lets a crossOriginIsolated page (COEP require-corp, which
 * WASM threads need) load the files at all.
 */
const COMMON_HEADERS: OutgoingHttpHeaders = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Timing-Allow-Origin': '*',
  'X-Content-Type-Options': 'nosniff',
});

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  jinja: 'text/plain; charset=utf-8',
});

function contentType(path: string): string {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

type ErrorCode =
  'RepoNotFound' | 'EntryNotFound' | 'BadRequest' | 'MethodNotAllowed' | 'RangeNotSatisfiable' | 'Internal';

/** State of one request: its log entry is written when the status is chosen. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly send: (status: number, headers: OutgoingHttpHeaders, fault?: FaultName) => void;
}

/** Node types unknown headers as possibly repeated; a repeated If-Range is malformed, so use the first. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads `[start, end]` of the file as served: possibly truncated or with a flipped byte. */
function bodyStream(file: RepoFile, start: number, end: number, corrupt: CorruptMode | null): Readable {
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

async function sendThenCut(res: ServerResponse, body: Readable): Promise<void> {
  res.flushHeaders();
  for await (const chunk of body) {
    await new Promise<void>((resolveWrite, reject) =>
      res.write(chunk as Buffer, (error) => (error ? reject(error) : resolveWrite())),
    );
  }
  await new Promise((resolvePause) => setTimeout(resolvePause, CUT_PAUSE_MS));
  const socket = res.socket;
  socket?.end();
  setTimeout(() => socket?.destroy(), 2000).unref(); // a client that never closes its side
}

function connectableUrl(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const shown = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export async function startMirror(options: MirrorOptions): Promise<Mirror> {
  const { port = 0, host = '127.0.0.1', faults = {} } = options;
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
  let dropFired = false;

  const json = (
    exchange: Exchange,
    status: number,
    value: unknown,
    headers: OutgoingHttpHeaders = {},
  ): void => {
    const body = Buffer.from(`${JSON.stringify(value)}\n`);
    exchange.send(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      ...headers,
    });
    exchange.res.end(body);
  };
  const fail = (
    exchange: Exchange,
    status: number,
    code: ErrorCode,
    error: string,
    headers: OutgoingHttpHeaders = {},
  ): void => json(exchange, status, { error }, { 'X-Error-Code': code, ...headers });

  const requireModel = async (exchange: Exchange, org: string, name: string): Promise<ModelRef | null> => {
    const model = await catalog.findModel(org, name);
    if (!model) {
      fail(
        exchange,
        404,
        'RepoNotFound',
        `Repository not found: ${org}/${name} is not on this mirror (see /api/models for the list).`,
      );
    }
    return model;
  };

  const describe = async (model: ModelRef, blobs: boolean): Promise<ModelInfo> =>
    modelInfo(await catalog.snapshot(model), await catalog.config(model), { blobs });

  const serveFile = async (
    exchange: Exchange,
    model: ModelRef,
    segments: readonly string[],
    requestPath: string,
  ): Promise<void> => {
    const { req, res } = exchange;
    const file = await catalog.file(model, segments);
    if (!file) {
      fail(exchange, 404, 'EntryNotFound', `Entry not found: ${model.id} has no file ${segments.join('/')}.`);
      return;
    }
    const snapshot = await catalog.snapshot(model);
    const candidates = [requestPath, `${model.id}/${file.path}`];
    const corrupt =
      faults.corrupt && faultMatches(faults.corrupt.path, candidates) ? faults.corrupt.mode : null;
    const { size, sha256, gitOid, lfs, mtimeMs } = file.digest;
    const servedSize = corrupt ? corruptedLength(size, corrupt) : size;
    const validators: Validators = {
      // The Hub's convention: LFS files are named by their sha256 (strong), others by their git blob id (weak).
      etag: lfs ? `"${sha256}"` : `W/"${gitOid}"`,
      lastModified: new Date(Math.floor(mtimeMs / 1000) * 1000),
    };
    const headers: OutgoingHttpHeaders = {
      ETag: validators.etag,
      'Last-Modified': validators.lastModified.toUTCString(),
      'Cache-Control': 'no-cache', // revalidate (a cheap 304) so a re-forged model is never served stale
      'Accept-Ranges': 'bytes',
      'X-Repo-Commit': snapshot.sha,
      ...(lfs ? { 'X-Linked-ETag': `"${sha256}"`, 'X-Linked-Size': String(size) } : {}),
    };
    const conditions: ConditionalHeaders = {
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
      ifRange: headerValue(req.headers['if-range']),
    };
    if (isNotModified(conditions, validators)) {
      exchange.send(304, headers);
      res.end();
      return;
    }
    const range = rangeAllowed(conditions, validators)
      ? parseRange(req.headers.range, servedSize)
      : ({ kind: 'full' } as const);
    if (range.kind === 'unsatisfiable') {
      fail(
        exchange,
        416,
        'RangeNotSatisfiable',
        `Range "${req.headers.range ?? ''}" lies outside the ${servedSize} bytes of ${file.path}.`,
        {
          ...headers,
          'Content-Range': `bytes */${servedSize}`,
        },
      );
      return;
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, servedSize - 1];
    const drop =
      req.method === 'GET' &&
      !dropFired &&
      faults.dropOnce !== undefined &&
      faultMatches(faults.dropOnce.path, candidates)
        ? faults.dropOnce
        : null;
    const fault: FaultName | undefined = drop ? 'drop-once' : corrupt ? `corrupt-${corrupt}` : undefined;
    exchange.send(
      range.kind === 'partial' ? 206 : 200,
      {
        ...headers,
        'Content-Type': contentType(file.path),
        'Content-Length': end - start + 1,
        ...(range.kind === 'partial' ? { 'Content-Range': `bytes ${start}-${end}/${servedSize}` } : {}),
      },
      fault,
    );
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (drop) {
      dropFired = true; // before any await: two parallel first GETs must not both be cut
      await sendThenCut(res, bodyStream(file, start, Math.min(end, start + drop.afterBytes - 1), corrupt));
      return;
    }
    await pipeline(bodyStream(file, start, end, corrupt), res);
  };

  const route = async (exchange: Exchange): Promise<void> => {
    const { req } = exchange;
    const target = req.url ?? '/';
    const split = splitRequestPath(target);
    if (!split.ok) {
      fail(exchange, 400, 'BadRequest', `Refused path ${target}: ${split.reason}.`);
      return;
    }
    const { segments, query } = split;
    const [first, second, third, fourth, fifth, ...tail] = segments;

    if (segments.length === 0) {
      json(exchange, 200, {
        name: 'Glassbox mirror',
        about: 'Read-only model files in Hugging Face layout: /<org>/<name>/resolve/main/<file>.',
        models: (await catalog.listModels()).map((model) => model.id),
        api: '/api/models',
      });
      return;
    }
    if (first === 'api' && second === 'models') {
      if (third === undefined) {
        const author = query.get('author');
        const search = query.get('search')?.toLowerCase();
        const listed = (await catalog.listModels()).filter(
          (model) =>
            (author === null || model.org === author) && (!search || model.id.toLowerCase().includes(search)),
        );
        const infos = await Promise.all(listed.map((model) => describe(model, false)));
        json(exchange, 200, infos.map(modelListEntry));
        return;
      }
      if (fourth === undefined) {
        fail(exchange, 404, 'RepoNotFound', `Repository not found: "${third}" is not of the form org/name.`);
        return;
      }
      const model = await requireModel(exchange, third, fourth);
      if (!model) return;
      if (fifth === undefined || (fifth === 'revision' && tail.length === 1)) {
        json(exchange, 200, await describe(model, query.get('blobs') === 'true'));
        return;
      }
      if (fifth === 'tree' && tail.length >= 1) {
        const folderSegments = tail.slice(1);
        const snapshot = await catalog.snapshot(model);
        const folder = folderSegments.join('/');
        if (folder !== '' && !snapshot.treeOids.has(folder)) {
          fail(exchange, 404, 'EntryNotFound', `Entry not found: ${model.id} has no folder ${folder}.`);
          return;
        }
        const recursive = ['true', '1'].includes(query.get('recursive') ?? '');
        json(exchange, 200, treeEntries(snapshot, folder, recursive));
        return;
      }
    } else if (third === 'resolve' && first !== undefined && second !== undefined && fourth !== undefined) {
      // Any revision name serves the same files: the folder has exactly one version.
      const model = await requireModel(exchange, first, second);
      if (!model) return;
      await serveFile(exchange, model, segments.slice(4), segments.join('/'));
      return;
    }
    fail(
      exchange,
      404,
      'EntryNotFound',
      `Not found: ${target}. Files live at /<org>/<name>/resolve/main/<file>.`,
    );
  };

  const server = createServer((req, res) => {
    const remote = req.socket.remoteAddress ?? '';
    const send = (status: number, headers: OutgoingHttpHeaders, fault?: FaultName): void => {
      const entry: RequestLogEntry = {
        method: req.method ?? '',
        path: req.url ?? '',
        ...(req.headers.range !== undefined ? { range: req.headers.range } : {}),
        status,
        ...(fault ? { fault } : {}),
      };
      requests.push(entry);
      options.onRequest?.(entry, remote);
      res.writeHead(status, { ...COMMON_HEADERS, ...headers });
    };
    const exchange: Exchange = { req, res, send };

    if (req.method === 'OPTIONS') {
      // CORS preflight. Everything here is public and read-only, so any header asked for is fine.
      const asked = req.headers['access-control-request-headers'];
      const allowed = [
        ...ALLOWED_REQUEST_HEADERS,
        ...(asked ? asked.split(',').map((name) => name.trim()) : []),
      ];
      send(204, {
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': [...new Set(allowed.filter(Boolean))].join(', '),
        'Access-Control-Max-Age': '86400',
        Allow: ALLOWED_METHODS,
        // Chrome's Private Network Access: a page on a public origin asks before reaching a LAN address.
        ...(req.headers['access-control-request-private-network'] === 'true'
          ? { 'Access-Control-Allow-Private-Network': 'true' }
          : {}),
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      fail(
        exchange,
        405,
        'MethodNotAllowed',
        `Method ${req.method ?? ''} not allowed: this mirror only serves files (GET, HEAD).`,
        {
          Allow: ALLOWED_METHODS,
        },
      );
      return;
    }
    route(exchange).catch((error: unknown) => {
      // Client gone mid-body (a student closed the tab) is routine; anything else is our bug.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      fail(
        exchange,
        500,
        'Internal',
        `Mirror error: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new MirrorError(
              'port-in-use',
              `Port ${port} on ${host} is already in use: pass another with --port.`,
            )
          : new MirrorError('listen-failed', `Cannot listen on ${host}:${port}: ${error.message}`),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolveListen();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const address = server.address() as AddressInfo;
  return {
    url: connectableUrl(host, address.port),
    port: address.port,
    host,
    models,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      server.closeAllConnections(); // keep-alive sockets of finished downloads would hold close() open
      await closed;
    },
  };
}
