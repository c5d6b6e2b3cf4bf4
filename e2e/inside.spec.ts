import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { Dtype } from '../src/core/model.ts';
import { cpuTarget } from '../src/core/runningForm.ts';
import { expect, expectBackend, openApp, test } from './fixtures.ts';
import { referenceInside, referencePromptIds, type InsideReference } from './reference.ts';

const MODEL = 'glassbox/tiny-chat';
/** tiny-chat with GroupQueryAttention (`npm run forge:test`): attention fused into one op per layer. */
const FUSED_MODEL = 'glassbox/tiny-chat-fused';
const TEST_MODELS = 'e2e/models';
const MESSAGES = [{ role: 'user' as const, content: 'Hello there, how do tokenizers work?' }];
/** Absolute, on probabilities, as the acceptance asks of fp32. */
const TOLERANCE = 1e-4;

interface Cell {
  layer: number;
  position: number;
  tokenId: number;
  probability: number;
  /** This layer's probability of the token chosen next (the reply's, where the reply follows). */
  chosenProbability: number;
  departs: boolean;
}

async function cellsOf(grid: Locator): Promise<Cell[]> {
  await expect(grid).toBeVisible(); // after the pass
  return grid.locator('button[data-layer]').evaluateAll((buttons) =>
    buttons.map((button) => ({
      layer: Number(button.getAttribute('data-layer')),
      position: Number(button.getAttribute('data-position')),
      tokenId: Number(button.getAttribute('data-token-id')),
      probability: Number(button.getAttribute('data-probability')),
      chosenProbability: Number(button.getAttribute('data-chosen-probability')),
      departs: button.hasAttribute('data-departs'),
    })),
  );
}

/** Every cell as onnxruntime-node's lens on the same instrumented graph: top token, its probability, and the chosen token's. */
function expectLensAsNode(cells: Cell[], expected: InsideReference): void {
  expect(cells).toHaveLength(expected.layers * (expected.chosen.length || 0));
  const far = cells.filter((cell) => {
    const top = expected.top[cell.layer]?.[cell.position];
    const chosen = expected.chosenProbs[cell.layer]?.[cell.position] ?? NaN;
    return (
      cell.tokenId !== top?.id ||
      !(Math.abs(cell.probability - top.prob) < TOLERANCE) ||
      !(Math.abs(cell.chosenProbability - chosen) < TOLERANCE)
    );
  });
  expect(far, 'cells unlike Node’s').toEqual([]);
}

/** The reply positions whose token is not the last layer's first choice in Node's pass. */
function departuresIn(expected: InsideReference, replyStart: number): number[] {
  const last = expected.top[expected.layers - 1] ?? [];
  return expected.chosen
    .map((token, position) => ({ token, position }))
    .filter(
      ({ token, position }) =>
        position >= replyStart - 1 && position < expected.chosen.length - 1 && last[position]?.id !== token,
    )
    .map(({ position }) => position);
}

/** The view's note on the reply positions the last layer would have chosen otherwise, and their dashed cells. */
async function expectDepartures(view: Locator, departures: number[], replyTokens: number): Promise<void> {
  const note = view.getByTestId('inside-departures');
  if (departures.length === 0) await expect(note).toHaveCount(0);
  else await expect(note).toContainText(`At ${departures.length} of the reply's ${replyTokens} tokens`);
  const dashed = await view
    .locator('button[data-departs]')
    .evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-position'))));
  expect(dashed).toEqual(departures);
}

/** A reply of `tokens` tokens to MESSAGES, greedy unless sampling was set; answers its ids. */
async function replyOf(page: Page, tokens: number, probabilities = false): Promise<number[]> {
  if (probabilities) await page.getByLabel('Token probabilities').check();
  await page.getByLabel('Max new tokens').fill(String(tokens));
  await page.getByRole('textbox', { name: 'Message' }).fill(MESSAGES[0]?.content ?? '');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByTestId('assistant-message');
  await expect(reply).toHaveAttribute('data-token-ids', /\d/);
  return ((await reply.getAttribute('data-token-ids')) ?? '').split(',').map(Number);
}

