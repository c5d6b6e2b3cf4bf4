/**
 * Every weight format a chat model ships in loads and replies as Node does on the same file: greedy ids
 * equal to onnxruntime-node's, or a first difference at a near-tie whose margin the test prints. On WASM,
 * 4-bit and float16 graphs are rewritten for the CPU once, then read from the device.
 */
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { FLOAT16_DTYPES, type Dtype } from '../src/core/model.ts';
import { cpuTarget } from '../src/core/runningForm.ts';
import { expect, expectBackend, openApp, test, type BackendOption } from './fixtures.ts';
import { referenceGreedyReply } from './reference.ts';

const MODEL = 'glassbox/tiny-chat';
/** tiny-chat as onnx-community ships a model (`npm run forge:test`): every dtype's weights in external data. */
const HUB_MODEL = 'glassbox/tiny-chat-hub';
const HUB_MODELS = 'e2e/models';
const FORMATS = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const satisfies readonly Dtype[];
const MESSAGE = 'Hello there, how do tokenizers work?';
const NEW_TOKENS = 32;
/**
 * A logit lead below which two runtimes may pick different tokens from the same file: about twice the
 * largest difference between fp16 and fp32 logits measured on the forged models (0.044).
 */
const NEAR_TIE = 0.1;

async function tokenIdsOf(reply: Locator): Promise<number[]> {
  return ((await reply.getAttribute('data-token-ids')) ?? '').split(',').filter(Boolean).map(Number);
}

/** A greedy reply to MESSAGE in a new conversation (the tab reopens the last one at start). */
async function reply(page: Page): Promise<number[]> {
  const newChat = page.getByRole('button', { name: 'New chat' });
  if (await newChat.isEnabled()) await newChat.click();
  await expect(page.getByTestId('assistant-message')).toHaveCount(0);
  await page.getByLabel('Max new tokens').fill(String(NEW_TOKENS));
  await page.getByRole('textbox', { name: 'Message' }).fill(MESSAGE);
  await page.getByRole('button', { name: 'Send' }).click();
  const message = page.getByTestId('assistant-message');
  await expect(message).toHaveCount(1);
  return tokenIdsOf(message);
}

/**
 * The app's reply against Node's on the same download: equal ids, or a first difference at a near-tie,
 * printed. On WASM a 4-bit or float16 graph runs rewritten for the CPU (int8 re-quantizes the weights):
 * there a lead is also near when it is within twice what the rewrite moves that step's logits in Node.
 */
async function expectAsNode(
  ids: number[],
  { id, dtype, backend, dir }: { id: string; dtype: Dtype; backend: BackendOption['backend']; dir?: string },
): Promise<void> {
  const rewrite = backend === 'wasm' ? cpuTarget(dtype) : null;
  const reference = await referenceGreedyReply(id, dtype, [{ role: 'user', content: MESSAGE }], NEW_TOKENS, {
    ...(dir ? { dir } : {}),
    ...(rewrite ? { rewrite } : {}),
  });
  const label = `${id} ${dtype} on ${backend}${rewrite ? `, run as ${rewrite}` : ''}`;
  const first = ids.findIndex((tokenId, step) => tokenId !== reference.ids[step]);
  if (first === -1 && ids.length === reference.ids.length) return;
  const at = first === -1 ? ids.length : first;
  const margin = reference.margins[at] ?? Infinity;
  const gap = reference.gaps[at] ?? 0;
  console.log(
    `${label}: first difference at token ${at + 1}, where Node's choice led by ${margin.toFixed(4)}` +
      (rewrite ? ` and the rewrite moves logits by up to ${gap.toFixed(4)}` : ''),
  );
  expect(margin, `${label}: ${ids.join(',')} against Node's ${reference.ids.join(',')}`).toBeLessThan(
    Math.max(NEAR_TIE, 2 * gap),
  );
}

