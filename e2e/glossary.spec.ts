/**
 * Words explained where they appear: a term's "?" opens its definition below the word, by keyboard too;
 * Esc closes it and gives focus back; the glossary lists every term alphabetically with a filter; on a
 * phone's width a definition stays on screen.
 */
import type { Locator, Page } from '@playwright/test';
import { ALPHABETICAL_TERMS, GLOSSARY, termInSentence } from '../src/core/glossary.ts';
import { expect, openApp, test } from './fixtures.ts';

/** The Inspector's overview of the tiny chat model, where the architecture's terms are. */
async function openOverview(page: Page): Promise<void> {
  await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'inspector' });
  await expect(page.getByTestId('architecture')).toContainText('llama', { timeout: 120_000 });
}

type Box = { x: number; y: number; width: number; height: number };

/** The box of a located element, which must be on the page. */
async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  expect(found).not.toBeNull();
  return found ?? { x: 0, y: 0, width: 0, height: 0 };
}

/** Whether a popover lies wholly below or wholly above the word it explains (above when below has no room). */
const clearOf = (popover: Box, word: Box) =>
  popover.y >= word.y + word.height || popover.y + popover.height <= word.y;

test.describe('words explained', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'the words do not depend on the backend');

  test('a term’s “?” opens its definition by keyboard, clear of the word; Esc closes it and focus returns; from it the glossary opens at that term', async ({
    page,
  }) => {
    await openOverview(page);
    const help = page.getByRole('button', { name: 'What is KV heads?', exact: true });
    await help.focus();
    await page.keyboard.press('Enter');
    const definition = page.getByText(GLOSSARY.kvHeads.definition);
    await expect(definition).toBeVisible();
    // Not over the word it explains.
    const word = page.getByTestId('architecture').getByRole('term').filter({ has: help });
    const popover = page.getByTestId('term-popover').filter({ has: definition });
    expect(clearOf(await box(popover), await box(word))).toBe(true);

    await page.keyboard.press('Escape');
    await expect(definition).toBeHidden();
    await expect(help).toBeFocused();

    // Again, then on into the glossary: Tab reaches the popover's link.
    await page.keyboard.press('Enter');
    await expect(definition).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'All terms in the glossary' })).toBeFocused();
    await page.keyboard.press('Enter');
    const glossary = page.getByRole('dialog', { name: 'Glossary' });
    await expect(glossary).toBeVisible();
    const entry = glossary.getByTestId('glossary-entry').filter({ hasText: GLOSSARY.kvHeads.definition });
    await expect(entry).toBeFocused();
    await expect(entry).toBeInViewport();
    await page.keyboard.press('Escape');
    await expect(glossary).toBeHidden();
    await expect(help).toBeFocused();
  });

  test('the glossary lists every term alphabetically, its filter finds a term by its word or another name, and Esc closes it', async ({
    page,
  }) => {
    await openOverview(page);
    const open = page.getByRole('button', { name: 'Glossary', exact: true });
    await open.click();
    const glossary = page.getByRole('dialog', { name: 'Glossary' });
    const filter = glossary.getByRole('searchbox', { name: 'Find a term' });
    await expect(filter).toBeFocused();
    const words = glossary.getByRole('term');
    await expect(words).toHaveText(ALPHABETICAL_TERMS.map((id) => GLOSSARY[id].term));

    await filter.fill('rope');
    await expect(words).toHaveText(['Rope theta']);
    await expect(glossary.getByRole('definition')).toHaveText(GLOSSARY.ropeTheta.definition);
    await filter.fill('GQA'); // another name for grouped-query attention
    await expect(words).toHaveText(['KV heads']);
    await filter.fill('quark');
    await expect(words).toHaveCount(0);
    await expect(glossary.getByRole('status')).toHaveText('No term matches “quark”.');

    await page.keyboard.press('Escape');
    await expect(glossary).toBeHidden();
    await expect(open).toBeFocused();
    // Opened again, it starts over: every term, no filter.
    await open.click();
    await expect(filter).toHaveValue('');
    await expect(words).toHaveCount(ALPHABETICAL_TERMS.length);
  });

  test('at 390 × 844 a definition stays on screen, clear of its word, and adds no sideways scroll', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openOverview(page);
    const scrollWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    for (const id of ['kvHeads', 'ropeTheta', 'packed4Bit'] as const) {
      const help = page.getByRole('button', { name: `What is ${termInSentence(id)}?`, exact: true });
      const before = await scrollWidth();
      await help.click();
      const definition = page.getByText(GLOSSARY[id].definition);
      await expect(definition).toBeVisible();
      const popover = await box(page.getByTestId('term-popover').filter({ has: definition }));
      expect(popover.x).toBeGreaterThanOrEqual(0);
      expect(popover.x + popover.width).toBeLessThanOrEqual(390);
      expect(clearOf(popover, await box(help))).toBe(true);
      // At most 390 px, or no wider than the page already was (its own layout is another matter).
      expect(await scrollWidth()).toBeLessThanOrEqual(Math.max(390, before));
      await page.keyboard.press('Escape');
      await expect(definition).toBeHidden();
    }
  });
});
