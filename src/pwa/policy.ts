/**
 * The headers every response of the app carries, from the preview server and from the service worker
 * alike: cross-origin isolation (WASM threads need SharedArrayBuffer) and a Content Security Policy
 * that allows no inline script, no eval beyond WebAssembly compilation, and network access only to
 * the app itself and the model hosts in use.
 *
 *   contentSecurityPolicy(['https://mirror.school.lan']) // → "default-src 'self'; … connect-src 'self' https://huggingface.co … https://mirror.school.lan; …"
 */

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/** The Hub and the hosts it redirects file downloads to. */
export const HUB_CONNECT_HOSTS = Object.freeze([
  'https://huggingface.co',
  'https://cdn-lfs.huggingface.co',
  'https://cdn-lfs-us-1.huggingface.co',
  'https://cdn-lfs.hf.co',
  'https://cas-bridge.xethub.hf.co',
]);

/** Every directive but connect-src and frame-ancestors, which differ between the header and the meta. */
function directives(connectSources: readonly string[]): string[] {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    // blob: and data: are this tab's own memory (model files read from the device's store), not network.
    `connect-src 'self' blob: data: ${connectSources.join(' ')}`,
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ];
}

export function contentSecurityPolicy(modelHosts: readonly string[]): string {
  const origins = [...new Set([...HUB_CONNECT_HOSTS, ...modelHosts])];
  return [...directives(origins), "frame-ancestors 'none'"].join('; ');
}

/**
 * The policy index.html carries in a `<meta http-equiv>`, for where no service worker and no server sends
 * one (a first visit to a static host, an insecure classroom address, where service workers do not run).
 * Where a header policy exists too, both apply. Scripts are as strict as in the header; connections may go
 * to any http(s) host, since a teacher's mirror can be any address of the room (the header narrows that);
 * frame-ancestors cannot be set from a meta element.
 */
export function metaContentSecurityPolicy(): string {
  return directives(['http:', 'https:']).join('; ');
}

/** The origin of a host URL, as CSP names it (`http://127.0.0.1:8080`), or null for a bad URL. */
export function originOf(host: string): string | null {
  try {
    return new URL(host).origin;
  } catch {
    return null;
  }
}
