/**
 * The classroom as it really is: the teacher runs `npm run classroom` (tools/classroom, started here as a
 * process on the forged models), and a student opens the laptop's address. Over plain http that address
 * is not a secure context (no crypto.randomUUID, OPFS, Web Locks, clipboard API, service worker, WebGPU
 * or SharedArrayBuffer); with `--https` it is, once the certificate is accepted. Reproduced with no
 * network: Chromium maps a made-up host name to 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import jsQR from 'jsqr';
import type { VectorsFile } from '../src/embeddings/exportVectors.ts';
import { startServerProcess, type MirrorProcess } from '../tools/mirror/testing/process.ts';
import { CHROMIUM_PATH, QUIET_CHROMIUM_ARGS } from './chromium.ts';
import { downloaded, expect, expectBackend, openApp, test } from './fixtures.ts';
import { referenceChatTokenIds, referenceEmbeddings } from './reference.ts';

const CLASSROOM_HOST = 'classroom.test';
const SENTENCES = ['The cat sleeps on the warm windowsill.', 'Stock markets fell sharply this morning.'];

interface Student {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** Every request the page and its workers made. */
  requests: string[];
}

/** A student's browser on the classroom address of `server` (http or https). */
async function studentOn(server: MirrorProcess, extraArgs: string[] = []): Promise<Student> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...QUIET_CHROMIUM_ARGS, `--host-resolver-rules=MAP ${CLASSROOM_HOST} 127.0.0.1`, ...extraArgs],
  });
  const context = await browser.newContext({ baseURL: server.url.replace('127.0.0.1', CLASSROOM_HOST) });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  context.on('request', (request) => requests.push(request.url()));
  return { browser, context, page, errors, requests };
}

