/**
 * Shared e2e fixtures: the backend each project runs on, and a guard that fails any test whose page,
 * workers or service worker sent a request beyond localhost.
 */
import { test as base, expect, type Page } from '@playwright/test';
import type { Backend } from '../src/core/model.ts';

export interface BackendOption {
  backend: Backend;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return LOCAL_HOSTS.has(parsed.hostname);
}

export const test = base.extend<BackendOption & { localOnly: void; noCspViolations: void }>({
  backend: ['wasm', { option: true }],
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
});

export { expect };

export interface AppLink {
  model?: string;
  dtype?: 'fp32' | 'q8' | 'q4';
  backend: Backend | 'auto';
  panel: 'chat' | 'embeddings' | 'inspector' | 'models' | 'storage';
  host?: string;
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
