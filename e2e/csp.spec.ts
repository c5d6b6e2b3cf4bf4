/**
 * The Content Security Policy is present wherever the app runs, and it works: an injected inline script
 * is refused. Where the app runs behind the preview server (a header) and on a plain static host on a
 * first visit, before any service worker (the meta element of index.html).
 *
 * Plain Playwright here, not the shared fixtures: those fail any test that meets a CSP violation, and
 * this one causes one on purpose.
 */
import { expect, test, type Page } from '@playwright/test';
import { startStaticServer } from './staticServer.ts';

test.use({ serviceWorkers: 'block' });
test.beforeEach(() => {
  test.skip(test.info().project.name !== 'wasm', 'the policy does not depend on the backend');
});

/** Injects an inline script as an attacker's markup would; says whether it ran and what was reported. */
async function injectInlineScript(page: Page): Promise<{ ran: boolean; violations: string[] }> {
  return page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(event.effectiveDirective),
    );
    const script = document.createElement('script');
    script.textContent = 'window.glassboxInjected = true;';
    document.head.append(script);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ran: (window as { glassboxInjected?: boolean }).glassboxInjected === true, violations };
  });
}

test('the preview server sends the policy: an injected inline script is refused', async ({ page }) => {
  const response = await page.goto('/?backend=wasm#/models');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await expect(page.getByRole('link', { name: 'Models' })).toBeVisible();
  // Refused by the header's policy and by the page's own (both apply).
  const { ran, violations } = await injectInlineScript(page);
  expect(ran).toBe(false);
  expect(new Set(violations)).toEqual(new Set(['script-src-elem']));
});

test('a static host that sends no policy, on a first visit: the page’s own policy refuses an injected inline script', async ({
  page,
}) => {
  const server = await startStaticServer('dist');
  try {
    const response = await page.goto(`${server.url}/?backend=wasm#/models`);
    expect(response?.headers()['content-security-policy']).toBeUndefined();
    await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
      'content',
      /script-src 'self' 'wasm-unsafe-eval'.*object-src 'none'/,
    );
    await expect(page.getByRole('link', { name: 'Models' })).toBeVisible();
    expect(await injectInlineScript(page)).toEqual({ ran: false, violations: ['script-src-elem'] });
  } finally {
    await server.stop();
  }
});