/** Whether this browser's WebGPU adapter runs float16 shaders (SwiftShader does not). */
async function gpuRunsFloat16(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ features: Set<string> } | null> } }).gpu;
    const adapter = await gpu?.requestAdapter();
    return adapter?.features.has('shader-f16') ?? false;
  });
}

test.describe('weight formats', () => {
  for (const dtype of FORMATS) {
    test(`${dtype} replies as Node does on the same file`, async ({ page, backend }) => {
      await page.goto('/');
      if (backend === 'webgpu' && FLOAT16_DTYPES.includes(dtype))
        test.skip(!(await gpuRunsFloat16(page)), 'this WebGPU adapter has no shader-f16');
      await openApp(page, { model: MODEL, dtype, backend, panel: 'chat' });
      await expectBackend(page, backend);
      await expectAsNode(await reply(page), { id: MODEL, dtype, backend });
    });
  }

  test('an onnx-community layout loads in every format on WASM: external data, one file split in two, a float16 KV cache', async ({
    page,
    backend,
    mirrors,
  }) => {
    test.skip(backend !== 'wasm', 'WebGPU is covered by the formats above');
    test.setTimeout(300_000);
    const mirror = await mirrors.start([HUB_MODELS, '--port', '0', '--host', '127.0.0.1']);
    const dir = path.resolve(HUB_MODELS, HUB_MODEL, 'resolve/main');
    for (const dtype of FORMATS) {
      await page.goto('about:blank');
      await openApp(page, { host: mirror.url, model: HUB_MODEL, dtype, backend, panel: 'chat' });
      await expectBackend(page, backend);
      await expect(page.getByTestId('load-summary')).toContainText(`${HUB_MODEL} (${dtype}`);
      await expectAsNode(await reply(page), { id: HUB_MODEL, dtype, backend, dir });
    }
  });

  test('external data that config.json does not declare is found and loads', async ({
    page,
    backend,
    mirrors,
  }) => {
    test.skip(backend !== 'wasm', 'the same on both backends: the files, not the runtime');
    const mirror = await mirrors.start([HUB_MODELS, '--port', '0', '--host', '127.0.0.1']);
    const model = `${HUB_MODEL}-undeclared`;
    await openApp(page, { host: mirror.url, model, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await expectAsNode(await reply(page), {
      id: model,
      dtype: 'fp32',
      backend,
      dir: path.resolve(HUB_MODELS, model, 'resolve/main'),
    });
  });

  test('float16 weights on a GPU without shader-f16 are refused with why, and WASM then runs them', async ({
    page,
    backend,
  }) => {
    test.skip(backend !== 'webgpu', 'a GPU adapter’s limit');
    await page.goto('/');
    test.skip(await gpuRunsFloat16(page), 'this adapter runs float16');
    await openApp(page, { model: MODEL, dtype: 'q4f16', backend, panel: 'chat' });
    await expect(page.getByRole('alert').first()).toContainText(
      'This GPU cannot run q4f16 weights: its WebGPU adapter lacks shader-f16',
    );
    await openApp(page, { model: MODEL, dtype: 'q4f16', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await expect(page.getByTestId('load-summary')).toContainText(`${MODEL} (q4f16, running as int8`);
  });

  test('q4 on WASM runs rewritten as int8, then loads that form from the device', async ({
    page,
    backend,
  }) => {
    test.skip(backend !== 'wasm', 'the rewrite is for the CPU');
    await openApp(page, { model: MODEL, dtype: 'q4', backend, panel: 'chat' });
    await expectBackend(page, backend);
    const summary = page.getByTestId('load-summary');
    await expect(summary).toContainText(
      `${MODEL} (q4, running as int8 (re-quantized) for the CPU: rewritten in`,
    );
    await page.reload();
    await expectBackend(page, backend);
    await expect(summary).toContainText('running as int8 (re-quantized) for the CPU)');
    await expect(summary).not.toContainText('rewritten in');
    await expect(summary).toContainText('loaded from this device, no download');
  });
});
