/**
 * Shared e2e fixtures and flows: the backend each project runs on, guards that fail any test whose page,
 * workers or service worker sent a request beyond localhost or hit the Content Security Policy, mirrors
 * started for a test, and the steps many specs share.
 */
import { readFile } from 'node:fs/promises';
import { test as base, expect, type Page } from '@playwright/test';
import type { Backend, Dtype } from '../src/core/model.ts';
import {
  startLoggingMirror,
  startMirrorProcess,
  type MirrorProcess,
} from '../tools/mirror/testing/process.ts';

export interface BackendOption {
  backend: Backend;
}

/** The mirror command (tools/mirror), started by a test and stopped after it. */
export interface Mirrors {
  /** The mirror with these command-line arguments. */
  start(args: readonly string[]): Promise<MirrorProcess>;
  /** The mirror of `root` on a free loopback port, logging its requests for the test to read. */
  logging(root: string, extraArgs?: readonly string[]): Promise<MirrorProcess>;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return LOCAL_HOSTS.has(parsed.hostname);
}

export const test = base.extend<
  BackendOption & { localOnly: void; noCspViolations: void; noCrashes: void; mirrors: Mirrors }
>({
  backend: ['wasm', { option: true }],
  // Playwright reads a fixture's dependencies from its first parameter's pattern: this one has none.
  // eslint-disable-next-line no-empty-pattern
  mirrors: async ({}, use) => {
    const started: MirrorProcess[] = [];
    const keep = (mirror: MirrorProcess) => (started.push(mirror), mirror);
    await use({
      start: async (args) => keep(await startMirrorProcess(args)),
      logging: async (root, extraArgs = []) => keep(await startLoggingMirror(root, extraArgs)),
    });
    await Promise.all(started.map((mirror) => mirror.stop()));
  },
  localOnly: [
    async ({ context }, use) => {
      const requests: string[] = [];
      context.on('request', (request) => requests.push(request.url()));
      await use();
      const escaped = requests.filter((url) => !isLocal(url));
      expect(escaped, 'requests that left localhost').toEqual([]);
    },
    { auto: true },
  ],
  noCspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.exposeBinding('__glassboxCspViolation', (_source, text: string) => violations.push(text));
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          const report = (window as unknown as { __glassboxCspViolation?: (text: string) => void })
            .__glassboxCspViolation;
          report?.(
            `${event.violatedDirective} blocked ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`,
          );
        });
      });
      // A worker's blocked request shows only as a failed request.
      context.on('requestfailed', (request) => {
        if (request.failure()?.errorText === 'csp') violations.push(`blocked ${request.url()}`);
      });
      context.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use();
      expect(violations, 'Content Security Policy violations').toEqual([]);
    },
    { auto: true },
  ],
  noCrashes: [
    async ({ context }, use) => {
      // A part of the page that failed to draw (src/ui/ErrorBoundary.tsx logs "[its title]"), or an
      // exception nothing caught: either is a bug, even where the test's own checks still pass.
      const crashes: string[] = [];
      context.on('console', (message) => {
        if (
          message.type() === 'error' &&
          /^\[(The .* failed|This .* cannot be shown|Glassbox stopped)\]/.test(message.text())
        )
          crashes.push(message.text().slice(0, 500));
      });
      context.on('weberror', (error) => crashes.push(`uncaught: ${error.error().message}`));
      await use();
      expect(crashes, 'parts of the page that crashed').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export interface AppLink {
  model?: string;
  dtype?: Dtype;
  backend: Backend | 'auto';
  panel: 'chat' | 'embeddings' | 'inspector' | 'models' | 'storage';
  host?: string;
}

/** Clicks a download button and returns the file's text. */
export async function downloaded(page: Page, button: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button, exact: true }).click();
  return readFile(await (await download).path(), 'utf8');
}

/** Opens the app through a deep link, as a teacher's link would. */
export async function openApp(page: Page, link: AppLink): Promise<void> {
  const params = new URLSearchParams();
  if (link.host) params.set('host', link.host);
  if (link.model) params.set('model', link.model);
  if (link.dtype) params.set('dtype', link.dtype);
  params.set('backend', link.backend);
  await page.goto(`/?${params.toString()}#/${link.panel}`);
}

/** Waits until the model is loaded on the expected backend, as the header's badge says. */
export async function expectBackend(page: Page, backend: Backend): Promise<void> {
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', backend, {
    timeout: 120_000,
  });
}

/** Sets the mirror on the Models page, as a teacher would, and comes back to the Inspector. */
export async function useMirror(page: Page, url: string): Promise<void> {
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByLabel('Mirror URL').fill(url);
  await page.getByRole('button', { name: 'Use mirror' }).click();
  await page.getByRole('link', { name: 'Inspector' }).click();
}

/** The Inspector, with the benchmark-sized models (bench/models) served by a mirror started for the test. */
export async function openInspectorOnBenchModels(
  page: Page,
  mirrors: Mirrors,
  backend: Backend,
): Promise<void> {
  const mirror = await mirrors.start(['bench/models', '--port', '0', '--host', '127.0.0.1']);
  await openApp(page, { backend, panel: 'inspector' });
  await useMirror(page, mirror.url);
}

/** Opens a model by its id in the Inspector without loading it, as a reader would. */
export async function openWithoutLoading(page: Page, modelId: string, dtype: Dtype): Promise<void> {
  await page.getByLabel('Model id').fill(modelId);
  await page.getByLabel('Weights to open').selectOption(dtype);
  await page.getByRole('button', { name: 'Open without loading' }).click();
}

/** Sends `text` with room for a short reply, and waits until that reply (not an earlier one) is there. */
export async function replyTo(page: Page, text: string, maxNewTokens = 4): Promise<void> {
  const replies = page.getByTestId('assistant-message');
  const before = await replies.count();
  await page.getByLabel('Max new tokens').fill(String(maxNewTokens));
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(replies).toHaveCount(before + 1);
  await expect(replies.last()).toHaveAttribute('data-token-ids', /\d/);
}

/** Room for a reply long enough to interrupt: the tiny model decodes 200+ tokens/s on WASM. */
export const LONG_REPLY_TOKENS = 1000;

/** Sends `text` with room for a long reply, and waits until a few of its tokens have streamed. */
export async function startLongReply(page: Page, text: string): Promise<void> {
  await page.getByLabel('Max new tokens').fill(String(LONG_REPLY_TOKENS));
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('assistant-streaming')).toContainText(/([3-9]|\d\d+) tokens so far/);
}
