/**
 * A worker that dies mid-task: the panel says what happened, and the same work succeeds at once in a new
 * worker (src/lib/workerRpc.ts replaces it). The test kills a worker the way a runtime failure does (an
 * out-of-memory error, a WebAssembly abort): with an uncaught error on the worker's own thread.
 */
import type { Page, Worker } from '@playwright/test';
import {
  expect,
  expectBackend,
  openApp,
  openInspectorOnBenchModels,
  openWithoutLoading,
  startLongReply,
  test,
} from './fixtures.ts';

/**
 * The page's worker with this name (each of the app's workers carries its role in its name). ONNX
 * Runtime's own thread workers are skipped: one waiting on a lock would never answer.
 */
async function workerNamed(page: Page, name: string): Promise<Worker> {
  const nameOf = (worker: Worker) =>
    Promise.race([
      worker.evaluate(() => self.name).catch(() => null),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)),
    ]);
  let found: Worker | undefined;
  await expect
    .poll(async () => {
      for (const worker of page.workers()) {
        if (!/ort-wasm/.test(worker.url()) && (await nameOf(worker)) === name) found = worker;
      }
      return found !== undefined;
    })
    .toBe(true);
  return found as Worker;
}

async function kill(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('killed by the test');
    });
  });
}

test.describe('a worker that dies', () => {
  test.skip(
    ({ backend }) => backend !== 'wasm',
    'the inspector and the analysis run the same on every backend',
  );

  test('the inspector’s, while it reads a model: the panel says so, and the model opens again', async ({
    mirrors,
    page,
    backend,
  }) => {
    test.setTimeout(300_000);
    await openInspectorOnBenchModels(page, mirrors, backend);
    await openWithoutLoading(page, 'glassbox/smollm2-135m-shaped', 'fp32');
    const reading = page.getByRole('status').filter({ hasText: 'Reading' });
    await expect(reading).toBeVisible();

    await kill(await workerNamed(page, 'glassbox-inspector'));
    await expect(page.getByRole('alert')).toHaveText(
      'The inspector stopped while it worked (killed by the test). Nothing else was affected: open the model again.',
    );
    await expect(reading).toHaveCount(0);

    await page.getByRole('button', { name: 'Open without loading' }).click();
    await expect(page.getByTestId('layer-count')).toHaveAttribute('data-layers', '30', { timeout: 180_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('the analysis’, midway through a UMAP layout: the map says so, and the layout runs again', async ({
    page,
    backend,
  }) => {
    test.setTimeout(300_000);
    await openApp(page, { model: 'glassbox/tiny-embed', dtype: 'fp32', backend, panel: 'embeddings' });
    await expectBackend(page, backend);
    const sentences = Array.from(
      { length: 1500 },
      (_, i) => `Sentence number ${i} is about ${i % 7} things.`,
    );
    await page.getByLabel(/^Sentences, one per line/).fill(sentences.join('\n'));
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByTestId('run-summary')).toContainText('1500 vectors', { timeout: 120_000 });
    const umap = page.getByRole('button', { name: 'UMAP', exact: true });
    await expect(umap).toBeEnabled();

    await umap.click();
    await expect(page.getByText('UMAP: optimizing the layout')).toBeVisible({ timeout: 60_000 });
    await kill(await workerNamed(page, 'glassbox-analysis'));
    await expect(page.getByRole('alert')).toHaveText(
      'The analysis stopped (killed by the test): the map and the similarity views could not be computed. Run the layout again.',
    );
    await expect(page.getByRole('button', { name: 'Cancel layout' })).toHaveCount(0);
    await expect(umap).toHaveAttribute('aria-pressed', 'false');

    await umap.click();
    await expect(umap).toHaveAttribute('aria-pressed', 'true', { timeout: 120_000 });
    await expect(page.getByTestId('scatter')).toHaveAttribute('data-bounds', /\d/);
  });

  test('the engine’s, mid-reply: the chat keeps the message, says so, and the model loads again by itself and replies', async ({
    page,
    backend,
  }) => {
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await startLongReply(page, 'Tell me a long story about the sea.');

    await kill(await workerNamed(page, 'glassbox-engine'));
    const crashed =
      'The inference engine stopped (killed by the test). It was restarted; your conversations are safe.';
    await expect(page.getByRole('alert').filter({ hasText: crashed })).toHaveCount(2); // the reply and the header
    await expect(page.getByRole('alert').filter({ hasText: crashed }).first()).toContainText(
      'The engine was restarted: glassbox/tiny-chat loads again.',
    );
    await expect(page.getByTestId('message-text')).toHaveText('Tell me a long story about the sea.');
    await expectBackend(page, backend);
    await page.getByLabel('Max new tokens').fill('8');
    await page.getByRole('textbox', { name: 'Message' }).fill('Once more, shorter.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('assistant-message')).toHaveCount(1);
  });
});
