/**
 * `npm run screenshots`: the README's pictures of every panel, light and dark, taken from the real app so
 * they follow it. Needs the built app (`npm run build`) with the forged demo models in it (`npm run forge`
 * before the build) and Chromium; it says which is missing, and takes nothing then.
 *
 * It serves dist/ as `vite preview` does (cross-origin isolation, the CSP), lets the service worker take
 * control so the Network panel lists the tab's requests, then in a fresh browser context per theme (the app
 * follows the system's colour scheme by default) fills each panel as a class would see it: a short reply
 * with token probabilities and one token's candidates, the forged embedding model's map, the chat model in
 * the Inspector, then Models, Storage and Network. Each picture waits for what it shows, not for a time.
 *
 *   npm run build && npm run screenshots   → docs/screenshots/<panel>-<theme>.png
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect as baseExpect, type Browser, type Page } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_PATH, QUIET_CHROMIUM_ARGS } from '../../e2e/chromium.ts';
import { runCli } from '../runCli.ts';
import { missingPrerequisites } from './prerequisites.ts';
import { PANELS, SCREENSHOT_DIR, THEMES, VIEWPORT, screenshotFile, type Panel, type Theme } from './shots.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHAT_LINK = '/?model=glassbox/tiny-chat&dtype=fp32&backend=wasm#/chat';

// Loading and replying take seconds on 2 busy cores; a minute means something is wrong.
const expect = baseExpect.configure({ timeout: 60_000 });

// The address `npm start` prints, so the pictures show what a reader sees; the next free one if taken.
const DEFAULT_PORT = 4173;

const USAGE = `usage: npm run screenshots [-- --port N]
  Takes ${SCREENSHOT_DIR}/<panel>-<theme>.png for every panel, light and dark, at ${VIEWPORT.width}×${VIEWPORT.height}.
  Needs: npm run forge (the demo models), then npm run build (the app, with them); Chromium at
  /usr/bin/chromium or CHROMIUM_PATH.
  --port N   serve the app on port N, or the next free one (default ${DEFAULT_PORT})`;

/** The port asked for, or a usage message. */
function parsePort(args: readonly string[]): number | string {
  if (args.length === 0) return DEFAULT_PORT;
  const [flag, value] = args;
  if (args.length === 2 && flag === '--port' && value !== undefined && /^\d{1,5}$/.test(value)) {
    const port = Number(value);
    if (port > 0 && port <= 65535) return port;
  }
  return args.includes('--help') || args.includes('-h') ? '' : `Unknown arguments: ${args.join(' ')}`;
}

/** Shows a panel through the header's tabs, as a person would. */
async function showPanel(page: Page, panel: Panel): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Panels' })
    .getByRole('link', { name: new RegExp(`^${panel}$`, 'i') })
    .click();
  await expect(page.getByRole('region', { name: new RegExp(`^${panel}`, 'i') }).first()).toBeVisible();
}

/** What each panel shows in its picture, done on the panel before it is taken, in the app's tab order. */
const FILL: Record<Panel, (page: Page) => Promise<void>> = {
  async chat(page) {
    await page.getByLabel('Token probabilities').check();
    await page.getByLabel('Max new tokens').fill('24');
    await page.getByRole('textbox', { name: 'Message' }).fill('Tell me about tokens and weights.');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.getByTestId('assistant-message');
    await expect(reply).toHaveAttribute('data-token-ids', /\d/);
    await expect(page.getByTestId('assistant-streaming')).toHaveCount(0);
    // A token that reads as letters: the forged model's bytes often show as �.
    await reply
      .getByTestId('reply-token')
      .filter({ hasText: /[a-z]{3}/i })
      .first()
      .click();
    await expect(page.getByTestId('token-candidates')).toBeVisible();
  },
  async embeddings(page) {
    await page.getByRole('button', { name: 'Load Tiny embeddings (forged)' }).first().click();
    const embed = page.getByRole('button', { name: 'Embed', exact: true });
    await expect(embed).toBeEnabled();
    await embed.click();
    await expect(page.getByTestId('run-summary')).toBeVisible();
    // The map is drawn once its layout is computed (in a worker).
    await expect(page.getByTestId('scatter')).toHaveAttribute('data-bounds', /\d/);
    await expect(page.getByRole('progressbar', { name: 'Layout progress' })).toHaveCount(0);
  },
  async inspector(page) {
    // The embedding model was loaded last, so it is the one open: the chat model has more to show.
    await page
      .getByRole('group', { name: 'Model to inspect' })
      .getByRole('button', { name: /^glassbox\/tiny-chat/ })
      .click();
    await expect(page.getByRole('heading', { name: /^glassbox\/tiny-chat/ })).toBeVisible();
    await expect(page.getByTestId('layer-count')).toHaveAttribute('data-layers', /\d/);
  },
  async models(page) {
    await expect(page.getByTestId('device-webgpu')).not.toBeEmpty();
  },
  async storage(page) {
    await expect(page.getByTestId('stored-model')).toHaveCount(2);
    await expect(page.getByTestId('storage-usage')).toHaveAttribute('data-usage', /\d/);
  },
  async network(page) {
    await expect(page.getByTestId('ledger-row').first()).toBeVisible();
  },
};

