/**
 * Test helpers that run forged models in onnxruntime-web's WASM backend (the browser's CPU path) inside
 * Node, fed as Transformers.js feeds them, and the tolerance between its outputs and onnxruntime-node's.
 *
 * @example
 *   const web = await webSession(bytes, [{ path: 'model.onnx_data', data }]);
 *   const logits = await webPrefillLogits(web, config, [1, 20, 300]); // [1, 3, vocab] as float32 numbers
 */
import * as ortWeb from 'onnxruntime-web';
import { float16ToFloat32 } from '../onnx/float16.ts';
import { maxAbs, type DecoderShape } from './ort.ts';

ortWeb.env.wasm.numThreads = 1;

/** Absolute: the two runtimes share kernels but not threading or SIMD summation order. */
export const WEB_TOLERANCE = 1e-4;
/** Float16 outputs may land one rounding step apart: float16's spacing, relative to the largest value. */
const FLOAT16_STEP = 2 ** -10;

/** How far onnxruntime-web's outputs may be from onnxruntime-node's: one float16 step for float16 outputs. */
export function webTolerance(values: Float32Array, float16: boolean): number {
  return float16 ? FLOAT16_STEP * maxAbs(values) : WEB_TOLERANCE;
}

/** A float output as float32 numbers (float16 graphs return their bits). */
export function webFloats(tensor: ortWeb.Tensor | undefined): Float32Array {
  if (tensor === undefined) throw new Error('The session returned no such output.');
  return tensor.type === 'float16'
    ? float16ToFloat32(tensor.data as Uint16Array)
    : (tensor.data as Float32Array);
}

export function webInt64(rows: readonly (readonly number[])[]): ortWeb.Tensor {
  return new ortWeb.Tensor(
    'int64',
    BigInt64Array.from(rows.flat(), (v) => BigInt(v)),
    [rows.length, rows[0]?.length ?? 0],
  );
}

/** A WASM session, with the external data files mounted as Transformers.js mounts them in a browser. */
export function webSession(
  model: Uint8Array,
  externalData?: readonly { readonly path: string; readonly data: Uint8Array }[],
): Promise<ortWeb.InferenceSession> {
  return ortWeb.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    ...(externalData === undefined ? {} : { externalData: [...externalData] }),
  });
}

/** The logits of one decoder pass over `tokens` from an empty cache of the type the graph declares. */
export async function webPrefillLogits(
  session: ortWeb.InferenceSession,
  shape: DecoderShape,
  tokens: readonly number[],
): Promise<Float32Array> {
  const feeds: Record<string, ortWeb.Tensor> = {
    input_ids: webInt64([tokens]),
    attention_mask: webInt64([tokens.map(() => 1)]),
    position_ids: webInt64([tokens.map((_, i) => i)]),
  };
  const dims = [1, shape.numKvHeads, 0, shape.headDim];
  for (const meta of session.inputMetadata) {
    if (!meta.name.startsWith('past_key_values.')) continue;
    feeds[meta.name] =
      meta.isTensor && meta.type === 'float16'
        ? new ortWeb.Tensor('float16', new Uint16Array(0), dims)
        : new ortWeb.Tensor('float32', new Float32Array(0), dims);
  }
  return webFloats((await session.run(feeds))['logits']);
}
