import { describe, expect, it } from 'vitest';
import { HubError } from '../hub/errors.ts';
import { splitDetail } from '../lib/errors.ts';
import { EngineError, classifyError } from './errors.ts';

const context = { modelId: 'org/m', host: 'http://mirror' };

/** Raw failures as the runtimes and the browser throw them, and the code and advice each must get. */
const CASES: { raw: unknown; code: EngineError['code']; says: string }[] = [
  {
    raw: new Error('Could not locate file: "http://mirror/org/m/resolve/main/onnx/model_q4.onnx".'),
    code: 'not-found',
    says: 'A file of "org/m" is missing on http://mirror',
  },
  { raw: new TypeError('Failed to fetch'), code: 'network', says: 'Could not reach http://mirror' },
  { raw: new Error('Unsupported model type: gpt_oss'), code: 'unsupported-model', says: 'cannot run' },
  {
    // ONNX Runtime's JSPI build: an unknown op inside "invalid model" words.
    raw: new Error(
      'Can\'t create a session. ERROR_CODE: 10, ERROR_MESSAGE: This is an invalid model. In Node, ("/model/layers.0/self_attn/v_proj/MatMux", MatMux, "", -1) : ("x": tensor(float),) -> ("y",) , Error No Op registered for MatMux with domain_version of 17',
    ),
    code: 'unsupported-model',
    says: 'uses an operation that ONNX Runtime Web cannot run here',
  },
  {
    raw: new Error(
      "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.",
    ),
    code: 'corrupt-file',
    says: 'cannot be read: it is damaged',
  },
  {
    raw: new Error('Aborted(RuntimeError: unreachable). Build with -sASSERTIONS for more info.'),
    code: 'wasm-init-failed',
    says: 'The WebAssembly runtime failed to start',
  },
  {
    raw: new Error('GPUDeviceLostInfo: device was lost'),
    code: 'gpu-device-lost',
    says: 'GPU device was lost',
  },
  {
    raw: new RangeError('Array buffer allocation failed'),
    code: 'out-of-memory',
    says: 'Not enough memory to run "org/m"',
  },
  {
    raw: new Error('no available backend found. ERR: [webgpu]'),
    code: 'backend-unavailable',
    says: 'Choose WASM',
  },
  {
    raw: new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
    code: 'insufficient-storage',
    says: 'Storage page',
  },
  { raw: new DOMException('The operation was aborted.', 'AbortError'), code: 'cancelled', says: 'cancelled' },
  { raw: 'a thrown string', code: 'internal', says: 'Something went wrong: a thrown string.' },
];

describe('classifyError', () => {
  it.each(CASES)('$code: $says', ({ raw, code, says }) => {
    const error = classifyError(raw, context);
    expect(error.code).toBe(code);
    expect(error.message).toContain(says);
    expect(error.message).not.toMatch(/^\w*Error:/);
  });

  it('keeps the runtime’s own words as a detail after the explanation, not in it', () => {
    const { sentence, details } = splitDetail(
      classifyError(new Error('Unsupported model type: gpt_oss'), context).message,
    );
    expect(sentence).toBe('"org/m" uses an architecture this version of Transformers.js cannot run.');
    expect(details).toEqual(['Unsupported model type: gpt_oss']);
  });

  it('says what an unreachable host means and what to do; the browser’s words are only a detail', () => {
    const { sentence, details } = splitDetail(
      classifyError(new TypeError('Failed to fetch'), context).message,
    );
    expect(sentence).toBe(
      "Could not reach http://mirror: the network or the host is down, or the host does not let this page read it (CORS). Check the host's address and that it is running, or load a model stored on this device.",
    );
    expect(details).toEqual(['Failed to fetch']);
  });

  it('lets the engine’s and the hub’s own errors through with their code and sentence', () => {
    const own = new EngineError('no-model-loaded', 'No chat model is loaded.');
    expect(classifyError(own)).toBe(own);
    const hub = classifyError(new HubError('offline', 'The offline switch is on.'));
    expect(hub).toBeInstanceOf(EngineError);
    expect(hub.toData()).toEqual({ code: 'offline', message: 'The offline switch is on.' });
  });
});

describe('EngineError.fromData', () => {
  it('rebuilds a coded error, reading an unknown code as internal', () => {
    expect(EngineError.fromData({ code: 'cancelled', message: 'x' }).code).toBe('cancelled');
    expect(EngineError.fromData({ code: 'from-a-newer-worker', message: 'x' }).code).toBe('internal');
  });
});
