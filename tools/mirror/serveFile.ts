/**
 * Answers the file route (`/<org>/<name>/resolve/<rev>/<file>`): validators (ETag, Last-Modified), 304,
 * byte ranges and 416, HEAD, and the injected faults that cut or corrupt a download.
 *
 *   const serveFile = fileServer(catalog, faults);
 *   await serveFile(exchange, model, ['onnx', 'model.onnx'], 'acme/chat/resolve/main/onnx/model.onnx');
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Catalog, ModelRef, RepoFile, RepoSnapshot } from './catalog.ts';
import {
  isNotModified,
  parseRange,
  rangeAllowed,
  type ConditionalHeaders,
  type Validators,
} from './conditional.ts';
import { fail, type Exchange } from './exchange.ts';
import { corruptedLength, faultMatches, type FaultName, type Faults } from './faults.ts';
import { bodyStream, sendThenCut, sendThenStall } from './fileBody.ts';
import { contentType } from './headers.ts';

export type ServeFile = (
  exchange: Exchange,
  model: ModelRef,
  segments: readonly string[],
  requestPath: string,
) => Promise<void>;

/** The Hub's convention: LFS files are named by their sha256 (strong), others by their git blob id (weak). */
function validatorsOf({ digest }: RepoFile): Validators {
  return {
    etag: digest.lfs ? `"${digest.sha256}"` : `W/"${digest.gitOid}"`,
    lastModified: new Date(Math.floor(digest.mtimeMs / 1000) * 1000),
  };
}

/** Headers of every answer about the file: 200, 206, 304 and 416 alike. */
function fileHeaders(file: RepoFile, snapshot: RepoSnapshot, validators: Validators): OutgoingHttpHeaders {
  const { sha256, size, lfs } = file.digest;
  return {
    ETag: validators.etag,
    'Last-Modified': validators.lastModified.toUTCString(),
    'Cache-Control': 'no-cache', // revalidate (a cheap 304) so a re-forged model is never served stale
    'Accept-Ranges': 'bytes',
    'X-Repo-Commit': snapshot.sha,
    ...(lfs ? { 'X-Linked-ETag': `"${sha256}"`, 'X-Linked-Size': String(size) } : {}),
  };
}

/** Node types unknown headers as possibly repeated; a repeated If-Range is malformed, so use the first. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function conditionsOf(headers: IncomingHttpHeaders): ConditionalHeaders {
  return {
    ifNoneMatch: headers['if-none-match'],
    ifModifiedSince: headers['if-modified-since'],
    ifRange: headerValue(headers['if-range']),
  };
}

/** The file route's handler; one per mirror, since a drop-once or stall-once fault fires once per mirror. */
export function fileServer(catalog: Catalog, faults: Faults): ServeFile {
  let dropFired = false;
  let stallFired = false;
  return async (exchange, model, segments, requestPath) => {
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
    const servedSize = corrupt ? corruptedLength(file.digest.size, corrupt) : file.digest.size;
    const validators = validatorsOf(file);
    const headers = fileHeaders(file, snapshot, validators);
    const conditions = conditionsOf(req.headers);
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
        { ...headers, 'Content-Range': `bytes */${servedSize}` },
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
    const stall =
      req.method === 'GET' &&
      !drop &&
      !stallFired &&
      faults.stallOnce !== undefined &&
      faultMatches(faults.stallOnce.path, candidates)
        ? faults.stallOnce
        : null;
    const fault: FaultName | undefined = drop
      ? 'drop-once'
      : stall
        ? 'stall-once'
        : corrupt
          ? `corrupt-${corrupt}`
          : undefined;
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
    if (stall) {
      stallFired = true;
      await sendThenStall(res, bodyStream(file, start, Math.min(end, start + stall.afterBytes - 1), corrupt));
      return;
    }
    await pipeline(bodyStream(file, start, end, corrupt), res);
  };
}
