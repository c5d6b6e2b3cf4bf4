/**
 * A reply's tokens coloured by how sure the model was: every token's text passes WCAG AA on its colour
 * (axe-core's color-contrast rule, within the chat log) in the light scheme and the dark one, by either
 * colouring, and a scale beside the colouring menu says what the colours mean.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, expectBackend, openApp, replyTo, test } from './fixtures.ts';

/** axe-core's color-contrast violations in the chat log, one line per element. */
async function contrastViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('[role="log"]')
    .withRules(['color-contrast'])
    .analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
  );
}

test.describe('token colours', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'colours do not depend on the backend');

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`every coloured token's text passes AA contrast, with a scale that says what the colours mean (${colorScheme})`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme });
      await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
      await expectBackend(page, 'wasm');
      await page.getByLabel('Token probabilities').check();
      await replyTo(page, 'Tell me about tokens and how sure you are of each.', 48);
      const tokens = page.getByTestId('reply-token');
      await expect(tokens).toHaveCount(48);

      await expect(
        page.getByRole('img', {
          name: 'Colour scale of probability of the picked token: red 0%, yellow 50%, green 100%',
        }),
      ).toBeVisible();
      // The tokens are coloured (so the check below checks something), and differently by how sure.
      const backgrounds = await tokens.evaluateAll((elements) =>
        elements.map((element) => getComputedStyle(element).backgroundColor),
      );
      expect(backgrounds.filter((colour) => colour === 'rgba(0, 0, 0, 0)')).toEqual([]);
      expect(new Set(backgrounds).size).toBeGreaterThan(3);
      expect(await contrastViolations(page)).toEqual([]);

      await page.getByLabel('Colour tokens by').selectOption('entropy');
      await expect(
        page.getByRole('img', {
          name: 'Colour scale of entropy of the choice: red ≥ 6 bits, yellow 3 bits, green 0 bits',
        }),
      ).toBeVisible();
      expect(await contrastViolations(page)).toEqual([]);

      await page.getByLabel('Colour tokens by').selectOption('none');
      await expect(page.getByTestId('colour-scale')).toHaveCount(0);
    });
  }

  test('the colours follow the theme chosen in the header, whatever the system says', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await page.getByLabel('Token probabilities').check();
    await replyTo(page, 'Hello there.', 8);
    const token = page.getByTestId('reply-token').first();
    // Light text on a deep colour in the dark scheme; dark text on a pale one in the light theme.
    await expect(token).toHaveCSS('color', 'rgb(249, 250, 251)');
    await page.getByRole('combobox', { name: /^Theme/ }).selectOption('light');
    await expect(token).toHaveCSS('color', 'rgb(17, 24, 39)');
    expect(await contrastViolations(page)).toEqual([]);
  });
});
