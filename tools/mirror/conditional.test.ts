/**
 * Range and conditional-request rules (RFC 9110) as pure functions: the corner cases a resuming or
 * revalidating client hits, without a socket.
 *
 * Run: npx vitest run tools/mirror/conditional.test.ts
 */
import { describe, expect, it } from 'vitest';
import { etagMatches, isNotModified, parseRange, rangeAllowed, type Validators } from './conditional.ts';

describe('parseRange', () => {
  const table: [string | undefined, number, ReturnType<typeof parseRange>][] = [
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 9 }],
    ['bytes=90-', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-500', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=50-500', 100, { kind: 'partial', start: 50, end: 99 }],
    ['bytes=99-99', 100, { kind: 'partial', start: 99, end: 99 }],
    [' bytes = 1 - 2 ', 100, { kind: 'partial', start: 1, end: 2 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=100-200', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=9-2', 100, { kind: 'full' }],
    ['bytes=0-1,4-5', 100, { kind: 'full' }],
    ['bytes=-', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
    ['bytes=a-b', 100, { kind: 'full' }],
  ];
  it.each(table)('reads %j of a %i-byte file', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('ETags and conditions', () => {
  const strong: Validators = { etag: '"abc"', lastModified: new Date('2026-01-02T03:04:05Z') };
  const weak: Validators = { etag: 'W/"abc"', lastModified: strong.lastModified };

  it('compares ETags weakly for If-None-Match and strongly for If-Range', () => {
    expect(etagMatches('W/"abc"', '"abc"', 'weak')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"', 'strong')).toBe(false);
    expect(etagMatches('"abc"', '"abc"', 'strong')).toBe(true);
    expect(etagMatches('"abc"', '"abd"', 'weak')).toBe(false);
  });

  it('answers 304 for a matching If-None-Match (which wins over If-Modified-Since)', () => {
    expect(isNotModified({ ifNoneMatch: '"abc"' }, weak)).toBe(true);
    expect(isNotModified({ ifNoneMatch: '"x", W/"abc"' }, strong)).toBe(true);
    expect(isNotModified({ ifNoneMatch: '*' }, strong)).toBe(true);
    expect(
      isNotModified({ ifNoneMatch: '"x"', ifModifiedSince: 'Sat, 01 Jan 2050 00:00:00 GMT' }, strong),
    ).toBe(false);
    expect(isNotModified({ ifModifiedSince: strong.lastModified.toUTCString() }, strong)).toBe(true);
    expect(isNotModified({ ifModifiedSince: 'Thu, 01 Jan 2026 00:00:00 GMT' }, strong)).toBe(false);
    expect(isNotModified({ ifModifiedSince: 'not a date' }, strong)).toBe(false);
    expect(isNotModified({}, strong)).toBe(false);
  });

  it('allows a range under If-Range only for the same strong ETag or the exact date', () => {
    expect(rangeAllowed({}, strong)).toBe(true);
    expect(rangeAllowed({ ifRange: '"abc"' }, strong)).toBe(true);
    expect(rangeAllowed({ ifRange: '"old"' }, strong)).toBe(false);
    expect(rangeAllowed({ ifRange: 'W/"abc"' }, weak)).toBe(false);
    expect(rangeAllowed({ ifRange: strong.lastModified.toUTCString() }, weak)).toBe(true);
    expect(rangeAllowed({ ifRange: 'Thu, 01 Jan 2026 00:00:00 GMT' }, strong)).toBe(false);
  });
});