test.describe('the classroom server and a student on it', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'a plain-http address has no WebGPU: WASM only');

  test('on plain http a student loads both models from the laptop, gets Node’s tokens and vectors, looks inside a reply, keeps them after a reload, and is told what is limited', async () => {
    const server = await startServerProcess('classroom', ['public/models', '--port', '0']);
    const student = await studentOn(server);
    const { page } = student;
    try {
      expect(server.stdout()).toMatch(/Students open this address/);
      await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
      expect(await page.evaluate(() => isSecureContext)).toBe(false);
      const notice = page.getByTestId('address-limits');
      await expect(notice).toContainText('no WebGPU');
      await expect(notice).toContainText('one core');
      await expect(notice).toContainText("this browser's IndexedDB");
      await expectBackend(page, 'wasm');

      // Chat: greedy tokens as Node computes them on the same files.
      await page.getByLabel('Max new tokens').fill('16');
      await page.getByRole('textbox', { name: 'Message' }).fill('What is a token?');
      await page.getByRole('button', { name: 'Send' }).click();
      const reply = page.getByTestId('assistant-message');
      await expect(reply).toHaveAttribute('data-token-ids', /\d/);
      await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);
      const ids = (await reply.getAttribute('data-token-ids'))?.split(',').map(Number);
      expect(ids).toEqual(
        await referenceChatTokenIds(
          'glassbox/tiny-chat',
          [{ role: 'user', content: 'What is a token?' }],
          16,
        ),
      );
      // Look inside reads the model from IndexedDB here (no OPFS): its last layer gives the reply.
      await reply.getByRole('button', { name: 'Look inside' }).click();
      const inside = page.getByRole('dialog', { name: 'Inside the reply' });
      const lastLayer = inside.locator('button[data-layer="1"]');
      await expect(lastLayer.first()).toBeVisible();
      const lensIds = await lastLayer.evaluateAll((cells) =>
        cells.map((cell) => Number(cell.getAttribute('data-token-id'))),
      );
      expect(lensIds.slice(-(ids?.length ?? 0) - 1, -1)).toEqual(ids);
      await page.keyboard.press('Escape');

      // The Clipboard API is missing here: Copy still copies.
      await reply.getByRole('button', { name: 'Copy' }).click();
      await expect(reply.getByRole('button', { name: 'Copied' })).toBeVisible();

      // Embeddings: vectors as Node computes them.
      await openApp(page, {
        model: 'glassbox/tiny-embed',
        dtype: 'fp32',
        backend: 'wasm',
        panel: 'embeddings',
      });
      await expectBackend(page, 'wasm');
      await page.getByLabel(/^Sentences, one per line/).fill(SENTENCES.join('\n'));
      await page.getByRole('button', { name: 'Embed', exact: true }).click();
      await expect(page.getByTestId('run-summary')).toContainText('2 vectors');
      const file = JSON.parse(await downloaded(page, 'JSON')) as VectorsFile;
      const expected = await referenceEmbeddings('glassbox/tiny-embed', SENTENCES);
      file.vectors.forEach((vector, i) => {
        const reference = expected[i] ?? [];
        expect(Math.max(...vector.map((value, j) => Math.abs(value - (reference[j] ?? NaN))))).toBeLessThan(
          1e-4,
        );
      });

      // Both came from the laptop, and are kept in IndexedDB: a reload loads them with no model request.
      expect(student.requests.some((url) => url.includes('/models/glassbox/tiny-chat/resolve/main/'))).toBe(
        true,
      );
      expect(student.requests.every((url) => new URL(url).hostname === CLASSROOM_HOST)).toBe(true);
      await page.getByRole('link', { name: 'Storage' }).click();
      await expect(page.getByTestId('store-kind')).toHaveAttribute('data-kind', 'indexeddb');
      await expect(page.getByTestId('stored-model')).toHaveCount(2);
      student.requests.length = 0;
      await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'chat' });
      await expectBackend(page, 'wasm');
      expect(student.requests.filter((url) => url.includes('/models/'))).toEqual([]);
      expect(student.errors).toEqual([]);
    } finally {
      await student.browser.close();
      await server.stop();
    }
  });

  test("the teacher's Students screen shows the address students open, full screen, with a QR code a phone reads", async () => {
    const server = await startServerProcess('classroom', ['public/models', '--port', '0']);
    const teacher = await studentOn(server); // the teacher's own browser, at localhost on the laptop
    const { page } = teacher;
    try {
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.goto(`${server.url.replace('127.0.0.1', 'localhost')}/?backend=wasm#/chat`);
      const announced = await page
        .locator('meta[name="glassbox-classroom"]')
        .getAttribute('content', { timeout: 10_000 });
      const { studentUrls } = JSON.parse(announced ?? '{}') as { studentUrls: string[] };
      await page.getByRole('button', { name: 'Students' }).click();
      const screen = page.getByRole('dialog', { name: 'Open Glassbox on your laptop' });
      await expect(screen).toBeVisible();
      await expect(screen.getByTestId('student-link-address')).toHaveText(
        `${studentUrls[0]}?view=student#/chat`,
      );
      await screen.getByLabel(/^Student view/).uncheck();
      const address = `${studentUrls[0]}#/chat`;
      await expect(screen.getByTestId('student-link-address')).toHaveText(address);
      expect(await screen.boundingBox()).toMatchObject({ width: 1920, height: 1080 });
      // A laptop with no network address can only show its own: the screen says students cannot use it.
      const reachable = !new URL(address).hostname.match(/^(localhost|127\.0\.0\.1)$/);
      await expect(screen.getByText('works on this computer only')).toHaveCount(reachable ? 0 : 1);

      // What a phone's camera reads: the code drawn to pixels, decoded by an independent reader.
      const pixels = await screen.getByRole('img', { name: /^QR code of/ }).evaluate(async (svg) => {
        const image = new Image();
        const url = URL.createObjectURL(
          new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }),
        );
        image.src = url;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 400;
        const context = canvas.getContext('2d');
        context?.drawImage(image, 0, 0, 400, 400);
        URL.revokeObjectURL(url);
        return Array.from(context?.getImageData(0, 0, 400, 400).data ?? []);
      });
      expect(jsQR(Uint8ClampedArray.from(pixels), 400, 400)?.data).toBe(address);
      await page.keyboard.press('Escape');
      await expect(screen).toBeHidden();
      expect(teacher.errors).toEqual([]);
    } finally {
      await teacher.browser.close();
      await server.stop();
    }
  });

  test('with --https (certificate accepted) the page is cross-origin isolated and runs on every core', async () => {
    const certificates = await mkdtemp(join(tmpdir(), 'glassbox-classroom-'));
    const server = await startServerProcess('classroom', [
      'public/models',
      '--port',
      '0',
      '--https',
      '--cert-dir',
      certificates,
    ]);
    const student = await studentOn(server, ['--ignore-certificate-errors']);
    const { page } = student;
    try {
      expect(server.url).toMatch(/^https:/);
      expect(server.stdout()).toContain('students accept it once');
      await openApp(page, { model: 'glassbox/tiny-chat', dtype: 'fp32', backend: 'wasm', panel: 'models' });
      expect(await page.evaluate(() => [isSecureContext, crossOriginIsolated])).toEqual([true, true]);
      await expect(page.getByTestId('address-limits')).toHaveCount(0);
      await expectBackend(page, 'wasm');
      await expect(page.getByText(/^\d+ threads of \d+ cores$/)).toBeVisible();
      expect(student.errors).toEqual([]);
    } finally {
      await student.browser.close();
      await server.stop();
      await rm(certificates, { recursive: true, force: true });
    }
  });
});
