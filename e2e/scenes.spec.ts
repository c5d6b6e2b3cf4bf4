/**
 * Scenes and tours as a class uses them: the teacher sets up what to show and saves it as a scene; a
 * student opens its link in a fresh browser, says yes, and sees all of it; their reply is checked against
 * the teacher's, token by token. A tour walks through three scenes.
 */
import type { Browser, Page } from '@playwright/test';
import { expect, expectBackend, openApp, replyTo, test } from './fixtures.ts';

const TENSOR = 'model.layers.1.mlp.up_proj.weight';

async function openClassroomMenu(page: Page): Promise<void> {
  const opener = page.getByLabel('Open a scene or tour file');
  if (!(await opener.isVisible())) await page.getByText('Classroom', { exact: true }).click();
  await expect(opener).toBeVisible();
}

/** Saves what is on screen as a scene (added to the tour when asked) and returns its link. */
async function makeScene(page: Page, title: string, note: string, addToTour = false): Promise<string> {
  await openClassroomMenu(page);
  await page.getByRole('button', { name: 'Save this as a scene…' }).click();
  const maker = page.getByRole('dialog', { name: 'A scene for the class' });
  await maker.getByLabel('Title', { exact: true }).fill(title);
  await maker.getByLabel('Note for students').fill(note);
  await maker.getByRole('button', { name: 'Make the scene' }).click();
  if (addToTour) await maker.getByRole('button', { name: 'Add it to the tour' }).click();
  const shareLink = maker.getByTestId('share-link');
  await expect(shareLink).toHaveValue(/\?scene=[\w-]+$/);
  const link = await shareLink.inputValue();
  await expect(maker.getByRole('img', { name: /^QR code of/ })).toBeVisible();
  await maker.getByRole('button', { name: 'Close' }).click();
  return link;
}

/** A student's browser: a fresh context, nothing stored. */
async function freshStudent(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  return context.newPage();
}