/** Waits for the page to settle (fonts, two frames), away from any hover, and takes the viewport. */
async function capture(page: Page): Promise<Buffer> {
  await page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height - 1);
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
  return page.screenshot({ animations: 'disabled', caret: 'hide' });
}

/** Every panel's picture in one theme, by file name. */
async function takeTheme(browser: Browser, appUrl: string, theme: Theme): Promise<Map<string, Buffer>> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    colorScheme: theme,
    reducedMotion: 'reduce',
    locale: 'en-GB',
    timezoneId: 'UTC',
    serviceWorkers: 'allow',
  });
  const errors: string[] = [];
  const shots = new Map<string, Buffer>();
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${appUrl}${CHAT_LINK}`);
    await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
    // The service worker lists the tab's requests once it controls the page (the Network panel).
    await expect(page.getByTestId('network-indicator')).not.toContainText('not watched');
    for (const panel of PANELS) {
      try {
        if (panel !== 'chat') await showPanel(page, panel);
        await FILL[panel](page);
      } catch (error) {
        // Most likely the app changed and this panel's step (FILL) must follow it: say which one.
        const detail = error instanceof Error ? error.message : String(error);
        throw new Error(`the ${panel} panel (${theme}) did not show what its picture needs:\n${detail}`, {
          cause: error,
        });
      }
      await page.evaluate(() => window.scrollTo(0, 0));
      shots.set(screenshotFile(panel, theme), await capture(page));
    }
  } finally {
    await context.close();
  }
  if (errors.length > 0)
    throw new Error(`The app threw while being filled (${theme}):\n${errors.join('\n')}`);
  return shots;
}

async function main(args: string[]): Promise<number> {
  const port = parsePort(args);
  if (typeof port === 'string') {
    process.stderr.write(`${port ? `${port}\n` : ''}${USAGE}\n`);
    return port ? 2 : 0;
  }
  const problems = missingPrerequisites({ root: ROOT, chromium: CHROMIUM_PATH });
  if (problems.length > 0) {
    process.stderr.write(`screenshots: nothing taken.\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
    return 1;
  }
  const server = await preview({ root: ROOT, logLevel: 'warn', preview: { port, host: 'localhost' } });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: QUIET_CHROMIUM_ARGS });
  try {
    const appUrl = (server.resolvedUrls?.local[0] ?? `http://localhost:${port}/`).replace(/\/$/, '');
    // Written only once every picture is taken: a failure leaves the old set whole, not half replaced.
    const shots = new Map<string, Buffer>();
    for (const theme of THEMES)
      for (const [file, png] of await takeTheme(browser, appUrl, theme)) shots.set(file, png);
    mkdirSync(join(ROOT, SCREENSHOT_DIR), { recursive: true });
    for (const [file, png] of shots) {
      writeFileSync(join(ROOT, file), png);
      process.stdout.write(`screenshots: ${file}\n`);
    }
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
  return 0;
}

runCli('screenshots', main);
