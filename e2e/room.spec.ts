/**
 * The app facing a room: presenter mode on the projector (type measured at 1920×1080), the student view
 * on a student's laptop (teacher tools hidden until unlocked), and the reset between two classes.
 */
import type { Locator } from '@playwright/test';
import { expect, expectBackend, openApp, replyTo, test } from './fixtures.ts';

const fontSize = (locator: Locator) =>
  locator.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));

test.describe('presenter mode, the student view and the next class', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'the page itself does not depend on the backend');

  test('presenter mode (Alt+P) at 1920×1080: body ≥ 24 px, tokens and their ids ≥ 28 px, full width, advanced controls folded away', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await page.getByLabel('Token probabilities').check();
    await replyTo(page, 'What is a token?');
    await page.getByText('What the model sees').click();
    await expect(page.getByTestId('prompt-token').first()).toBeVisible();
    expect(await fontSize(page.locator('body'))).toBeLessThan(24);

    await page.keyboard.press('Alt+P');
    await expect(page.getByRole('button', { name: 'Present' })).toHaveAttribute('aria-pressed', 'true');
    expect(await fontSize(page.locator('body'))).toBeGreaterThanOrEqual(24);
    expect(await fontSize(page.getByTestId('message-text').first())).toBeGreaterThanOrEqual(24);
    for (const token of [page.getByTestId('reply-token').first(), page.getByTestId('prompt-token').first()]) {
      expect(await fontSize(token)).toBeGreaterThanOrEqual(28);
    }
    expect(await fontSize(page.getByTestId('prompt-token').first().locator('sub'))).toBeGreaterThanOrEqual(
      28,
    );
    // The whole width of the screen, less its margins (1200 px wide otherwise).
    expect((await page.getByRole('main').boundingBox())?.width).toBeGreaterThan(1600);
    await expect(page.getByRole('banner').getByLabel('Weights')).toBeHidden();
    await expect(page.getByRole('button', { name: 'Export JSON' })).toBeHidden();

    // Look inside: the lens's tokens, and the attention view's.
    await page.getByTestId('assistant-message').getByRole('button', { name: 'Look inside' }).click();
    const inside = page.getByRole('dialog', { name: 'Inside the reply' });
    expect(await fontSize(inside.locator('button[data-layer]').first())).toBeGreaterThanOrEqual(28);
    await inside.getByRole('button', { name: 'Attention', exact: true }).click();
    expect(await fontSize(inside.locator('.attention-tokens button').first())).toBeGreaterThanOrEqual(28);
    await page.keyboard.press('Escape');

    // The inspector's tokenizer, the other place tokens and ids are shown.
    await page.getByRole('link', { name: 'Inspector' }).click();
    await page.getByRole('tab', { name: 'Tokenizer' }).click();
    await page.getByLabel('Text to tokenize').fill('Tokens on a projector');
    const token = page.getByTestId('tokenizer-token').first();
    expect(await fontSize(token)).toBeGreaterThanOrEqual(28);
    expect(await fontSize(token.locator('sub'))).toBeGreaterThanOrEqual(28);

    // It lasts for the tab, through a reload; the same key turns it off.
    await page.reload();
    await expect(page.locator('html')).toHaveClass(/presenting/);
    await page.keyboard.press('Alt+P');
    await expect(page.locator('html')).not.toHaveClass(/presenting/);
    await expect(page.getByRole('banner').getByLabel('Weights')).toBeVisible();
  });

  test('a link in the student view hides the mirror and deleting models until unlocked, and the laptop stays in it', async ({
    page,
  }) => {
    await page.goto('/?backend=wasm&view=student#/models');
    await expectBackend(page, 'wasm');
    await expect(page.getByText('hidden in the student view')).toBeVisible();
    await expect(page.getByLabel('Mirror URL')).toHaveCount(0);
    await page.getByRole('link', { name: 'Storage' }).click();
    await expect(page.getByTestId('stored-model')).toHaveCount(1);
    await expect(page.getByRole('button', { name: /^Delete / })).toHaveCount(0);

    // A reload keeps the laptop in the student view.
    await page.reload();
    const menu = page.getByText('Student view', { exact: true });
    await menu.click();
    await expect(page.getByRole('button', { name: 'Reset for the next class' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Unlock teacher tools' }).click();
    await page.getByRole('button', { name: 'Yes, unlock' }).click();
    await expect(page.getByRole('button', { name: 'Delete all models' })).toBeVisible();
    await page.getByRole('link', { name: 'Models' }).click();
    await expect(page.getByLabel('Mirror URL')).toBeVisible();

    // Turned off by the teacher, the laptop shows everything after a reload too.
    await page.getByLabel('Student view on this laptop (hides teacher tools)').uncheck();
    await page.reload();
    await expect(page.getByLabel('Mirror URL')).toBeVisible();
  });

  test('Reset for the next class deletes conversations, sets and drafts after confirming; stored models stay', async ({
    page,
  }) => {
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await replyTo(page, 'My private question');
    await expect(page.getByTestId('conversation')).toHaveCount(1);
    await page.getByRole('textbox', { name: 'Message' }).fill('a draft');

    await page.getByRole('link', { name: 'Embeddings' }).click();
    await page.getByLabel(/^Sentences, one per line/).fill('One sentence.\nAnother sentence.');
    await page.getByText(/^Saved sets/).click();
    await page.getByLabel('Set name').fill('My set');
    await page.getByRole('button', { name: 'Save set' }).click();
    await expect(page.getByTestId('saved-set')).toHaveCount(1);

    await page.getByText('Classroom', { exact: true }).click();
    await page.getByRole('button', { name: 'Reset for the next class' }).click();
    // Asked first: Keep changes nothing.
    await page.getByRole('button', { name: 'Keep' }).click();
    await expect(page.getByTestId('saved-set')).toHaveCount(1);
    await page.getByRole('button', { name: 'Reset for the next class' }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();

    await expect(page.getByTestId('saved-set')).toHaveCount(0);
    await expect(page.getByLabel(/^Sentences, one per line/)).toHaveValue('');
    await page.getByRole('link', { name: 'Chat' }).click();
    await expect(page.getByTestId('conversation')).toHaveCount(0);
    await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
    await page.getByRole('link', { name: 'Storage' }).click();
    await expect(page.getByTestId('stored-model').filter({ hasText: 'glassbox/tiny-chat' })).toHaveCount(1);
  });
});
