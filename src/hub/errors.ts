/**
 * Errors of the model hub layer (hosts, downloads, the device's model store): a code from a closed set
 * and a sentence that says what happened and what to do. The engine and inspector workers let them cross
 * to the page with their codes unchanged (their own code sets include these).
 */
import { CodedError } from '../lib/errors.ts';

export const HUB_ERROR_CODES = Object.freeze([
  /** The host has no such model or file (404/401 where a file was required). */
  'not-found',
  /** The host could not be reached (DNS, refused connection, CORS) or kept failing (5xx, dropped connections). */
  'network',
  /** The offline switch refused the request: the file is not on this device. */
  'offline',
  /** The host answered, but not with what was asked for (an error status, HTML instead of JSON). */
  'bad-answer',
  /** The host does not serve byte ranges, which reading only a file's header needs. */
  'no-ranges',
  /** A downloaded file failed its size or sha256 check. */
  'corrupt-file',
  /** The browser grants this site too little storage for the download. */
  'insufficient-storage',
  'cancelled',
] as const);
export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

export class HubError extends CodedError<HubErrorCode> {
  override readonly name = 'HubError';
}

/**
 * Why a request to `host` got no answer, and what to do. The browser does not say which (a host that is
 * down, a network that cannot reach it, a host that does not let this app read it, an http host from an
 * https page look the same to a page), so the sentence names what can be checked; the mixed-content case
 * can be told apart and is said plainly. The browser's own words go after it, as a detail (`withDetail`).
 */
export function unreachableSentence(host: string): string {
  const page = typeof location === 'undefined' ? null : location.protocol;
  if (page === 'https:' && host.startsWith('http:'))
    return `Could not reach ${host}: this app is open over https:// and the host is http://, which browsers block. Open the app over http:// (for example from the same laptop as the host), or serve the host over https://.`;
  return `Could not reach ${host}: the network or the host is down, or the host does not let this page read it (CORS). Check the host's address and that it is running, or load a model stored on this device.`;
}
