/**
 * Where model files live: hosts in Hugging Face layout (`<host>/<org>/<name>/resolve/<revision>/<file>`),
 * their URLs, and the ids and host URLs a person may type or a link may carry.
 *
 *   modelFileUrl('https://huggingface.co/', 'org/m', 'config.json') // → 'https://huggingface.co/org/m/resolve/main/config.json'
 *   parseHostUrl('http://10.0.0.2:8080/')                             // → 'http://10.0.0.2:8080'
 */

export const HUB_HOST = 'https://huggingface.co';

/** Host of models imported from disk: never fetched from (the `.invalid` TLD cannot resolve). */
export const DISK_HOST = 'https://disk.glassbox.invalid';

/** A host URL without its trailing slashes, the one form hosts are compared and joined in. */
export function trimHost(host: string): string {
  return host.replace(/\/+$/, '');
}

/**
 * A host as a person reads it beside a model: its address without the scheme, or where a folder
 * opened from disk came from.
 *
 *   hostLabel('http://localhost:4173/models') // → 'localhost:4173/models'
 */
export function hostLabel(host: string): string {
  if (host === DISK_HOST) return 'a folder on this computer';
  return trimHost(host).replace(/^https?:\/\//, '');
}

/** URL of one file of a model on a host in Hugging Face layout. */
export function modelFileUrl(host: string, id: string, file: string, revision = 'main'): string {
  return `${trimHost(host)}/${id}/resolve/${revision}/${file}`;
}

/**
 * One half of a repository id as the Hub allows it: letters, digits, `-`, `_` and `.`, starting with a
 * letter or digit, not ending with `-` or `.`, with no `..` or `--` (so no `..` or `.` path segments).
 */
const ID_PART = /^(?!.*(\.\.|--))[A-Za-z0-9](?:[\w.-]{0,94}[\w])?$/;

/** Whether `id` has the form of a repository id, `org/name`. */
export function isModelId(id: string): boolean {
  const parts = id.split('/');
  return parts.length === 2 && parts.every((part) => ID_PART.test(part));
}

/** The host URL in its trimmed form, or null when `text` is not an http(s) URL. */
export function parseHostUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? trimHost(url.href) : null;
  } catch {
    return null;
  }
}

/**
 * A query parameter's value encoded for a link someone may copy from a board: `:` and `/` are legal in a
 * query, so they stay as typed; everything else is percent-encoded.
 *
 *   readableQueryValue('http://10.0.0.2:8080') // → 'http://10.0.0.2:8080'
 */
export function readableQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}
