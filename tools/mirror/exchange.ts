/**
 * One request and its reply: the log entry recorded the moment a status is chosen, and the JSON bodies
 * and Hub-style errors (`X-Error-Code`) the routes answer with.
 *
 *   fail(exchange, 404, 'EntryNotFound', 'Entry not found: …');  // → 404 {"error":"Entry not found: …"}
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FaultName } from './faults.ts';
import { COMMON_HEADERS, JSON_CONTENT_TYPE, corsHeaders } from './headers.ts';
import type { OriginPolicy } from './origins.ts';

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

/** Receives each request's log entry once its status is known. */
export type RecordRequest = (entry: RequestLogEntry, remoteAddress: string) => void;

/** The Hub's `X-Error-Code` values the mirror answers with. */
export type ErrorCode =
  'RepoNotFound' | 'EntryNotFound' | 'BadRequest' | 'MethodNotAllowed' | 'RangeNotSatisfiable' | 'Internal';

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Records the request's log entry and writes the status line and headers (the common ones added). */
  readonly send: (status: number, headers: OutgoingHttpHeaders, fault?: FaultName) => void;
}

export function openExchange(
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordRequest,
  allowed: OriginPolicy,
): Exchange {
  // Read now: once the client hangs up, the socket no longer knows its address.
  const remote = req.socket.remoteAddress ?? '';
  const send = (status: number, headers: OutgoingHttpHeaders, fault?: FaultName): void => {
    const entry: RequestLogEntry = {
      method: req.method ?? '',
      path: req.url ?? '',
      ...(req.headers.range !== undefined ? { range: req.headers.range } : {}),
      status,
      ...(fault ? { fault } : {}),
    };
    record(entry, remote);
    res.writeHead(status, { ...COMMON_HEADERS, ...corsHeaders(req.headers, allowed), ...headers });
  };
  return { req, res, send };
}

export function json(
  exchange: Exchange,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const body = Buffer.from(`${JSON.stringify(value)}\n`);
  exchange.send(status, {
    'Content-Type': JSON_CONTENT_TYPE,
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
    ...headers,
  });
  exchange.res.end(body);
}

/** An error as the Hub sends it: `{ "error": … }` with the reason in `X-Error-Code`. */
export function fail(
  exchange: Exchange,
  status: number,
  code: ErrorCode,
  error: string,
  headers: OutgoingHttpHeaders = {},
): void {
  json(exchange, status, { error }, { 'X-Error-Code': code, ...headers });
}
