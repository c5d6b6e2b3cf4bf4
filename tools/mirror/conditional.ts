/**
 * The HTTP parts a resumable, verifiable download relies on (RFC 9110): byte ranges, ETag comparison,
 * and the conditional headers `If-None-Match`, `If-Modified-Since` and `If-Range`. Pure functions, so the
 * corner cases are tested without a socket.
 *
 *   parseRange('bytes=-100', 1000)   // → { kind: 'partial', start: 900, end: 999 }
 *   parseRange('bytes=2000-', 1000)  // → { kind: 'unsatisfiable' }
 *   etagMatches('W/"abc"', '"abc"', 'weak')  // → true
 */

/** What to send for a `Range` header: the whole body (200), one slice (206, `end` inclusive) or 416. */
export type RangeDecision =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * One range in the three forms clients send (`a-b`, `a-`, `-n`). A header we cannot read, or one asking
 * for several ranges, is ignored (answered with the whole file) as RFC 9110 §14.2 allows: multipart
 * bodies would only complicate every client that resumes a download.
 */
export function parseRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const match = SINGLE_RANGE.exec(header.trim().replace(/\s+/g, ''));
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    // Suffix range: the last n bytes; `-0` and any suffix of an empty file select nothing.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'full' }; // invalid, so ignored rather than refused
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** An entity tag as sent in headers: `"opaque"` (strong) or `W/"opaque"` (weak). */
export type EtagHeader = string;

function opaque(tag: string): { weak: boolean; value: string } {
  const trimmed = tag.trim();
  const weak = trimmed.startsWith('W/');
  return { weak, value: weak ? trimmed.slice(2) : trimmed };
}

/**
 * Weak comparison (for `If-None-Match`) ignores the `W/` flag; strong comparison (for `If-Range`) only
 * matches two strong tags, because a weak tag does not promise byte-identical slices.
 */
export function etagMatches(a: EtagHeader, b: EtagHeader, mode: 'weak' | 'strong'): boolean {
  const x = opaque(a);
  const y = opaque(b);
  if (mode === 'strong' && (x.weak || y.weak)) return false;
  return x.value === y.value;
}

/** The validators of one served file. `lastModified` is whole seconds, as HTTP dates carry. */
export interface Validators {
  readonly etag: EtagHeader;
  readonly lastModified: Date;
}

export interface ConditionalHeaders {
  readonly ifNoneMatch?: string | undefined;
  readonly ifModifiedSince?: string | undefined;
  readonly ifRange?: string | undefined;
}

/** True when a GET or HEAD should be answered 304; `If-None-Match` wins over `If-Modified-Since`. */
export function isNotModified(headers: ConditionalHeaders, validators: Validators): boolean {
  if (headers.ifNoneMatch !== undefined) {
    const tags = headers.ifNoneMatch.split(',').map((tag) => tag.trim());
    return tags.some((tag) => tag === '*' || etagMatches(tag, validators.etag, 'weak'));
  }
  if (headers.ifModifiedSince !== undefined) {
    const since = Date.parse(headers.ifModifiedSince);
    return !Number.isNaN(since) && validators.lastModified.getTime() <= since;
  }
  return false;
}

/**
 * Whether a `Range` may be honoured: without `If-Range` always; with it only if the client's copy is
 * still the current one (same strong ETag, or exactly the same date). Otherwise the client gets the
 * whole new file instead of a slice it would splice onto stale bytes.
 */
export function rangeAllowed(headers: ConditionalHeaders, validators: Validators): boolean {
  const ifRange = headers.ifRange?.trim();
  if (ifRange === undefined || ifRange === '') return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
    return etagMatches(ifRange, validators.etag, 'strong');
  }
  const date = Date.parse(ifRange);
  return !Number.isNaN(date) && date === validators.lastModified.getTime();
}
