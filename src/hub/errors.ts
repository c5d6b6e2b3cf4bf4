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
