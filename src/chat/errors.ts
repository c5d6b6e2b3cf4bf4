/**
 * Errors of the chat panel's own work (the engine's arrive as EngineError): a code from a closed set and a
 * sentence that says what happened and what to do.
 */
import { CodedError } from '../lib/errors.ts';

export const CHAT_ERROR_CODES = Object.freeze([
  /** A file to import that is not a Glassbox conversation, or not one this version reads. */
  'bad-file',
] as const);
export type ChatErrorCode = (typeof CHAT_ERROR_CODES)[number];

export class ChatError extends CodedError<ChatErrorCode> {
  override readonly name = 'ChatError';
}
