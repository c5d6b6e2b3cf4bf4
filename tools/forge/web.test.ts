/**
 * The forged tiny models on onnxruntime-web's WASM backend (the browser's CPU path, run here in
 * Node) give the same outputs as onnxruntime-node, for every dtype: fp16 and q4f16 too, which both
 * runtimes load (they run the ops they have no float16 kernel for in float32). WebGPU needs a browser
 * and is covered by the e2e specs.
 *
 * Run: npx vitest run tools/forge/web.test.ts
 */
import { describe, expect, it } from 'vitest';
import { buildPresetDtype, buildPresetModel } from './buildModel.ts';
import { encodeModel } from './onnx/proto.ts';
import { ALL_DTYPES, isFloat16Dtype, PRESETS } from './presets.ts';
import {
  cacheTypeOf,
  createSession,
  emptyCache,
  floatData,
  int64Tensor,
  maxAbsDifference,
  runDecoderStep,
} from './testing/ort.ts';
import {
  WEB_TOLERANCE,
  webFloats,
  webInt64,
  webPrefillLogits,
  webSession,
  webTolerance,
} from './testing/web.ts';

describe('forged models on onnxruntime-web (WASM)', () => {
  const chat = PRESETS['tiny-chat'];
  const chatFp32 = buildPresetModel(chat);
  const tokens = [1, 20, 300, 40, 5, 60];

  it.each(ALL_DTYPES)(
    `tiny-chat %s: logits equal onnxruntime-node's (max |Δ| ≤ ${WEB_TOLERANCE}, or one float16 step for float16 graphs)`,
    async (dtype) => {
      const bytes = encodeModel(buildPresetDtype(chatFp32, dtype)).onnx;
      const web = await webSession(bytes);
      const fromWeb = await webPrefillLogits(web, chat.model, tokens);
      const node = await createSession(bytes);
      const fromNode = await runDecoderStep(node, chat.model, {
        inputIds: [tokens],
        attentionMask: [tokens.map(() => 1)],
        positionIds: [tokens.map((_, i) => i)],
        cache: emptyCache(chat.model, 1, cacheTypeOf(node)),
      });
      expect(maxAbsDifference(fromWeb, fromNode.logits)).toBeLessThanOrEqual(
        webTolerance(fromNode.logits, isFloat16Dtype(dtype)),
      );
      await web.release();
    },
  );

  it.each(ALL_DTYPES)(
    `tiny-embed %s: last_hidden_state equals onnxruntime-node's (max |Δ| ≤ ${WEB_TOLERANCE}, or one float16 step for float16 graphs)`,
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
      const web = await webSession(bytes);
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
      const hidden = out['last_hidden_state'];
      if (hidden === undefined) throw new Error('no last_hidden_state');
      const fromNode = floatData(hidden);
      expect(maxAbsDifference(fromWeb, fromNode)).toBeLessThanOrEqual(
        webTolerance(fromNode, isFloat16Dtype(dtype)),
      );
      await web.release();
    },
  );
});
