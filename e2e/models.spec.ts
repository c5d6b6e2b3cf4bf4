import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { hostLabel } from '../src/core/hosts.ts';
import { weightFile } from '../src/core/weightFiles.ts';
import { hostKey } from '../src/hub/manifest.ts';
import { expectBackend, openApp, replyTo, test, expect } from './fixtures.ts';
import { modelDir } from './reference.ts';

const MODEL = 'glassbox/tiny-chat';

const WEIGHTS = `glassbox/tiny-chat/resolve/main/${weightFile('fp32')}`;

test.describe('models from a mirror, on the device, and from disk', () => {
  // The download machinery is backend-independent; the wasm project covers it.
  test.skip(({ backend }) => backend !== 'wasm', 'backend-independent');

  test('a download cut mid-file resumes with a Range request, reaches 100% and the model chats', async ({
    mirrors,
    page,
  }) => {
    const mirror = await mirrors.logging('public/models', ['--drop-once', `${WEIGHTS}:100000`]);
    // As a teacher's student would: set the classroom mirror, pick the model in the catalog.
    await openApp(page, { backend: 'wasm', panel: 'models' });
    await page.getByLabel('Mirror URL').fill(mirror.url);
    await page.getByRole('button', { name: 'Use mirror' }).click();
    await page.getByRole('button', { name: 'Load Tiny chat (forged)' }).first().click();
    await expect(page.getByTestId('load-summary').first()).toContainText(mirror.url);
    await page.getByRole('link', { name: 'Chat' }).click();

    const summary = page.getByTestId('load-summary');
    await expect(summary).toHaveAttribute('data-resumes', '1');
    await expect(summary).toContainText('resumed 1×');
    const weightRequests = mirror
      .requests()
      .filter((request) => request.path.endsWith(WEIGHTS) && request.method === 'GET');
    expect(weightRequests[0]).toMatchObject({ status: 200, fault: 'drop-once' });
    expect(weightRequests[1]).toMatchObject({ status: 206, range: 'bytes=100000-' });
    await replyTo(page, 'Hello');

    // Everything the load fetched is stored: 100% of the files, with the resumed one whole.
    await page.getByRole('link', { name: 'Storage' }).click();
    const row = page
      .getByTestId('stored-model')
      .filter({ hasText: MODEL })
      .filter({ hasText: hostLabel(mirror.url) });
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute('data-files', '5'); // config, generation config, two tokenizer files, weights
  });

  test('a reload in the middle of a download resumes from the bytes already written, not from zero', async ({
    mirrors,
    page,
  }) => {
    const model = 'glassbox/minilm-l6-shaped';
    const weights = `${model}/resolve/main/${weightFile('fp32')}`;
    // The first request of the weights sends 6 MB and then nothing: the tab is reloaded while it waits.
    const mirror = await mirrors.logging('bench/models', ['--stall-once', `${weights}:6000000`]);
    await openApp(page, { backend: 'wasm', panel: 'models' });
    await page.getByLabel('Mirror URL').fill(mirror.url);
    await page.getByRole('button', { name: 'Use mirror' }).click();
    const load = async () => {
      await page.getByLabel('Model id').fill(model);
      await page.getByRole('button', { name: 'Check' }).click();
      await page.getByRole('button', { name: 'Load fp32' }).click();
    };
    await load();
    const progress = page
      .getByTestId('file-progress')
      .filter({ hasText: weightFile('fp32') })
      .first();
    await expect(progress).toHaveAttribute('data-loaded', /^(5\d{6}|6000000)$/);

    await page.reload();
    await page.getByRole('link', { name: 'Models' }).click();
    await load();
    await expect(page.getByTestId('load-summary').filter({ hasText: model }).first()).toContainText(
      mirror.url,
    );
    const weightRequests = mirror
      .requests()
      .filter((request) => request.path.endsWith(weights) && request.method === 'GET');
    expect(weightRequests[0]).toMatchObject({ status: 200, fault: 'stall-once' });
    // Whole blocks of 4 MiB were written to the file as they arrived.
    expect(weightRequests[1]).toMatchObject({ status: 206, range: 'bytes=4194304-' });
  });

  test('a link’s host applies to the link’s model only, is shown, is undone with one click, and becomes the mirror only when asked', async ({
    mirrors,
    page,
  }) => {
    const mirror = await mirrors.logging('public/models');
    await openApp(page, { host: mirror.url, model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    const banner = page.getByTestId('link-host');
    await expect(banner).toContainText(
      `This link loads ${MODEL} from ${mirror.url}, not from the usual model host`,
    );
    await expect(page.getByTestId('load-summary')).toContainText(mirror.url);
    // Other weights of the same model come from the same host.
    await page.getByRole('combobox', { name: 'Weights', exact: true }).selectOption('q8');
    await expect(page.getByTestId('load-summary')).toContainText(`${MODEL} (q8)`);
    await expect(page.getByTestId('load-summary')).toContainText(mirror.url);
    expect(mirror.requests().some((request) => request.path.includes('model_quantized.onnx'))).toBe(true);

    // Other models still come from the usual host, and no mirror was set.
    await page.getByRole('link', { name: 'Models' }).click();
    await expect(page.getByText('Every model loads from the mirror')).toHaveCount(0);
    await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).first().click();
    await page.getByRole('link', { name: 'Embeddings' }).click();
    await expect(page.getByTestId('load-summary')).toContainText('glassbox/tiny-embed');
    expect(mirror.requests().some((request) => request.path.includes('tiny-embed'))).toBe(false);

    // One click: the link's model from the usual host.
    await banner.getByRole('button', { name: `Load ${MODEL} from the usual host instead` }).click();
    await expect(banner).toHaveCount(0);
    await page.getByRole('link', { name: 'Chat' }).click();
    await expect(page.getByTestId('load-summary')).not.toContainText(mirror.url);
    await expect(page.getByTestId('load-summary')).toContainText(MODEL);

    // Made the mirror only when asked.
    await page.reload();
    await banner.getByRole('button', { name: `Use ${mirror.url} for every model` }).click();
    await page.getByRole('link', { name: 'Models' }).click();
    await expect(page.getByText(`Every model loads from the mirror ${mirror.url}.`)).toBeVisible();
  });

  test('a model stored from two hosts is listed once per host, each row named by its host; deleting one keeps the other', async ({
    mirrors,
    page,
    baseURL,
  }) => {
    const mirror = await mirrors.logging('public/models');
    const mirrorLabel = hostLabel(mirror.url);
    const appLabel = hostLabel(`${baseURL}/models`);
    await openApp(page, { host: mirror.url, model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expect(page.getByTestId('load-summary')).toContainText(mirror.url);
    await page
      .getByTestId('link-host')
      .getByRole('button', { name: `Load ${MODEL} from the usual host instead` })
      .click();
    await expect(page.getByTestId('load-summary')).not.toContainText(mirror.url);
    await expect(page.getByTestId('load-summary')).toContainText(MODEL);

    await page.getByRole('link', { name: 'Storage' }).click();
    const rows = page.getByTestId('stored-model');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: appLabel })).toHaveCount(1);
    await expect(rows.filter({ hasText: mirrorLabel })).toHaveCount(1);

    await page.getByRole('button', { name: `Delete ${MODEL} from ${mirrorLabel}`, exact: true }).click();
    await page.getByRole('button', { name: `Yes, delete ${MODEL} from ${mirrorLabel}`, exact: true }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText(appLabel);
    await expect(
      page.getByRole('button', { name: `Delete ${MODEL} from ${appLabel}`, exact: true }),
    ).toBeVisible();
  });

  test('a connection that stalls is dropped after 30 s and resumed', async ({ mirrors, page }) => {
    const mirror = await mirrors.logging('public/models', ['--stall-once', `${WEIGHTS}:100000`]);
    await openApp(page, { host: mirror.url, model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expect(page.getByTestId('load-summary')).toHaveAttribute('data-resumes', '1', { timeout: 90_000 });
    const weightRequests = mirror
      .requests()
      .filter((request) => request.path.endsWith(WEIGHTS) && request.method === 'GET');
    expect(weightRequests[0]).toMatchObject({ status: 200, fault: 'stall-once' });
    expect(weightRequests[1]).toMatchObject({ status: 206, range: 'bytes=100000-' });
    await replyTo(page, 'Hello');
  });

  test('partial bytes a host without hashes or sizes answers 416 to are downloaded again, and the model loads', async ({
    page,
    baseURL,
  }) => {
    // The app's own model folder: a static host, no listing, so the size is not known in advance.
    const host = `${baseURL}/models`;
    const weights = readFileSync(path.join(modelDir(MODEL), weightFile('fp32')));
    // As a reload between the last byte and the check leaves it: the whole file, still a .partial. Written
    // from a page of the app's origin that is not the app (the app loads the demo model at once).
    await page.goto('/favicon.svg');
    await page.evaluate(
      async ({ folders, bytes }) => {
        let folder = await navigator.storage.getDirectory();
        for (const name of folders) folder = await folder.getDirectoryHandle(name, { create: true });
        const handle = await folder.getFileHandle('model.onnx.partial', { create: true });
        const writable = await handle.createWritable();
        await writable.write(new Uint8Array(bytes));
        await writable.close();
      },
      { folders: ['models', hostKey(host), ...MODEL.split('/'), 'files', 'onnx'], bytes: [...weights] },
    );
    const statuses: number[] = [];
    // The engine worker's requests, too.
    page.context().on('response', (response) => {
      if (response.url().endsWith(`/${weightFile('fp32')}`)) statuses.push(response.status());
    });
    await openApp(page, { model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expectBackend(page, 'wasm');
    expect(statuses).toEqual([416, 200]);
    await replyTo(page, 'Hello');
  });

  test('two tabs loading the same model download it once', async ({ mirrors, page }) => {
    const model = 'glassbox/minilm-l6-shaped';
    const weights = `${model}/resolve/main/${weightFile('fp32')}`;
    const mirror = await mirrors.logging('bench/models');
    const other = await page.context().newPage();
    const load = async (tab: Page) => {
      await openApp(tab, { backend: 'wasm', panel: 'models' });
      await tab.getByLabel('Mirror URL').fill(mirror.url);
      await tab.getByRole('button', { name: 'Use mirror' }).click();
      await tab.getByLabel('Model id').fill(model);
      await tab.getByRole('button', { name: 'Check' }).click();
    };
    await Promise.all([load(page), load(other)]);
    await Promise.all([
      page.getByRole('button', { name: 'Load fp32' }).click(),
      other.getByRole('button', { name: 'Load fp32' }).click(),
    ]);
    for (const tab of [page, other]) {
      await expect(tab.getByTestId('load-summary').filter({ hasText: model }).first()).toBeVisible({
        timeout: 120_000,
      });
    }
    const downloads = mirror
      .requests()
      .filter((request) => request.path.endsWith(weights) && request.method === 'GET');
    expect(downloads).toHaveLength(1);
  });

  test('a corrupted file is rejected with a clear message and not stored', async ({ mirrors, page }) => {
    const mirror = await mirrors.logging('public/models', ['--corrupt', `${WEIGHTS}:bytes`]);
    await openApp(page, { host: mirror.url, model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    await expect(page.getByRole('alert').filter({ hasText: 'arrived damaged' })).toContainText('sha256');
    await expect(page.getByTestId('backend-badge')).toHaveText('no model');

    await page.getByRole('link', { name: 'Storage' }).click();
    const row = page.getByTestId('stored-model').filter({ hasText: MODEL });
    await expect(row).toBeVisible();
    await row.getByText(/^\d+$/).click(); // open the row's file list
    await expect(row).toContainText('config.json');
    await expect(row).not.toContainText('onnx/model.onnx');
  });

  test('a stored model reloads with no request to the host; deleting it frees the space', async ({
    mirrors,
    page,
  }) => {
    const mirror = await mirrors.logging('public/models');
    const link = {
      host: mirror.url,
      model: MODEL,
      dtype: 'fp32' as const,
      backend: 'wasm' as const,
      panel: 'chat' as const,
    };
    await openApp(page, link);
    await expect(page.getByTestId('load-summary')).toContainText('downloaded');

    const before = mirror.requests().length;
    const pageRequests: string[] = [];
    page.on('request', (request) => pageRequests.push(request.url()));
    await page.reload();
    await expect(page.getByTestId('load-summary')).toContainText('loaded from this device, no download');
    await replyTo(page, 'Hello');
    expect(mirror.requests().slice(before)).toEqual([]);
    expect(pageRequests.filter((url) => url.startsWith(mirror?.url ?? '-'))).toEqual([]);

    await page.getByRole('link', { name: 'Storage' }).click();
    const usage = page.getByTestId('storage-usage');
    await expect(usage).not.toHaveAttribute('data-model-bytes', '0');
    await page.getByRole('button', { name: `Delete ${MODEL}` }).click();
    // It asks first, with the focus on the safe answer: Escape keeps it, confirming deletes.
    await expect(page.getByRole('button', { name: 'Keep', exact: true })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: 'Keep', exact: true })).toHaveCount(0);
    await expect(usage).not.toHaveAttribute('data-model-bytes', '0');
    await page.getByRole('button', { name: `Delete ${MODEL}` }).click();
    await page.getByRole('button', { name: `Yes, delete ${MODEL}` }).click();
    await expect(usage).toHaveAttribute('data-model-bytes', '0');
    await expect(page.getByTestId('stored-model')).toHaveCount(0);

    await page.reload(); // the same link again, now with nothing stored
    await page.getByRole('link', { name: 'Chat' }).click();
    await expect(page.getByTestId('load-summary')).toContainText('downloaded');
    expect(
      mirror
        .requests()
        .slice(before)
        .some((request) => request.path.endsWith(WEIGHTS)),
    ).toBe(true);
  });

  test('a model folder opened from disk loads and chats with the network blocked', async ({
    page,
    context,
  }) => {
    const folder = path.join(mkdtempSync(path.join(tmpdir(), 'glassbox-disk-')), 'tiny-chat');
    cpSync(modelDir(MODEL), folder, { recursive: true });
    // Without the forge's mark in its config, the copy counts as a real model: no random-weights notice.
    const configPath = path.join(folder, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    delete config.glassbox_forged;
    writeFileSync(configPath, JSON.stringify(config));
    // Start on the app's own demo model so the runtime is warm, then cut the network.
    await openApp(page, { model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'models' });
    await expectBackend(page, 'wasm');
    await context.setOffline(true);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    await page.getByLabel(/Pick or drop a Hugging Face model folder/).setInputFiles(folder);
    await expect(page.getByRole('status').filter({ hasText: 'it loads without any network' })).toBeVisible();
    await page.getByRole('link', { name: 'Chat' }).click();
    await expect(page.getByTestId('load-summary')).toContainText('disk/tiny-chat');
    await expect(page.getByTestId('forged-notice')).toHaveCount(0);
    await replyTo(page, 'Hello');
    // The app shell may still ask for its own icon; no model file is requested from anywhere.
    const modelRequests = requests.filter((url) => /\/resolve\/|\/api\/models|\.onnx|\.json$/.test(url));
    expect(modelRequests, 'model requests while the network was blocked').toEqual([]);
  });

  test('the any-id field explains a missing repository and one without ONNX weights', async ({
    mirrors,
    page,
  }) => {
    const root = mkdtempSync(path.join(tmpdir(), 'glassbox-hub-'));
    mkdirSync(path.join(root, 'someone/pytorch-only'), { recursive: true });
    writeFileSync(
      path.join(root, 'someone/pytorch-only/config.json'),
      JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama' }),
    );
    writeFileSync(path.join(root, 'someone/pytorch-only/model.safetensors'), 'not really weights');
    const mirror = await mirrors.logging(root);

    await openApp(page, { backend: 'wasm', panel: 'models' });
    await page.getByLabel('Mirror URL').fill(mirror.url);
    await page.getByRole('button', { name: 'Use mirror' }).click();

    const modelId = page.getByLabel('Model id');
    await modelId.fill('someone/does-not-exist');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.getByTestId('repository-error')).toContainText(
      'There is no model "someone/does-not-exist"',
    );

    await modelId.fill('someone/pytorch-only');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.getByTestId('repository-error')).toContainText('has no ONNX weights');

    await modelId.fill('glassbox tiny');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.getByTestId('repository-error')).toContainText('write it as org/name');
  });

  test('the catalog says per device what to download, what it runs as, its memory, and the decode speed measured here', async ({
    page,
  }) => {
    await openApp(page, { model: MODEL, dtype: 'fp32', backend: 'wasm', panel: 'chat' });
    const catalogEntry = (label: string) =>
      page.getByTestId('catalog-entry').filter({ has: page.getByRole('heading', { name: label }) });
    const tiny = catalogEntry('Tiny chat (forged)');
    const smol = catalogEntry('SmolLM2 135M Instruct');

    // This device (WASM: SwiftShader is a software adapter) gets SmolLM2's smallest download that runs as int8.
    await page.getByRole('link', { name: 'Models' }).click();
    // Chromium has JSPI: the runtime that loads models faster.
    await expect(page.getByTestId('device-runtime')).toContainText('ONNX Runtime’s JSPI build');
    await expect(smol.getByTestId('fit')).toContainText(
      "Recommended here: WASM with q4f16: a 134.0 MB download, run as int8 (rewritten for the CPU at its first load, then kept on this device), taking at most 268.0 MB of the tab's memory.",
    );
    await expect(tiny.getByTestId('expected-speed')).toContainText('Speed here: not measured yet.');

    // Replies long enough to time are remembered across reloads; the page shows their median.
    const rates: number[] = [];
    await page.getByRole('link', { name: 'Chat' }).click();
    for (const text of ['Hello there, how do tokenizers work?', 'And what is a weight?']) {
      await replyTo(page, text, 32);
      const stats = await page.getByTestId('reply-stats').last().textContent();
      expect(stats).toMatch(/\b32 tokens\b/);
      rates.push(Number(/([\d.]+) tok\/s/.exec(stats ?? '')?.[1]));
    }
    await page.reload();
    await page.getByRole('link', { name: 'Models' }).click();
    const median = ((rates[0] ?? 0) + (rates[1] ?? 0)) / 2;
    await expect(tiny.getByTestId('expected-speed')).toHaveText(
      new RegExp(
        `^Speed here: (${(median - 0.06).toFixed(1)}|${median.toFixed(1)}|${(median + 0.06).toFixed(1)}) tok/s, measured on this device \\(median of 2 replies, WASM ×\\d+, fp32\\)\\.$`,
      ),
    );
    // SmolLM2 runs as int8 and has no measurement of its own: fp32's speed is no estimate for it.
    await expect(smol.getByTestId('expected-speed')).toContainText('Speed here: not measured yet.');
  });
});
