/**
 * The forged tiny models on onnxruntime-web's WASM backend (the browser's CPU path, run here in
 * Node) give the same outputs as onnxruntime-node, for every dtype. WebGPU needs a browser and is
 * covered by the e2e specs.
 *
 * Run: npx vitest run tools/forge/web.test.ts
 */
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildPresetDtype, buildPresetModel } from './buildModel.ts';
import { encodeModel } from './onnx/proto.ts';
import { ALL_DTYPES, PRESETS } from './presets.ts';
import { createSession, emptyCache, int64Tensor, maxAbsDifference, runDecoderStep } from './testing/ort.ts';

/** Absolute: the two runtimes share kernels but not threading or SIMD summation order. */
const TOLERANCE = 1e-4;

ortWeb.env.wasm.numThreads = 1;

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
    `tiny-chat %s: logits equal onnxruntime-node's (max |Δ| ≤ ${TOLERANCE})`,
    async (dtype) => {
      const bytes = encodeModel(buildPresetDtype(chatFp32, dtype)).onnx;
      const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      const feeds: Record<string, ortWeb.Tensor> = {
        input_ids: webInt64([tokens]),
        attention_mask: webInt64([tokens.map(() => 1)]),
        position_ids: webInt64([tokens.map((_, i) => i)]),
      };
      const { numLayers, numKvHeads, headDim } = chat.model;
      for (let i = 0; i < numLayers; i++) {
        for (const kind of ['key', 'value']) {
          feeds[`past_key_values.${i}.${kind}`] = new ortWeb.Tensor('float32', new Float32Array(0), [
            1,
            numKvHeads,
            0,
            headDim,
          ]);
        }
      }
      const fromWeb = (await web.run(feeds))['logits']?.data as Float32Array;
      const fromNode = await runDecoderStep(await createSession(bytes), chat.model, {
        inputIds: [tokens],
        attentionMask: [tokens.map(() => 1)],
        positionIds: [tokens.map((_, i) => i)],
        cache: emptyCache(chat.model, 1),
      });
      expect(maxAbsDifference(fromWeb, fromNode.logits)).toBeLessThanOrEqual(TOLERANCE);
      await web.release();
    },
  );

  it.each(ALL_DTYPES)(
    `tiny-embed %s: last_hidden_state equals onnxruntime-node's (max |Δ| ≤ ${TOLERANCE})`,
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
      const fromWeb = (
        await web.run({
          input_ids: webInt64(rows),
          attention_mask: webInt64(mask),
          token_type_ids: webInt64(types),
        })
      )['last_hidden_state']?.data as Float32Array;
      const node = await createSession(bytes);
      const fromNode = (
        await node.run({
          input_ids: int64Tensor(rows),
          attention_mask: int64Tensor(mask),
          token_type_ids: int64Tensor(types),
        })
      )['last_hidden_state']?.data as Float32Array;
      expect(maxAbsDifference(fromWeb, fromNode)).toBeLessThanOrEqual(TOLERANCE);
      await web.release();
    },
  );
});