test.describe('look inside a reply', () => {
  test('the logit lens, attention and activations of a greedy reply equal onnxruntime-node on the instrumented graph; "Why this token?" opens the lens where the token was predicted', async ({
    page,
    backend,
  }) => {
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    const replyIds = await replyOf(page, 10, true);
    const reply = page.getByTestId('assistant-message');
    const ids = [...(await referencePromptIds(MODEL, MESSAGES)), ...replyIds];
    const replyStart = ids.length - replyIds.length;
    const expected = await referenceInside(MODEL, ids, { replyStart });

    await reply.getByRole('button', { name: 'Look inside' }).click();
    const view = page.getByRole('dialog', { name: 'Inside the reply' });
    await expect(view.getByTestId('inside-summary')).toContainText(
      `${MODEL} on ${backend === 'webgpu' ? 'WebGPU' : 'WASM'}: 2 layers, ${ids.length} positions`,
    );

    // The grid opens on the reply (the prompt's columns scroll out of sight to its left).
    await expect(view.locator('.lens-grid th.reply').first()).toBeInViewport();
    await expect(view.locator('.lens-grid thead th').nth(1)).not.toBeInViewport();
    // The lens: every cell's top token and probabilities, as Node computes them.
    const cells = await cellsOf(view.getByTestId('lens-grid'));
    expectLensAsNode(cells, expected);
    // At the last layer, each position's top token is the greedy reply's next token: nothing departs.
    const lastLayer = cells.filter((cell) => cell.layer === expected.layers - 1);
    for (let position = replyStart - 1; position < ids.length - 1; position++)
      expect(lastLayer[position]?.tokenId).toBe(ids[position + 1]);
    await expect(view.getByTestId('inside-departures')).toHaveCount(0);

    // A cell lists its ten likeliest tokens.
    await view.locator(`button[data-layer="0"][data-position="${replyStart}"]`).click();
    await expect(view.getByTestId('lens-top').getByRole('listitem')).toHaveCount(10);

    // Attention: where a token looks, per layer and head, as in Node.
    await view.getByRole('button', { name: 'Attention', exact: true }).click();
    await view.getByRole('combobox', { name: 'Layer' }).selectOption('1');
    await view.getByRole('combobox', { name: 'Head' }).selectOption('1');
    const query = ids.length - 2;
    await view.locator(`.attention-tokens button[data-position="${query}"]`).click();
    const row = view.getByTestId('attention-row');
    await expect(row).toHaveAttribute('data-query', String(query));
    const shown = await row.locator('[data-key]').evaluateAll((spans) =>
      spans.map((span) => ({
        key: Number(span.getAttribute('data-key')),
        weight: Number(span.getAttribute('data-weight')),
      })),
    );
    expect(shown.length).toBeGreaterThan(0);
    const map = expected.attention[1] ?? new Float32Array();
    for (const { key, weight } of shown)
      expect(Math.abs(weight - (map[(1 * ids.length + query) * ids.length + key] ?? NaN))).toBeLessThan(
        TOLERANCE,
      );

    // Activations: the residual stream's norm per position.
    await view.getByRole('button', { name: 'Activations', exact: true }).click();
    const norms = await view
      .getByTestId('norm')
      .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('data-value'))));
    const expectedNorms = expected.norms[expected.layers - 1] ?? [];
    expect(norms).toHaveLength(ids.length);
    norms.forEach((norm, position) =>
      expect(Math.abs(norm - (expectedNorms[position] ?? NaN))).toBeLessThan(
        1e-3 * (expectedNorms[position] ?? 1),
      ),
    );
    await expect(view.getByTestId('largest-dimensions').getByRole('listitem')).toHaveCount(5);
    await view.getByRole('button', { name: 'Close' }).click();
    await expect(view).toBeHidden();

    // "Why this token?" on the reply's 3rd token: the lens opens at the position that predicted it.
    await reply.getByTestId('reply-token').nth(2).click();
    await reply.getByRole('button', { name: 'Why this token?' }).click();
    await expect(view).toBeVisible();
    const picked = view.locator('button[data-layer][aria-pressed="true"]');
    await expect(picked).toHaveAttribute('data-position', String(replyStart + 1));
    await expect(picked).toHaveAttribute('data-layer', String(expected.layers - 1));
    await expect(picked).toHaveAttribute('data-token-id', String(replyIds[2]));
    await expect(view.getByTestId('lens-top').getByRole('listitem').first()).toContainText(
      `(id ${replyIds[2]})`,
    );
    // By keyboard: the grid is one tab stop; arrows move, Enter lists a cell's tokens.
    await picked.focus();
    await page.keyboard.press('ArrowLeft');
    const focusedCell = view.locator('button[data-layer]:focus');
    await expect(focusedCell).toHaveAttribute('data-position', String(replyStart));
    await page.keyboard.press('ArrowDown');
    await expect(focusedCell).toHaveAttribute('data-layer', String(expected.layers - 2));
    await page.keyboard.press('Enter');
    await expect(view.getByTestId('lens-top')).toContainText(`Layer ${expected.layers - 2}, after`);
    await page.keyboard.press('Escape');
    await expect(view).toBeHidden();

    // From the Inspector's layer diagram: a layer's attention in the last reply.
    await page.getByRole('link', { name: 'Inspector' }).click();
    const atWork = page.getByRole('group', { name: 'A layer at work' });
    await atWork.getByRole('combobox', { name: 'Layer' }).selectOption('0');
    await atWork.getByRole('button', { name: 'Its attention in the last reply' }).click();
    await expect(page).toHaveURL(/#\/chat$/);
    await expect(view).toBeVisible();
    await expect(view.getByRole('button', { name: 'Attention', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(view.getByRole('combobox', { name: 'Layer' })).toHaveValue('0');
    await expect(view.getByRole('img', { name: /^Attention of layer 0, head 0/ })).toBeVisible();
  });

  test('a sampled reply: the lens follows the tokens the reply took, and marks where the last layer preferred another; "Why this token?" explains one', async ({
    page,
    backend,
  }) => {
    await openApp(page, { model: MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await page.getByText(/^Sampling:/).click();
    await page.getByLabel('Greedy').uncheck();
    await page.getByLabel('Temperature').fill('1.5');
    await page.getByLabel('Seed').fill('11');
    const replyIds = await replyOf(page, 12, true);
    const ids = [...(await referencePromptIds(MODEL, MESSAGES)), ...replyIds];
    const replyStart = ids.length - replyIds.length;
    const expected = await referenceInside(MODEL, ids, { replyStart });
    const departures = departuresIn(expected, replyStart);
    expect(departures.length, 'this hot a sampling takes a second choice somewhere').toBeGreaterThan(0);

    const reply = page.getByTestId('assistant-message');
    await reply.getByRole('button', { name: 'Look inside' }).click();
    const view = page.getByRole('dialog', { name: 'Inside the reply' });
    expectLensAsNode(await cellsOf(view.getByTestId('lens-grid')), expected);
    await expectDepartures(view, departures, replyIds.length);
    await view.getByRole('button', { name: 'Close' }).click();

    // "Why this token?" on a token the last layer did not rank first: the lens follows the reply's token.
    const position = departures[0] ?? 0;
    const token = position + 1 - replyStart;
    await reply.getByTestId('reply-token').nth(token).click();
    await reply.getByRole('button', { name: 'Why this token?' }).click();
    const picked = view.locator('button[data-layer][aria-pressed="true"]');
    await expect(picked).toHaveAttribute('data-position', String(position));
    await expect(picked).toHaveAttribute('data-departs', 'true');
    await expect(view.getByTestId('lens-top')).toContainText("the reply's next token");
    const chosen = expected.chosenProbs[expected.layers - 1]?.[position] ?? NaN;
    expect(Math.abs(Number(await picked.getAttribute('data-chosen-probability')) - chosen)).toBeLessThan(
      TOLERANCE,
    );
  });

  test('a model whose attention is fused: the view says why its attention cannot be shown, and the lens still equals Node', async ({
    page,
    backend,
    mirrors,
  }) => {
    const mirror = await mirrors.start([TEST_MODELS, '--port', '0', '--host', '127.0.0.1']);
    await openApp(page, { host: mirror.url, model: FUSED_MODEL, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    const replyIds = await replyOf(page, 6);
    const dir = path.resolve(TEST_MODELS, FUSED_MODEL, 'resolve/main');
    const ids = [...(await referencePromptIds(FUSED_MODEL, MESSAGES, dir)), ...replyIds];
    const expected = await referenceInside(FUSED_MODEL, ids, {
      dir,
      replyStart: ids.length - replyIds.length,
    });
    expect(expected.attention).toHaveLength(0);

    await page.getByTestId('assistant-message').getByRole('button', { name: 'Look inside' }).click();
    const view = page.getByRole('dialog', { name: 'Inside the reply' });
    await expect(view.getByTestId('inside-summary')).toContainText(`${FUSED_MODEL} on`);
    const cells = await cellsOf(view.getByTestId('lens-grid'));
    expect(cells).toHaveLength(expected.layers * ids.length);
    // ONNX Runtime's WebGPU GroupQueryAttention is not consistent on this model: over the whole sequence
    // at once, layer 0 agrees with its CPU kernel but layer 1 differs by up to 0.34 in probability from
    // position 4 on, and the last layer's choices are not the reply it decoded token by token (Chromium
    // 156, SwiftShader). So Node's values are matched on WASM only; WebGPU shows the grid and the reason.
    if (backend === 'wasm') {
      expectLensAsNode(cells, expected);
      expect(departuresIn(expected, ids.length - replyIds.length)).toEqual([]);
    }
    await view.getByRole('button', { name: 'Attention', exact: true }).click();
    await expect(view.getByTestId('attention-missing')).toHaveText(
      `${FUSED_MODEL} computes attention inside one fused GroupQueryAttention operation, so its attention probabilities never exist as a value the graph could hand out. The lens and the activations still come from its layers.`,
    );
    await view.getByRole('button', { name: 'Activations', exact: true }).click();
    await expect(view.getByTestId('norm')).toHaveCount(ids.length);
  });

  test('a model in the Hub layout, its weights in two external data files: Look inside reads them too, and its last layer gives the reply', async ({
    page,
    backend,
    mirrors,
  }) => {
    const model = 'glassbox/tiny-chat-hub';
    const mirror = await mirrors.start([TEST_MODELS, '--port', '0', '--host', '127.0.0.1']);
    await openApp(page, { host: mirror.url, model, dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    const replyIds = await replyOf(page, 8);
    await page.getByTestId('assistant-message').getByRole('button', { name: 'Look inside' }).click();
    const view = page.getByRole('dialog', { name: 'Inside the reply' });
    await expect(view.getByTestId('inside-summary')).toContainText(`${model} on`);
    const cells = await cellsOf(view.getByTestId('lens-grid'));
    const positions = Math.max(...cells.map((cell) => cell.position)) + 1;
    const lastLayer = cells.filter((cell) => cell.layer === 1);
    const replyStart = positions - replyIds.length;
    for (let step = 0; step < replyIds.length; step++)
      expect(lastLayer[replyStart + step - 1]?.tokenId).toBe(replyIds[step]);
    await view.getByRole('button', { name: 'Attention', exact: true }).click();
    await expect(view.getByRole('img', { name: /^Attention of layer 1, head 0/ })).toBeVisible();
  });

  const quantized: { model: string; dtype: Dtype; wasmOnly?: string }[] = [
    { model: MODEL, dtype: 'q8' },
    { model: MODEL, dtype: 'q4' },
    // As onnx-community ships it: external data, a float16 KV cache; SwiftShader has no shader-f16.
    { model: 'glassbox/tiny-chat-hub', dtype: 'q4f16', wasmOnly: 'float16 needs shader-f16' },
  ];
  for (const { model, dtype, wasmOnly } of quantized) {
    test(`${model} at ${dtype}: Look inside runs the weights the reply ran, as Node does on the same graph`, async ({
      page,
      backend,
      mirrors,
    }) => {
      test.skip(backend === 'webgpu' && !!wasmOnly, wasmOnly);
      const demo = model === MODEL;
      const host = demo
        ? undefined
        : (await mirrors.start([TEST_MODELS, '--port', '0', '--host', '127.0.0.1'])).url;
      await openApp(page, { ...(host ? { host } : {}), model, dtype, backend, panel: 'chat' });
      await expectBackend(page, backend);
      const replyIds = await replyOf(page, 10);
      const dir = demo ? undefined : path.resolve(TEST_MODELS, model, 'resolve/main');
      const ids = [...(await referencePromptIds(model, MESSAGES, dir)), ...replyIds];
      const replyStart = ids.length - replyIds.length;
      // On WASM a 4-bit download runs as its CPU form, so that is the graph instrumented.
      const rewrite = backend === 'wasm' ? cpuTarget(dtype) : null;
      const expected = await referenceInside(model, ids, {
        ...(dir ? { dir } : {}),
        dtype,
        rewrite,
        replyStart,
      });

      await page.getByTestId('assistant-message').getByRole('button', { name: 'Look inside' }).click();
      const view = page.getByRole('dialog', { name: 'Inside the reply' });
      await expect(view.getByTestId('inside-summary')).toContainText(`${model} on`);
      expectLensAsNode(await cellsOf(view.getByTestId('lens-grid')), expected);
      // Teacher-forced over the whole sequence, int8 activations are scaled over all positions at once,
      // not one step's: where the last layer's choice is not the reply's token, that difference explains it,
      // and the view says so.
      const departures = departuresIn(expected, replyStart);
      for (const position of departures) {
        const [lead, gap] = [expected.leadOverNext[position] ?? NaN, expected.decodeGaps[position] ?? NaN];
        console.log(
          `${model} ${dtype} on ${backend}: at position ${position} the whole sequence leads the reply's token by ${lead.toFixed(4)}; decoding moves logits by up to ${gap.toFixed(4)}`,
        );
        expect(lead, `position ${position}`).toBeLessThan(2 * gap);
      }
      await expectDepartures(view, departures, replyIds.length);
    });
  }
});
