/**
 * The chat by keyboard and at a laptop's width: the skip link, one tab stop per reply with arrow keys
 * among its tokens, Esc closing the candidates, and token strips that wrap instead of widening the page.
 */
import { expect, expectBackend, openApp, replyTo, test } from './fixtures.ts';

test.describe('keyboard and width', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'the page itself does not depend on the backend');

  test('after a reply with probabilities on, the message box is one Tab and Enter away; a reply is one tab stop; Esc closes its candidates; the prompt view does not widen the page', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await page.getByLabel('Token probabilities').check();
    await replyTo(page, 'What is a token?', 24);
    const tokens = page.getByTestId('reply-token');
    expect(await tokens.count()).toBeGreaterThan(3);

    // From the top of the page (a fresh load, the conversation reopened): the skip link first, and it
    // leads to the message box.
    await page.reload();
    await expect(tokens.first()).toBeVisible();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to the message box' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();

    // The reply is one stop: Shift+Tab from its first token leaves it, arrows walk it.
    await tokens.first().focus();
    await page.keyboard.press('ArrowRight');
    await expect(tokens.nth(1)).toBeFocused();
    await page.keyboard.press('End');
    await expect(tokens.last()).toBeFocused();
    await page.keyboard.press('Home');
    await expect(tokens.first()).toBeFocused();
    expect(await tokens.evaluateAll((buttons) => buttons.filter((b) => b.tabIndex === 0).length)).toBe(1);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('token-candidates')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('token-candidates')).toHaveCount(0);
    await expect(tokens.first()).toBeFocused();

    // The prompt's token strip wraps inside the page.
    await page.getByText('What the model sees').click();
    await expect(page.getByTestId('prompt-token').first()).toBeVisible();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
  });

  test('Esc closes every form and menu it opened, and the focus returns to what opened it', async ({
    page,
  }) => {
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await replyTo(page, 'Esc, please.', 2);

    // Editing a message: Esc gives the edit up, the message is unchanged.
    const edit = page.getByRole('button', { name: 'Edit', exact: true });
    await edit.click();
    const editBox = page.getByLabel('Edit message');
    await expect(editBox).toBeFocused();
    await editBox.fill('Something else');
    await page.keyboard.press('Escape');
    await expect(editBox).toHaveCount(0);
    await expect(edit).toBeFocused();
    await expect(page.getByTestId('message-text').first()).toHaveText('Esc, please.');

    // Renaming a conversation.
    const rename = page.getByRole('button', { name: /^Rename / });
    await rename.click();
    const title = page.getByLabel('New title');
    await expect(title).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(title).toHaveCount(0);
    await expect(rename).toBeFocused();

    // The classroom menu.
    const menu = page.getByText('Classroom', { exact: true });
    await menu.click();
    const reset = page.getByRole('button', { name: 'Reset for the next class' });
    await expect(reset).toBeVisible();
    await reset.focus();
    await page.keyboard.press('Escape');
    await expect(reset).toBeHidden();
    await expect(menu).toBeFocused();
  });
});
