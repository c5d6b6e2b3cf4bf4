/**
 * Errors of the inspector and its worker: the hub's codes (a host or the store failed; they cross
 * unchanged) and the inspector's own, each with a sentence that says what happened and what to do.
 */
import { HUB_ERROR_CODES } from '../hub/errors.ts';
import { CodedError, type ErrorData } from '../lib/errors.ts';
import { oneOf } from '../lib/oneOf.ts';

export const INSPECTOR_ERROR_CODES = Object.freeze([
  ...HUB_ERROR_CODES,
  /** The file is not an ONNX model the reader understands. */
  'not-onnx',
  /** A request about the open model came when no model was open (after a crash, say). */
  'no-model-open',
  /** The open model has no such tensor, or no tokenizer.json. */
  'not-in-model',
  /** The file does not fit in the tab's memory. */
  'too-large',
  /** The inspector's worker died (it is replaced on the next request). */
  'worker-crashed',
  'internal',
] as const);
export type InspectorErrorCode = (typeof INSPECTOR_ERROR_CODES)[number];

export class InspectorError extends CodedError<InspectorErrorCode> {
  override readonly name = 'InspectorError';

  static fromData(data: ErrorData): InspectorError {
    return new InspectorError(oneOf(data.code, INSPECTOR_ERROR_CODES, 'internal'), data.message);
  }
}
