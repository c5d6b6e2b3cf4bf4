/**
 * The built app (`dist/`) as the classroom server answers it: GET and HEAD of its files only, with the
 * headers the app needs on every response (cross-origin isolation for WASM threads, where the address
 * is secure; the Content Security Policy), and index.html carrying the classroom's announcement
 * (src/hub/classroom.ts) so the page knows which models the laptop serves and its students' address.
 *
 *   const answer = await appFiles('dist', announcement, false);
 *   await answer(req, res); // → false when no file of the app matches (the caller answers 404)
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { CLASSROOM_META, type Classroom } from '../../src/hub/classroom.ts';
import { ISOLATION_HEADERS, contentSecurityPolicy } from '../../src/pwa/policy.ts';
import { splitRequestPath, unsafeSegmentReason } from '../mirror/paths.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What every response of the app carries; models come from the same origin, so no host is added.
 * Cross-origin isolation only where the browser honours it (https, or this laptop's own localhost): on
 * a plain-http LAN address Chromium ignores it and says so in every student's console.
 */
export function appHeaders(req: IncomingMessage, secure: boolean): Record<string, string> {
  const hostname = new URL(`http://${req.headers.host ?? 'localhost'}`).hostname;
  return {
    ...(secure || LOOPBACK_HOSTNAMES.has(hostname) ? ISOLATION_HEADERS : {}),
    'Content-Security-Policy': contentSecurityPolicy([]),
    // A new build must reach students at once; the files are small and on the local network.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  };
}

/** The `<meta>` index.html gains, its JSON escaped for an HTML attribute. */
export function classroomMeta(classroom: Classroom): string {
  const content = JSON.stringify(classroom)
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;');
  return `<meta name="${CLASSROOM_META}" content="${content}">`;
}

export async function appFiles(
  distRoot: string,
  classroom: Classroom,
  secure: boolean,
): Promise<(req: IncomingMessage, res: ServerResponse) => Promise<boolean>> {
  const root = await realpath(distRoot);
  const index = (await readFile(join(root, 'index.html'), 'utf8')).replace(
    /<head>/i,
    (head) => `${head}\n    ${classroomMeta(classroom)}`,
  );
  return async (req, res) => {
    const split = splitRequestPath(req.url ?? '/');
    if (!split.ok || split.segments.some((segment) => unsafeSegmentReason(segment) !== null)) return false;
    const segments = split.segments.length === 0 ? ['index.html'] : split.segments;
    const send = (body: string | Buffer, type: string) => {
      res.writeHead(200, {
        ...appHeaders(req, secure),
        'Content-Type': type,
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (segments.length === 1 && segments[0] === 'index.html') {
      send(index, CONTENT_TYPES['.html'] ?? 'text/html');
      return true;
    }
    const path = join(root, ...segments);
    // A link inside dist that leads out of it is not served.
    const real = await realpath(path).catch(() => null);
    if (!real?.startsWith(root + sep) || !(await stat(real)).isFile()) return false;
    send(await readFile(real), CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream');
    return true;
  };
}
