/**
 * The page as a class sees it: the chat's message box in view on a laptop, no panel (nor Look inside)
 * scrolling sideways on a phone, side panels that fold into drawers, and no serious or critical accessibility violation
 * (axe-core) on any panel, in the light theme and the dark one.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, expectBackend, openApp, replyTo, test } from './fixtures.ts';

const PANELS = ['chat', 'embeddings', 'inspector', 'models', 'storage', 'network'] as const;
type Panel = (typeof PANELS)[number];

const messageBox = (page: Page) => page.getByRole('textbox', { name: 'Message' });

/** The page's own horizontal scroll: how far its content reaches past the window. */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function showPanel(page: Page, panel: Panel): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Panels' })
    .getByRole('link', { name: new RegExp(panel, 'i') })
    .click();
  await expect(page.getByRole('region', { name: new RegExp(`^${panel}`, 'i') }).first()).toBeVisible();
}

/** Every panel with something in it: a reply with token probabilities, vectors embedded, a model opened. */
async function fillEveryPanel(page: Page): Promise<void> {
  await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
  await expectBackend(page, 'wasm');
  // On a narrow screen the reply settings are a drawer, closed at first.
  const settings = page.getByRole('button', { name: 'Settings', exact: true });
  const drawer = (await settings.getAttribute('aria-expanded')) === 'false';
  if (drawer) await settings.click();
  await page.getByLabel('Token probabilities').check();
  if (drawer) await page.keyboard.press('Escape');
  await replyTo(page, 'Tell me about tokens and weights.', 24);
  await page.getByTestId('reply-token').first().click();
  await expect(page.getByTestId('token-candidates')).toBeVisible();
  await showPanel(page, 'embeddings');
  await page.getByRole('button', { name: /^Load Tiny embeddings/ }).click();
  await page.getByRole('button', { name: 'Embed', exact: true }).click();
  await expect(page.getByTestId('run-summary')).toBeVisible();
  await showPanel(page, 'chat');
}

/** Opens Look inside on the chat's reply and runs `check` on each of its views, then closes it. */
async function eachInsideView(page: Page, check: (view: string) => Promise<void>): Promise<void> {
  await showPanel(page, 'chat');
  await page.getByTestId('assistant-message').getByRole('button', { name: 'Look inside' }).click();
  const dialog = page.getByRole('dialog', { name: 'Inside the reply' });
  await expect(dialog.getByTestId('lens-grid')).toBeVisible();
  for (const view of ['Logit lens', 'Attention', 'Activations']) {
    await dialog.getByRole('button', { name: view, exact: true }).click();
    await page.waitForTimeout(300); // canvases draw after layout
    await check(view);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.nodes.length}): ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(' | ')}`,
    );
}

test.describe('layout and accessibility', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'the page itself does not depend on the backend');

  test('at 1280×800 the message box stays in view: once ready, after a reply, with the prompt view open', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await expect(messageBox(page)).toBeInViewport({ ratio: 1 });

    await page.getByLabel('Token probabilities').check();
    await replyTo(page, 'Tell me a long story about tokens.', 96);
    await replyTo(page, 'And another one.', 96);
    await expect(messageBox(page)).toBeInViewport({ ratio: 1 });
    await expect(page.getByRole('button', { name: 'Send' })).toBeInViewport({ ratio: 1 });

    await page.getByText('What the model sees').click();
    await expect(page.getByTestId('prompt-token').first()).toBeVisible();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await expect(messageBox(page)).toBeInViewport({ ratio: 1 });

    // The side panels fold away, and the choice is kept.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('complementary', { name: 'Reply settings' })).toHaveCount(0);
    await page.reload();
    await expect(messageBox(page)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Settings', exact: true })).toHaveAttribute(
      'aria-expanded',
      'false',
    );
    await expect(page.getByRole('complementary', { name: 'Conversations' })).toBeVisible();
  });

  test('at 390 px no panel scrolls sideways, and side panels are drawers that Esc closes', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await fillEveryPanel(page);
    await expect(messageBox(page)).toBeInViewport();
    expect(await overflow(page), 'chat with a token’s candidates open').toBeLessThanOrEqual(0);

    const settings = page.getByRole('button', { name: 'Settings', exact: true });
    await expect(settings).toHaveAttribute('aria-expanded', 'false');
    await settings.click();
    const drawer = page.getByRole('complementary', { name: 'Reply settings' });
    await expect(drawer).toBeFocused();
    await page.getByText('What the model sees').click();
    await expect(page.getByTestId('prompt-token').first()).toBeVisible();
    expect(await overflow(page), 'the prompt view in its drawer').toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
    await expect(drawer).toHaveCount(0);
    await expect(settings).toBeFocused();
    // Esc closes it too once the focus has moved on (tabbed past it, into the page it covers).
    await settings.click();
    await messageBox(page).focus();
    await page.keyboard.press('Escape');
    await expect(drawer).toHaveCount(0);

    for (const panel of PANELS.slice(1)) {
      await showPanel(page, panel);
      expect(await overflow(page), `the ${panel} panel`).toBeLessThanOrEqual(0);
    }
    await eachInsideView(page, async (view) =>
      expect(await overflow(page), `Look inside's ${view} view`).toBeLessThanOrEqual(0),
    );
    await showPanel(page, 'inspector');
    const views = page.getByRole('tablist', { name: 'Inspector views' }).getByRole('tab');
    for (let index = 0; index < (await views.count()); index++) {
      await views.nth(index).click();
      await page.waitForTimeout(300); // a view's tables lay out after its data arrives
      expect(
        await overflow(page),
        `the inspector's ${await views.nth(index).textContent()} view`,
      ).toBeLessThanOrEqual(0);
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core finds no serious or critical violation on any panel (${colorScheme})`, async ({
      page,
    }) => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.emulateMedia({ colorScheme });
      await fillEveryPanel(page);
      for (const panel of PANELS) {
        await showPanel(page, panel);
        await page.waitForTimeout(300);
        expect(await seriousViolations(page), `the ${panel} panel`).toEqual([]);
      }
      const views = page.getByRole('tablist', { name: 'Inspector views' }).getByRole('tab');
      await showPanel(page, 'inspector');
      for (let index = 1; index < (await views.count()); index++) {
        await views.nth(index).click();
        await page.waitForTimeout(300);
        expect(
          await seriousViolations(page),
          `the inspector's ${await views.nth(index).textContent()} view`,
        ).toEqual([]);
      }
      await eachInsideView(page, async (view) =>
        expect(await seriousViolations(page), `Look inside's ${view} view`).toEqual([]),
      );
    });
  }
});
