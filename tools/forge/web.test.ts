/**
 * The forged tiny models on onnxruntime-web's WASM backend (the browser's CPU path, run here in
 * Node) give the same outputs as onnxruntime-node, for every dtype: fp16 and q4f16 too, which both
 * runtimes load (they run the ops they have no float16 kernel for in float32). WebGPU needs a browser
 * and is covered by the e2e specs.
 *
 * Run: npx vitest run tools/forge/web.test.ts
 */
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildPresetDtype, buildPresetModel } from './buildModel.ts';
import { float16ToFloat32 } from './onnx/float16.ts';
import { encodeModel } from './onnx/proto.ts';
import { ALL_DTYPES, FLOAT16_DTYPES, PRESETS, type ForgedDtype } from './presets.ts';
import {
  cacheTypeOf,
  createSession,
  emptyCache,
  floatData,
  int64Tensor,
  maxAbs,
  maxAbsDifference,
  runDecoderStep,
} from './testing/ort.ts';

/** Absolute: the two runtimes share kernels but not threading or SIMD summation order. */
const TOLERANCE = 1e-4;
/** Float16 outputs may land one rounding step apart: float16's spacing, relative to the largest value. */
const FLOAT16_STEP = 2 ** -10;

ortWeb.env.wasm.numThreads = 1;

const isFloat16 = (dtype: ForgedDtype): boolean => (FLOAT16_DTYPES as readonly string[]).includes(dtype);
const toleranceFor = (dtype: ForgedDtype, values: Float32Array): number =>
  isFloat16(dtype) ? FLOAT16_STEP * maxAbs(values) : TOLERANCE;

/** A web session's float output as float32 numbers (float16 graphs return their bits). */
const webFloats = (tensor: ortWeb.Tensor | undefined): Float32Array =>
  tensor?.type === 'float16' ? float16ToFloat32(tensor.data as Uint16Array) : (tensor?.data as Float32Array);

const webInt64 = (rows: readonly (readonly number[])[]): ortWeb.Tensor =>
  new ortWeb.Tensor(
    'int64',
    BigInt64Array.from(rows.flat(), (v) => BigInt(v)),
    [rows.length, rows[0]?.length ?? 0],
  );

describe('forged models on onnxruntime-web (WASM)', () => {
  const chat = PRESETS['tiny-chat'];
  const chatFp32 = buildPresetModel(chat);
  const tokens = [1, 20, 300, 40, 5, 60];

  it.each(ALL_DTYPES)(
    `tiny-chat %s: logits equal onnxruntime-node's (max |Δ| ≤ ${TOLERANCE}, or one float16 step for float16 graphs)`,
    async (dtype) => {
      const bytes = encodeModel(buildPresetDtype(chatFp32, dtype)).onnx;
      const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const feeds: Record<string, ortWeb.Tensor> = {
        input_ids: webInt64([tokens]),
        attention_mask: webInt64([tokens.map(() => 1)]),
        position_ids: webInt64([tokens.map((_, i) => i)]),
      };
      const { numLayers, numKvHeads, headDim } = chat.model;
      const dims = [1, numKvHeads, 0, headDim];
      for (let i = 0; i < numLayers; i++) {
        for (const kind of ['key', 'value']) {
          feeds[`past_key_values.${i}.${kind}`] = isFloat16(dtype)
            ? new ortWeb.Tensor('float16', new Uint16Array(0), dims)
            : new ortWeb.Tensor('float32', new Float32Array(0), dims);
        }
      }
      const fromWeb = webFloats((await web.run(feeds))['logits']);
      const node = await createSession(bytes);
      const fromNode = await runDecoderStep(node, chat.model, {
        inputIds: [tokens],
        attentionMask: [tokens.map(() => 1)],
        positionIds: [tokens.map((_, i) => i)],
        cache: emptyCache(chat.model, 1, cacheTypeOf(node)),
      });
      expect(maxAbsDifference(fromWeb, fromNode.logits)).toBeLessThanOrEqual(
        toleranceFor(dtype, fromNode.logits),
      );
      await web.release();
    },
  );

  it.each(ALL_DTYPES)(
    `tiny-embed %s: last_hidden_state equals onnxruntime-node's (max |Δ| ≤ ${TOLERANCE}, or one float16 step for float16 graphs)`,
    async (dtype) => {
      const embed = PRESETS['tiny-embed'];
      const bytes = encodeModel(buildPresetDtype(buildPresetModel(embed), dtype)).onnx;
      const rows = [
        [2, 300, 301, 302, 3, 0],
        [2, 400, 401, 402, 403, 3],
      ];
      const mask = [
        [1, 1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 1],
      ];
      const types = rows.map((r) => r.map(() => 0));
      const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const fromWeb = webFloats(
        (
          await web.run({
            input_ids: webInt64(rows),
            attention_mask: webInt64(mask),
            token_type_ids: webInt64(types),
          })
        )['last_hidden_state'],
      );
      const node = await createSession(bytes);
      const out = await node.run({
        input_ids: int64Tensor(rows),
        attention_mask: int64Tensor(mask),
        token_type_ids: int64Tensor(types),
      });
      const fromNode = floatData(out['last_hidden_state'] ?? new ort.Tensor('float32', [], [0]));
      expect(maxAbsDifference(fromWeb, fromNode)).toBeLessThanOrEqual(toleranceFor(dtype, fromNode));
      await web.release();
    },
  );
});
