/**
 * Every weight format a chat model ships in loads and replies as Node does on the same file: greedy ids
 * equal to onnxruntime-node's, or a first difference at a near-tie whose margin the test prints. On WASM,
 * 4-bit and float16 graphs are rewritten for the CPU once, then read from the device.
 */
import type { Locator, Page } from '@playwright/test';
import type { Dtype } from '../src/core/model.ts';
import { expect, expectBackend, openApp, test } from './fixtures.ts';
import { referenceGreedyReply, type GreedyReply } from './reference.ts';

const MODEL = 'glassbox/tiny-chat';
const MESSAGE = 'Hello there, how do tokenizers work?';
const NEW_TOKENS = 32;
/** A logit lead below which re-quantized weights may pick the runner-up. */
const NEAR_TIE = 0.05;

async function tokenIdsOf(reply: Locator): Promise<number[]> {
  return ((await reply.getAttribute('data-token-ids')) ?? '').split(',').filter(Boolean).map(Number);
}

async function reply(page: Page): Promise<number[]> {
  await page.getByLabel('Max new tokens').fill(String(NEW_TOKENS));
  await page.getByRole('textbox', { name: 'Message' }).fill(MESSAGE);
  await page.getByRole('button', { name: 'Send' }).click();
  const message = page.getByTestId('assistant-message');
  await expect(message).toHaveCount(1);
  return tokenIdsOf(message);
}

/** Equal ids, or equal up to a step where Node's choice led by less than NEAR_TIE (printed). */
function expectSameOrNearTie(ids: number[], reference: GreedyReply, label: string): void {
  const first = ids.findIndex((id, step) => id !== reference.ids[step]);
  if (first === -1 && ids.length === reference.ids.length) return;
  const at = first === -1 ? ids.length : first;
  const margin = reference.margins[at] ?? Infinity;
  console.log(
    `${label}: first difference at token ${at + 1}, where Node's choice led by ${margin.toFixed(4)}`,
  );
  expect(margin, `${label}: ${ids.join(',')} against Node's ${reference.ids.join(',')}`).toBeLessThan(
    NEAR_TIE,
  );
}

test.describe('weight formats', () => {
  for (const dtype of ['fp32', 'q8', 'q4'] as const satisfies readonly Dtype[]) {
    test(`${dtype} replies as Node does on the same file`, async ({ page, backend }) => {
      await openApp(page, { model: MODEL, dtype, backend, panel: 'chat' });
      await expectBackend(page, backend);
      const ids = await reply(page);
      const reference = await referenceGreedyReply(
        MODEL,
        dtype,
        [{ role: 'user', content: MESSAGE }],
        NEW_TOKENS,
      );
      expectSameOrNearTie(ids, reference, `${dtype} on ${backend}`);
    });
  }

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
