/**
 * Headless Chromium for the benchmark, as the e2e tests run it, with a profile of its own that keeps the
 * model store on disk across relaunches, the app's `/?bench` page and calls to that page's hook.
 *
 *   const browser = await launchBrowser(appUrl);
 *   const capabilities = await callBenchPage(await browser.benchPage(), 'capabilities', undefined);
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_PATH, QUIET_CHROMIUM_ARGS } from '../../e2e/chromium.ts';
import type { BenchmarkPage } from '../../src/app/benchmarkPage.ts';

// Chromium as the e2e tests run it, with WebGPU on where a real adapter exists.
const CHROMIUM_ARGS = [...QUIET_CHROMIUM_ARGS, '--enable-unsafe-webgpu'];

export interface BenchBrowser {
  /** A blank page in the running Chromium. */
  newPage(): Promise<Page>;
  /** The `/?bench` page in the running Chromium, once its hook is there. */
  benchPage(): Promise<Page>;
  /**
   * The bench page in a fresh Chromium (the model store stays on disk in the profile). A renderer keeps
   * much of a let-go engine's memory for as long as it lives: the next configuration's peak counted it
   * (q8 read 2.7 GB after fp32, 1.3 GB alone).
   */
  freshPage(): Promise<Page>;
  /** Closes Chromium and deletes its profile. */
  close(): Promise<void>;
}

export async function launchBrowser(appUrl: string): Promise<BenchBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'glassbox-bench-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      serviceWorkers: 'block',
    });
  let context = await launch();
  const browser: BenchBrowser = {
    newPage: () => context.newPage(),
    async benchPage() {
      const opened = await context.newPage();
      await opened.goto(`${appUrl}/?bench`);
      await opened.waitForFunction(() => window.glassboxBenchmark !== undefined);
      return opened;
    },
    async freshPage() {
      await context.close();
      context = await launch();
      return browser.benchPage();
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

/** Calls the bench page's hook (src/app/benchmarkPage.ts) in the page and returns its answer. */
export async function callBenchPage<K extends keyof BenchmarkPage>(
  page: Page,
  method: K,
  argument: Parameters<BenchmarkPage[K]>[0],
): Promise<Awaited<ReturnType<BenchmarkPage[K]>>> {
  return page.evaluate(
    ([name, arg]) => {
      const hook = window.glassboxBenchmark as unknown as Record<string, (a: unknown) => unknown>;
      return hook[name]?.(arg);
    },
    [method, argument] as const,
  ) as Promise<Awaited<ReturnType<BenchmarkPage[K]>>>;
}

/** `chromium --version`, for the report; `unknown` where it does not answer. */
export function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