test.describe('scenes and tours', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'scenes are data; the backend is one of their fields');

  test('a scene opened from its link in a fresh browser restores every field; the reply matches the teacher’s, and other weights are named as the reason it does not', async ({
    page,
    browser,
    baseURL,
  }) => {
    // The teacher sets up the chat…
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await page.getByText(/^System prompt:/).click();
    await page.getByLabel(/^System prompt \(instructions/).fill('Answer like a pirate.');
    await page.getByText(/^Sampling:/).click();
    await page.getByLabel('Max new tokens').fill('12');
    await page.getByLabel('Seed').fill('7');
    await page.getByLabel('Token probabilities').check();
    await page.getByLabel('Colour tokens by').selectOption('entropy');
    await replyTo(page, 'Hello there', 12);
    await replyTo(page, 'What is a token?', 12);
    const teacherIds = await page.getByTestId('assistant-message').last().getAttribute('data-token-ids');

    // …the embeddings, with labels, on the UMAP map…
    await page.getByRole('link', { name: 'Embeddings' }).click();
    await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).click();
    await expectBackend(page, 'wasm');
    const sentences = 'A cat sleeps.\tanimals\nA dog runs.\tanimals\nStocks fell.\tmoney\nRates rose.\tmoney';
    await page.getByLabel(/^Sentences, one per line/).fill(sentences);
    await page.getByText(/^Saved sets/).click();
    await page.getByLabel('Set name').fill('Two topics');
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByTestId('run-summary')).toContainText('4 vectors');
    await page.getByRole('button', { name: 'UMAP', exact: true }).click();
    await expect(page.getByRole('button', { name: 'UMAP', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    // …and the inspector on one tensor of the chat model; then shows the chat.
    await page.getByRole('link', { name: 'Inspector' }).click();
    await page.getByRole('button', { name: 'glassbox/tiny-chat (fp32)' }).click();
    await page.getByRole('tab', { name: 'Weights' }).click();
    await page.getByLabel('Filter tensors').fill(TENSOR);
    await page.getByRole('button', { name: TENSOR }).click();
    await expect(page.getByTestId('tensor-stats')).toContainText('std');
    await page.getByRole('link', { name: 'Chat' }).click();
    const link = await makeScene(
      page,
      'Tokens, one at a time',
      'Send the message and compare with the board.',
    );
    expect(link).toMatch(/\?scene=[\w-]+$/);

    // A student opens the link in a fresh browser and says yes.
    const student = await freshStudent(browser, baseURL ?? '');
    await student.goto(link);
    const offer = student.getByRole('dialog', { name: 'Open the scene “Tokens, one at a time”?' });
    await expect(offer).toContainText('Send the message and compare with the board.');
    await offer.getByRole('button', { name: 'Open it' }).click();
    await expect(offer).toBeHidden();

    // Every field: the chat…
    await expect(student).toHaveURL(/#\/chat$/);
    await expectBackend(student, 'wasm');
    await expect(student.getByTestId('load-summary').first()).toContainText('glassbox/tiny-chat (fp32)');
    await expect(student.getByRole('banner').getByLabel('Backend')).toHaveValue('wasm');
    await expect(student.getByLabel(/^System prompt \(instructions/)).toHaveValue('Answer like a pirate.');
    await expect(student.getByLabel('Max new tokens')).toHaveValue('12');
    await expect(student.getByLabel('Seed')).toHaveValue('7');
    await expect(student.getByLabel('Greedy')).toBeChecked();
    await expect(student.getByLabel('Token probabilities')).toBeChecked();
    await expect(student.getByLabel('Colour tokens by')).toHaveValue('entropy');
    await expect(student.getByTestId('message-text')).toHaveCount(2); // the turns before the message
    await expect(student.getByRole('textbox', { name: 'Message' })).toHaveValue('What is a token?');

    // …the embeddings…
    await student.getByRole('link', { name: 'Embeddings' }).click();
    await expect(student.getByLabel(/^Sentences, one per line/)).toHaveValue(sentences);
    await expect(student.getByLabel('Set name')).toHaveValue('Two topics');
    await expect(student.getByTestId('run-summary')).toContainText('4 vectors');
    await expect(student.getByRole('button', { name: 'UMAP', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(student.getByLabel('Colours by label')).toContainText('animals');

    // …and the inspector.
    await student.getByRole('link', { name: 'Inspector' }).click();
    await expect(student.getByRole('heading', { name: /glassbox\/tiny-chat/ })).toBeVisible();
    await expect(student.getByRole('tab', { name: 'Weights' })).toHaveAttribute('aria-selected', 'true');
    await expect(student.getByTestId('tensor-detail').getByRole('heading', { name: TENSOR })).toBeVisible();

    // The same model, weights and backend: the same reply, token for token.
    await student.getByRole('link', { name: 'Chat' }).click();
    await student.getByRole('button', { name: 'Send' }).click();
    const check = student.getByTestId('teacher-check');
    await expect(check).toHaveAttribute('data-same', 'true');
    expect(await student.getByTestId('assistant-message').last().getAttribute('data-token-ids')).toBe(
      teacherIds,
    );

    // Other weights: the first difference, and why.
    await student.getByRole('banner').getByLabel('Weights').selectOption('q4');
    await expect(student.getByTestId('load-summary').first()).toContainText(/\(q4[,)]/);
    await student.getByRole('button', { name: 'Regenerate' }).click();
    await expect(check).toHaveAttribute('data-same', 'false');
    await expect(check).toContainText(/Differs from the teacher's reply from token \d+ on/);
    await expect(check).toContainText("other weights: yours are q4, the teacher's fp32");
    await student.context().close();
  });

  test('a tour steps through three scenes with their titles and notes', async ({
    page,
    browser,
    baseURL,
  }) => {
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    await makeScene(page, 'One: the chat', 'A model writes one token at a time.', true);
    await page.getByRole('link', { name: 'Embeddings' }).click();
    await makeScene(page, 'Two: meaning as vectors', 'Sentences become points.', true);
    await page.getByRole('link', { name: 'Inspector' }).click();
    await openClassroomMenu(page);
    await page.getByRole('button', { name: 'Save this as a scene…' }).click();
    const maker = page.getByRole('dialog', { name: 'A scene for the class' });
    await maker.getByLabel('Title', { exact: true }).fill('Three: just files');
    await maker.getByLabel('Note for students').fill('A model is files and numbers.');
    await maker.getByRole('button', { name: 'Make the scene' }).click();
    await maker.getByRole('button', { name: 'Add it to the tour' }).click();
    await expect(maker.getByTestId('tour-draft').getByRole('listitem')).toHaveCount(3);
    await maker.getByLabel('Tour title').fill('What is a model?');
    await maker.getByRole('button', { name: 'Share the tour' }).click();
    // The tour's link replaces the scene's once the tour is packed; read it only when it is there.
    const tourShare = maker.getByTestId('share-link').last();
    await expect(tourShare).toHaveValue(/\?tour=[\w-]+$/);
    const tourLink = await tourShare.inputValue();

    const student = await freshStudent(browser, baseURL ?? '');
    await student.goto(tourLink);
    await student
      .getByRole('dialog', { name: /^Open the tour “What is a model\?” \(3 steps\)\?$/ })
      .getByRole('button', { name: 'Open it' })
      .click();
    const bar = student.getByTestId('tour-bar');
    await expect(bar).toContainText('step 1 of 3, One: the chat');
    await expect(bar.getByTestId('tour-note')).toHaveText('A model writes one token at a time.');
    await expect(student).toHaveURL(/#\/chat$/);
    await bar.getByRole('button', { name: 'Next' }).click();
    await expect(bar).toContainText('step 2 of 3, Two: meaning as vectors');
    await expect(student).toHaveURL(/#\/embeddings$/);
    await bar.getByRole('button', { name: 'Next' }).click();
    await expect(bar).toContainText('step 3 of 3, Three: just files');
    await expect(bar.getByTestId('tour-note')).toHaveText('A model is files and numbers.');
    await expect(student).toHaveURL(/#\/inspector$/);
    await expect(bar.getByRole('button', { name: 'Next' })).toBeDisabled();
    await bar.getByRole('button', { name: 'Previous' }).click();
    await expect(bar).toContainText('step 2 of 3');
    await expect(student).toHaveURL(/#\/embeddings$/);

    await student.context().close();
  });
});
