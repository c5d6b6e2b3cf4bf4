/**
 * Engine errors: a code from a closed set (the hub's codes, which cross unchanged, and the engine's own)
 * and a message that says what happened and what to do. They cross the worker boundary as data and are
 * rebuilt on the page (`EngineError.fromData`).
 *
 *   classifyError(new Error('Could not locate file: "…/onnx/model.onnx"'), { modelId: 'org/m', host })
 *   // → EngineError 'not-found': 'A file of "org/m" is missing on … Check the model id and the host URL.'
 *   //   with the runtime's own words after it as a detail (`withDetail`)
 */
import { HUB_ERROR_CODES, HubError, unreachableSentence } from '../hub/errors.ts';
import { CodedError, isAbort, messageOf, rawMessage, withDetail, type ErrorData } from '../lib/errors.ts';
import { oneOf } from '../lib/oneOf.ts';

export const ENGINE_ERROR_CODES = Object.freeze([
  ...HUB_ERROR_CODES,
  'unsupported-model',
  'backend-unavailable',
  'wasm-init-failed',
  'gpu-device-lost',
  'out-of-memory',
  'no-model-loaded',
  'bad-request',
  'worker-crashed',
  'internal',
] as const);
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export class EngineError extends CodedError<EngineErrorCode> {
  override readonly name = 'EngineError';

  /** Rebuilds an error that crossed the worker boundary; an unknown code (a newer worker) reads as internal. */
  static fromData(data: ErrorData): EngineError {
    return new EngineError(oneOf(data.code, ENGINE_ERROR_CODES, 'internal'), data.message, {
      fatal: data.fatal === true,
    });
  }
}

/** Errors after which the worker's runtime is unusable (a failed WASM start fails forever in that worker). */
const FATAL_ENGINE_ERRORS: ReadonlySet<EngineErrorCode> = new Set(['wasm-init-failed', 'gpu-device-lost']);

/** The raw failures of Transformers.js, ONNX Runtime and the browser, recognised by their text. */
const RULES: readonly {
  pattern: RegExp;
  code: EngineErrorCode;
  explain(context: { model: string; host: string }): string;
}[] = [
  // Before the damaged file: the JSPI build words an unknown op as "This is an invalid model. … No Op registered".
  {
    pattern:
      /no op registered|not a registered function\/op|could not find an implementation|unsupported (op|operator|opset)|opset .* not supported/i,
    code: 'unsupported-model',
    explain: ({ model }) =>
      `${model} uses an operation that ONNX Runtime Web cannot run here. Try the other backend, other weights, or another export of the model.`,
  },
  {
    pattern:
      /protobuf parsing failed|failed to load model|invalid (onnx )?model|modelproto|no graph was found/i,
    code: 'corrupt-file',
    explain: ({ model }) =>
      `The ONNX file of ${model} cannot be read: it is damaged, cut short or not an ONNX model. Delete the model on the Storage page so that it downloads again, or check the file on the host.`,
  },
  {
    pattern: /could not locate file|\b404\b|not found|invalid model id/i,
    code: 'not-found',
    explain: ({ model, host }) =>
      `A file of ${model} is missing on ${host}. Check the model id and the host URL.`,
  },
  {
    pattern: /failed to fetch|networkerror|load failed|network/i,
    code: 'network',
    explain: ({ host }) => unreachableSentence(host),
  },
  {
    pattern: /unsupported model type|unknown model class|not supported.*architecture/i,
    code: 'unsupported-model',
    explain: ({ model }) => `${model} uses an architecture this version of Transformers.js cannot run.`,
  },
  {
    pattern: /initwasm|wasm.*(abort|failed)|aborted\(/i,
    code: 'wasm-init-failed',
    explain: () => 'The WebAssembly runtime failed to start. The engine restarts; try again.',
  },
  {
    pattern: /device (was )?lost|gpudevicelost/i,
    code: 'gpu-device-lost',
    explain: () => 'The GPU device was lost. The engine restarts; try again.',
  },
  {
    pattern: /out of memory|allocation failed|rangeerror: array buffer allocation|std::bad_alloc/i,
    code: 'out-of-memory',
    explain: ({ model }) => `Not enough memory to run ${model}. Try a smaller model or a quantized dtype.`,
  },
  {
    pattern: /no available backend|webgpu is not supported|backend not found/i,
    code: 'backend-unavailable',
    explain: () => 'The requested backend is not available in this browser. Choose WASM or Auto.',
  },
  {
    pattern: /quotaexceedederror|quota (has been |was )?exceeded/i,
    code: 'insufficient-storage',
    explain: () =>
      'This site has used all the storage the browser grants it. Delete stored models on the Storage page, then try again.',
  },
];

/** A runtime's raw message, cut to a readable length (some carry whole build paths and stacks). */
function shortened(raw: string): string {
  const line = raw.replace(/\s+/g, ' ').trim();
  return line.length > 240 ? `${line.slice(0, 239)}…` : line;
}

/**
 * Maps any failure in the engine worker to a coded error. Ours (and the hub's) keep their code and
 * sentence; a runtime's raw message is kept after the explanation, so nothing is hidden from the curious.
 */
export function classifyError(
  error: unknown,
  context: { modelId?: string; host?: string } = {},
): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof HubError) return new EngineError(error.code, error.message, { cause: error });
  if (isAbort(error)) return new EngineError('cancelled', 'It was cancelled.', { cause: error });
  const raw = `${error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : ''}${rawMessage(error)}`;
  const names = {
    model: context.modelId ? `"${context.modelId}"` : 'the model',
    host: context.host ?? 'the model host',
  };
  const rule = RULES.find(({ pattern }) => pattern.test(raw));
  if (rule)
    return new EngineError(rule.code, withDetail(rule.explain(names), shortened(rawMessage(error))), {
      cause: error,
      fatal: FATAL_ENGINE_ERRORS.has(rule.code),
    });
  return new EngineError('internal', messageOf(error), { cause: error });
}

/**
 * A failure while ONNX Runtime created or ran a session. Transformers.js chains every session creation and
 * every run of a worker on one shared promise, and once a link rejects every later one rejects with the
 * same error: the worker cannot load or run anything any more and must be replaced. A cancellation, or an
 * error the engine raised itself before the runtime was involved, leaves it usable.
 */
export function runtimeFailure(
  error: unknown,
  context: { modelId?: string; host?: string } = {},
): EngineError {
  const classified = classifyError(error, context);
  if (classified.code === 'cancelled' || error instanceof EngineError || error instanceof HubError)
    return classified;
  return new EngineError(classified.code, classified.message, { cause: error, fatal: true });
}
