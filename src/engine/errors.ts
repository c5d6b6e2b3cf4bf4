/**
 * Engine errors: a code from a closed set and a message that says what happened and what to do.
 * They cross the worker boundary as plain data (`EngineErrorData`) and are rebuilt here on arrival.
 */
import type { EngineErrorCode, EngineErrorData } from './protocol.ts';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }

  static fromData(data: EngineErrorData): EngineError {
    return new EngineError(data.code, data.message);
  }

  toData(): EngineErrorData {
    return { code: this.code, message: this.message };
  }
}

/**
 * Maps a runtime failure (from transformers.js, onnxruntime-web or fetch) to a coded error.
 * The raw message is kept after the explanation so nothing is hidden from a curious user.
 */
export function classifyError(
  error: unknown,
  context: { modelId?: string; host?: string } = {},
): EngineError {
  if (error instanceof EngineError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const model = context.modelId ? `"${context.modelId}"` : 'the model';
  const rules: [RegExp, EngineErrorCode, string][] = [
    [
      /could not locate file|404|not found|invalid model id/i,
      'model-not-found',
      `A file of ${model} is missing on ${context.host ?? 'the host'}. Check the model id and the host URL.`,
    ],
    [
      /failed to fetch|networkerror|load failed|network/i,
      'network',
      `Could not reach ${context.host ?? 'the model host'}. Check the connection or the host URL.`,
    ],
    [
      /unsupported model type|unknown model class|not supported.*architecture/i,
      'unsupported-model',
      `${model} uses an architecture this version of Transformers.js cannot run.`,
    ],
    [
      /initwasm|wasm.*(abort|failed)|aborted\(/i,
      'wasm-init-failed',
      'The WebAssembly runtime failed to start. The engine restarts; try again.',
    ],
    [
      /device (was )?lost|gpudevicelost/i,
      'gpu-device-lost',
      'The GPU device was lost. The engine restarts; try again.',
    ],
    [
      /out of memory|allocation failed|rangeerror: array buffer allocation|std::bad_alloc/i,
      'out-of-memory',
      `Not enough memory to run ${model}. Try a smaller model or a quantized dtype.`,
    ],
    [
      /no available backend|webgpu is not supported|backend not found/i,
      'backend-unavailable',
      'The requested backend is not available in this browser.',
    ],
  ];
  for (const [pattern, code, explanation] of rules) {
    if (pattern.test(raw)) return new EngineError(code, `${explanation} (${raw})`);
  }
  return new EngineError('internal', raw || 'Unexpected engine failure.');
}
