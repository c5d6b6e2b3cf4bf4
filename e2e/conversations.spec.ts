import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectBackend, openApp, test, expect } from './fixtures.ts';

test.describe('conversations', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'backend-independent');

  test('a conversation survives a reload; its JSON export (token probabilities and reply versions included) imports back identical', async ({
    page,
    backend,
  }) => {
    await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend, panel: 'chat' });
    await expectBackend(page, backend);
    await page.getByLabel('Token probabilities').check();
    await page.getByLabel('Max new tokens').fill('6');
    await page.getByRole('textbox', { name: 'Message' }).fill('Remember me after a reload');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('assistant-message')).toHaveCount(1);
    await page.getByRole('button', { name: 'Regenerate' }).click();
    const version = page.getByTestId('assistant-message').getByTestId('version');
    await expect(version).toHaveText('Version 2 of 2');
    const ids = await page.getByTestId('assistant-message').getAttribute('data-token-ids');

    await page.reload();
    await expect(page.getByRole('article', { name: 'user message' })).toContainText(
      'Remember me after a reload',
    );
    await expect(page.getByTestId('assistant-message')).toHaveAttribute('data-token-ids', ids ?? '');
    await expect(version).toHaveText('Version 2 of 2');
    await expect(page.getByTestId('reply-token')).toHaveCount(ids?.split(',').length ?? 0);
    await expect(page.getByTestId('conversation')).toHaveCount(1);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const exported = await readFile(await (await download).path(), 'utf8');
    // The model that wrote the replies, whatever is loaded at export time.
    expect((JSON.parse(exported) as { model: string }).model).toBe('glassbox/tiny-chat');

    await page.getByRole('button', { name: `Delete Remember me after a reload` }).click();
    await expect(page.getByTestId('conversation')).toHaveCount(0);
    await expect(page.getByTestId('assistant-message')).toHaveCount(0);
    // A deletion can be undone, with every version.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByTestId('conversation')).toHaveCount(1);
    await expect(version).toHaveText('Version 2 of 2');
    await page.getByRole('button', { name: `Delete Remember me after a reload` }).click();
    await expect(page.getByTestId('conversation')).toHaveCount(0);

    const file = path.join(tmpdir(), `glassbox-import-${Date.now()}.json`);
    await writeFile(file, exported);
    await page.getByLabel('Import JSON').setInputFiles(file);
    await expect(page.getByTestId('assistant-message')).toHaveAttribute('data-token-ids', ids ?? '');
    await expect(version).toHaveText('Version 2 of 2');
    const again = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    expect(JSON.parse(await readFile(await (await again).path(), 'utf8'))).toEqual(JSON.parse(exported));
  });

  test('markdown in an imported conversation executes nothing and loads nothing', async ({
    page,
    backend,
  }) => {
    const dialogs: string[] = [];
    const consoleErrors: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await openApp(page, { backend, panel: 'chat' });
    const hostile = [
      'Look: <img src=x onerror="alert(1)">',
      '<script>alert(2)</script>',
      '[click me](javascript:alert(3))',
      '<a href="javascript:alert(4)">raw link</a>',
      '<iframe src="javascript:alert(5)"></iframe>',
      '**still markdown**',
    ].join('\n\n');
    const file = path.join(tmpdir(), `glassbox-hostile-${Date.now()}.json`);
    await writeFile(
      file,
      JSON.stringify({
        format: 'glassbox-conversation',
        version: 1,
        title: 'Hostile',
        createdAt: 0,
        model: null,
        settings: {},
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: hostile },
        ],
        replies: [],
      }),
    );
    await page.getByLabel('Import JSON').setInputFiles(file);
    const reply = page.getByTestId('assistant-message');
    await expect(reply.locator('strong')).toHaveText('still markdown');
    await reply.getByText('click me').click();
    await reply.getByText('raw link').click();
    expect(await reply.locator('img, script, iframe').count()).toBe(0);
    expect(await reply.locator('[onerror], [onclick], a[href^="javascript"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('an import of a file that is not a conversation says why and keeps the chat', async ({
    page,
    backend,
  }) => {
    await openApp(page, { backend, panel: 'chat' });
    const file = path.join(tmpdir(), `glassbox-bad-${Date.now()}.json`);
    await writeFile(file, JSON.stringify({ hello: 'world' }));
    await page.getByLabel('Import JSON').setInputFiles(file);
    await expect(
      page.getByRole('alert').filter({ hasText: 'not a Glassbox conversation file' }),
    ).toBeVisible();
  });
});
