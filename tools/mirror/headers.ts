/**
 * Response headers: what every response carries (CORS, cross-origin isolation), the answer to a CORS
 * preflight, and content types by file extension.
 *
 *   contentType('onnx/model.onnx')  // → 'application/octet-stream'
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { OriginPolicy } from './origins.ts';

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
export const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/**
 * On every response: `Cross-Origin-Resource-Policy: cross-origin` lets a crossOriginIsolated page (COEP
 * require-corp, which WASM threads need) load the files at all; who may read them is `corsHeaders`.
 */
export const COMMON_HEADERS: OutgoingHttpHeaders = Object.freeze({
  'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Timing-Allow-Origin': '*',
  'X-Content-Type-Options': 'nosniff',
});

/** A page of an allowed origin may read the answer (origins.ts); others get no CORS permission. */
export function corsHeaders(request: IncomingHttpHeaders, allowed: OriginPolicy): OutgoingHttpHeaders {
  const origin = request.origin;
  return origin !== undefined && allowed(origin)
    ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
    : { Vary: 'Origin' };
}

/** The answer to a CORS preflight. Everything here is read-only, so any header asked for is fine. */
export function preflightHeaders(request: IncomingHttpHeaders, allowed: OriginPolicy): OutgoingHttpHeaders {
  const asked = request['access-control-request-headers'];
  const headers = [...ALLOWED_REQUEST_HEADERS, ...(asked ? asked.split(',').map((name) => name.trim()) : [])];
  return {
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Allow-Headers': [...new Set(headers.filter(Boolean))].join(', '),
    'Access-Control-Max-Age': '86400',
    Allow: ALLOWED_METHODS,
    // Chrome's Private Network Access: a page on a public origin asks before reaching a LAN address;
    // only an allowed app is told yes.
    ...(request['access-control-request-private-network'] === 'true' &&
    request.origin !== undefined &&
    allowed(request.origin)
      ? { 'Access-Control-Allow-Private-Network': 'true' }
      : {}),
  };
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  json: JSON_CONTENT_TYPE,
  md: 'text/markdown; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  jinja: 'text/plain; charset=utf-8',
});

export function contentType(path: string): string {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}
