/**
 * The app as a student opens it from the teacher's laptop: a plain-http address on the school network,
 * which is not a secure context (no crypto.randomUUID, OPFS, service worker, WebGPU or
 * SharedArrayBuffer). Reproduced with no network: Chromium maps a made-up host name to 127.0.0.1.
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, QUIET_CHROMIUM_ARGS } from './chromium.ts';
import { expect, test } from './fixtures.ts';
import { startStaticServer } from './staticServer.ts';

test.describe('an insecure classroom address', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'the page itself does not depend on the backend');

  test('the app opens (never a blank page), and conversations are saved and listed', async () => {
    const server = await startStaticServer('dist');
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...QUIET_CHROMIUM_ARGS, '--host-resolver-rules=MAP classroom.test 127.0.0.1'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url.replace('127.0.0.1', 'classroom.test')}/?backend=wasm#/chat`);
      expect(await page.evaluate(() => isSecureContext)).toBe(false);
      await expect(page.getByRole('link', { name: 'Chat' })).toBeVisible();
      await page.getByLabel('Import JSON').setInputFiles({
        name: 'lesson.json',
        mimeType: 'application/json',
        buffer: Buffer.from(
          JSON.stringify({
            format: 'glassbox-conversation',
            version: 1,
            title: 'Lesson one',
            messages: [{ role: 'user', content: 'What is a token?' }],
          }),
        ),
      });
      await expect(page.getByRole('button', { name: 'Lesson one', exact: true })).toBeVisible();
      expect(errors.filter((message) => /randomUUID/.test(message))).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
