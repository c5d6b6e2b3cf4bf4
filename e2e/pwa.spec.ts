import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startLoggingMirror, type MirrorProcess } from '../tools/mirror/testing/process.ts';
import { expectBackend, test, expect } from './fixtures.ts';
import { startStaticServer, type StaticServer } from './staticServer.ts';

// The service worker is what these tests are about (elsewhere it is blocked: it reloads a page once).
test.use({ serviceWorkers: 'allow' });

test.describe('offline app and visible privacy', () => {
  test.skip(({ backend }) => backend !== 'wasm', 'the service worker is backend-independent');

  let server: StaticServer | null = null;
  let mirror: MirrorProcess | null = null;
  test.afterEach(async () => {
    await server?.stop();
    await mirror?.stop();
    server = null;
    mirror = null;
  });

  /** Opens the app from a plain static server; the service worker takes control and reloads the page once. */
  async function openFromStaticHost(
    page: Page,
    root = 'dist',
    query = 'backend=wasm',
  ): Promise<StaticServer> {
    server = await startStaticServer(root);
    await page.goto(`${server.url}/?${query}#/chat`);
    await expect(page.getByTestId('network-indicator')).not.toContainText('not watched', { timeout: 60_000 });
    return server;
  }

  test('on a static host that sends no COOP/COEP, the service worker isolates the page and WASM runs on 2 threads', async ({
    page,
  }) => {
    await openFromStaticHost(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expectBackend(page, 'wasm');
    await expect(page.getByTestId('backend-badge')).toHaveText('WASM · 2 threads');
  });

  test('the first visit’s reload waits for the download in progress and keeps what was typed', async ({
    page,
  }) => {
    const model = 'glassbox/minilm-l6-shaped';
    const weights = `${model}/resolve/main/onnx/model.onnx`;
    mirror = await startLoggingMirror('bench/models');
    server = await startStaticServer('dist');
    await page.goto(
      `${server.url}/?host=${encodeURIComponent(mirror.url)}&model=${model}&dtype=fp32&backend=wasm#/embeddings`,
    );
    // Typed while the service worker installs and the weights download.
    const sentences = page.getByLabel(/Sentences, one per line/);
    await sentences.fill('typed before the reload');
    await expect(
      page.getByRole('status').filter({ hasText: 'It reloads once, when the work' }),
    ).toBeVisible();

    await expect(page.getByTestId('network-indicator')).not.toContainText('not watched', {
      timeout: 120_000,
    });
    await expect(sentences).toHaveValue('typed before the reload');
    await expect(page.getByTestId('load-summary')).toContainText(model, { timeout: 120_000 });
    // One request for the weights: the reload did not cut the download short.
    const weightRequests = mirror.requests().filter((request) => request.path.endsWith(weights));
    expect(weightRequests.map((request) => request.status)).toEqual([200]);
  });

  test('offline after one visit: the app reloads from the device, chat and embeddings work, and no request is made', async ({
    page,
    context,
  }) => {
    await openFromStaticHost(page);
    await expectBackend(page, 'wasm');
    await page.getByRole('link', { name: 'Embeddings' }).click();
    await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).click();
    await expect(page.getByRole('button', { name: 'Embed', exact: true })).toBeEnabled({ timeout: 60_000 });

    await context.setOffline(true);
    await page.getByRole('link', { name: 'Chat' }).click(); // the header's badge follows the panel's model
    await page.reload();
    await expectBackend(page, 'wasm');
    await page.getByRole('link', { name: 'Embeddings' }).click();
    await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).click();
    await expect(page.getByRole('button', { name: 'Embed', exact: true })).toBeEnabled();

    // Every request from here on must be answered by the service worker from this device (the app's own
    // files, such as a worker script loaded on first use), none may reach a network, none may carry the text.
    const requests: { url: string; body: string; fromDevice: Promise<boolean> }[] = [];
    context.on('request', (request) =>
      requests.push({
        url: request.url(),
        body: request.postData() ?? '',
        fromDevice: request.response().then((response) => response?.fromServiceWorker() ?? false),
      }),
    );
    // The browser itself may ask for /sw.js after the reload (its check for a new app version, outside
    // Playwright's offline emulation, carrying nothing): the app's own requests are what must be none.
    const appHits = () => server?.hits().filter((path) => path !== '/sw.js') ?? [];
    const hitsBefore = appHits().length;
    const secret = 'my secret sentence about otters';
    await page.getByLabel(/^Sentences, one per line/).fill(`${secret}\nanother line`);
    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    await expect(page.getByTestId('run-summary')).toContainText('2 vectors');
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Max new tokens').fill('6');
    await page.getByRole('textbox', { name: 'Message' }).fill(secret);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('assistant-message')).toHaveAttribute('data-token-ids', /\d/);

    for (const request of requests) {
      expect(await request.fromDevice, `${request.url} answered from the device`).toBe(true);
      expect(`${request.url} ${request.body}`).not.toContain('otters');
    }
    expect(appHits().slice(hitsBefore), 'requests that reached the server').toEqual([]);
    await expect(page.getByTestId('network-indicator')).toContainText('0 requests, 0 B sent since ready');
    await page.getByRole('link', { name: 'Network' }).click();
    await expect(page.getByTestId('ledger-summary')).toHaveAttribute('data-requests-since-ready', '0');
  });

  test('the offline switch refuses a model that is not on the device, reports it, and nothing reaches its host', async ({
    page,
  }) => {
    mirror = await startLoggingMirror('public/models');
    await openFromStaticHost(page);
    await expectBackend(page, 'wasm');
    await page.getByRole('link', { name: 'Network' }).click();
    await page.getByLabel('Offline switch').check();
    await expect(page.getByRole('status').filter({ hasText: 'Offline switch on' })).toBeVisible();

    // The stored chat model opens in the Inspector with no request (its model card is not on the device).
    await page.getByRole('link', { name: 'Inspector' }).click();
    await expect(page.getByTestId('layer-count')).toHaveAttribute('data-layers', /\d/);
    await page.getByRole('tab', { name: 'Graph' }).click();
    await expect(page.getByTestId('graph-block').first()).toBeVisible();

    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByLabel('Mirror URL').fill(mirror.url);
    await page.getByRole('button', { name: 'Use mirror' }).click(); // reloads so the policy allows the mirror
    await expect(page.getByRole('status').filter({ hasText: 'Offline switch on' })).toBeVisible();
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).first().click();
    await expect(
      page
        .getByRole('alert')
        .filter({ hasText: /offline switch/i })
        .first(),
    ).toBeVisible();

    await page.getByRole('link', { name: 'Network' }).click();
    const refused = page.getByTestId('ledger-row').and(page.locator('[data-outcome="refused"]'));
    await expect(refused.first()).toContainText(new URL(mirror.url).host);
    expect(mirror.requests(), 'requests that reached the model host').toEqual([]);

    // The ledger exports as JSON, refusals included.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const ledger = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as {
      entries: { url: string; outcome: string; purpose: string }[];
    };
    expect(
      ledger.entries.some((entry) => entry.outcome === 'refused' && entry.url.startsWith(mirror?.url ?? '-')),
    ).toBe(true);
    expect(ledger.entries.some((entry) => entry.outcome === 'device' && entry.purpose === 'app')).toBe(true);
  });

  test('a new build is offered as an update; accepting it reloads into it and keeps the conversations', async ({
    page,
  }) => {
    const root = path.join(mkdtempSync(path.join(tmpdir(), 'glassbox-site-')), 'site');
    cpSync('dist', root, { recursive: true });
    await openFromStaticHost(page, root);
    await expectBackend(page, 'wasm');
    await page.getByLabel('Max new tokens').fill('4');
    await page.getByRole('textbox', { name: 'Message' }).fill('Remember me across the update');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('assistant-message')).toHaveAttribute('data-token-ids', /\d/);

    // A new deployment: a changed page, and a service worker whose precache lists its new revision.
    const indexFile = path.join(root, 'index.html');
    writeFileSync(
      indexFile,
      readFileSync(indexFile, 'utf8').replace(
        '<title>',
        '<meta name="glassbox-build" content="2" />\n    <title>',
      ),
    );
    const swFile = path.join(root, 'sw.js');
    const sw = readFileSync(swFile, 'utf8');
    const updated = sw.replace(/("revision":")[^"]+(","url":"index\.html")/, '$1e2e-update$2');
    expect(updated).not.toBe(sw);
    writeFileSync(swFile, updated);

    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await expect(page.getByText('A new version of Glassbox is ready.')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Reload to update' }).click();
    await expect(page.locator('meta[name="glassbox-build"]')).toHaveAttribute('content', '2', {
      timeout: 60_000,
    });
    await expect(
      page.getByTestId('conversation').filter({ hasText: 'Remember me across the update' }),
    ).toBeVisible();
  });
});
