/**
 * Request paths → safe path segments. The mirror serves a teacher's folder to a whole room, so every
 * segment is decoded once and checked before it comes near the file system.
 *
 *   splitRequestPath('/glassbox/tiny-chat/resolve/main/onnx/model.onnx?download=1')
 *   // → { ok: true, segments: ['glassbox', 'tiny-chat', 'resolve', 'main', 'onnx', 'model.onnx'],
 *   //     query: URLSearchParams { download: '1' } }
 *   splitRequestPath('/a/b/resolve/main/..%2f..%2fetc/passwd')
 *   // → { ok: false, reason: 'segment "../../etc" steps out of its folder' }
 */

export type SplitPath =
  | { readonly ok: true; readonly segments: readonly string[]; readonly query: URLSearchParams }
  | { readonly ok: false; readonly reason: string };

/** Organisation and model names as the Hub allows them (letters, digits, `-`, `_`, `.`). */
const REPO_PART = /^\w[\w.-]*$/;

export function isRepoPart(segment: string): boolean {
  return REPO_PART.test(segment) && !segment.includes('..');
}

/**
 * Why a decoded segment may not name a file or folder inside a model: separators smuggled in encoded
 * (`%2f`, `%5c`), NUL bytes, and hidden names (`.`, `..`, the `.git` of a cloned repository, the forge's
 * `.forge-stamp`), which the Hub would not list either. Returns null for a plain name.
 */
export function unsafeSegmentReason(segment: string): string | null {
  if (segment === '') return 'empty segment (a doubled "/")';
  if (segment.includes('/') || segment.includes('\\'))
    return `segment "${segment}" contains a path separator`;
  if (segment.includes('\0')) return 'segment contains a NUL byte';
  if (segment.startsWith('.')) return `segment "${segment}" is hidden or a relative step`;
  // Windows would read `C:` as a drive and `name:stream` as an alternate data stream.
  if (segment.includes(':')) return `segment "${segment}" contains ":"`;
  return null;
}

/** A decoded segment that would climb or jump out of wherever it is joined, whatever it is used for. */
function traversalReason(segment: string): string | null {
  if (segment.includes('\0')) return 'segment contains a NUL byte';
  if (/^[\\/]/.test(segment)) return `segment "${segment}" is an absolute path`;
  if (segment.split(/[\\/]/).some((step) => step === '..' || step === '.')) {
    return `segment "${segment}" steps out of its folder`;
  }
  return null;
}

/**
 * Splits the raw request target (as Node hands it over, still percent-encoded) without URL
 * normalisation: `new URL()` would silently resolve `a/../b`, hiding a traversal attempt instead of
 * refusing it. Segments may still contain an encoded `/` (the Hub's revision `refs%2Fpr%2F1` does):
 * callers that join segments into a file path check each with `unsafeSegmentReason`.
 */
export function splitRequestPath(rawTarget: string): SplitPath {
  const queryAt = rawTarget.indexOf('?');
  const rawPath = queryAt === -1 ? rawTarget : rawTarget.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : rawTarget.slice(queryAt + 1));
  if (!rawPath.startsWith('/')) return { ok: false, reason: 'the path must start with "/"' };
  if (rawPath.includes('\\')) return { ok: false, reason: 'the path contains a backslash' };
  if (rawPath === '/') return { ok: true, segments: [], query };
  // One trailing slash is harmless (`/api/models/`); inner empty segments are not.
  const trimmed = rawPath.endsWith('/') ? rawPath.slice(1, -1) : rawPath.slice(1);
  const segments: string[] = [];
  for (const raw of trimmed.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw); // once: `%252e` stays the literal name `%2e`
    } catch {
      return { ok: false, reason: `segment "${raw}" is not valid percent-encoding` };
    }
    if (segment === '') return { ok: false, reason: 'empty segment (a doubled "/")' };
    const reason = traversalReason(segment);
    if (reason !== null) return { ok: false, reason };
    segments.push(segment);
  }
  return { ok: true, segments, query };
}
