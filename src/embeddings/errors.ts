/**
 * Errors of the embeddings panel and its analysis worker: a code from a closed set and a sentence that
 * says what happened and what to do.
 */
import { CodedError, type ErrorData } from '../lib/errors.ts';
import { oneOf } from '../lib/oneOf.ts';

export const EMBEDDINGS_ERROR_CODES = Object.freeze([
  /** A CSV/TSV/text file that holds no usable sentences. */
  'bad-file',
  /** The set was embedded with a model that is no longer loaded. */
  'model-changed',
  'cancelled',
  /** The analysis worker died (it is replaced on the next request). */
  'worker-crashed',
  'internal',
] as const);
export type EmbeddingsErrorCode = (typeof EMBEDDINGS_ERROR_CODES)[number];

export class EmbeddingsError extends CodedError<EmbeddingsErrorCode> {
  override readonly name = 'EmbeddingsError';

  static fromData(data: ErrorData): EmbeddingsError {
    return new EmbeddingsError(oneOf(data.code, EMBEDDINGS_ERROR_CODES, 'internal'), data.message);
  }
}
