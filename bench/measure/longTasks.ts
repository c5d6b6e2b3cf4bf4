/**
 * Main-thread long tasks while the chat panel streams a reply with token probabilities on (the heavier view:
 * every token's candidates recorded and each reply drawn token by token): the whole UI, rendering included,
 * driven as a user would in a page of its own.
 *
 *   await measureLongTasks({ page: await browser.newPage(), setup, runs, corpus, collected }, spec, appUrl);
 */
import type { ModelSpec } from '../../src/core/model.ts';
import { perRun, say } from '../progress.ts';
import { WORKLOAD, chatMessage } from '../workloads.ts';
import { row, type Measuring } from './collected.ts';

/** Opens the app's chat panel at `appUrl` in the blank `page`, with `spec`'s model, and closes it when done. */
export async function measureLongTasks(
  { page, setup, runs, corpus, collected }: Measuring,
  spec: ModelSpec,
  appUrl: string,
): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
  });
  const { host, id, dtype } = spec;
  const params = new URLSearchParams({ host, model: id, dtype, backend: setup.backend });
  await page.goto(`${appUrl}/?${params.toString()}#/chat`);
  await page
    .getByTestId('backend-badge')
    .and(page.locator(`[data-backend="${setup.backend}"]`))
    .waitFor({ timeout: 300_000 });
  await page.getByLabel('Token probabilities').check();
  await page.getByLabel('Max new tokens').fill(String(WORKLOAD.decodeTokens));
  const durations: number[] = [];
  let observed = 0;
  for (let run = 0; run <= runs; run++) {
    await page.getByRole('textbox', { name: 'Message' }).fill(chatMessage(corpus, run));
    const started = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('assistant-message').nth(run).waitFor({ timeout: 300_000 });
    const ended = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(
      () => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks,
    );
    observed = tasks.length;
    const during = tasks.filter((task) => task.start >= started && task.start <= ended);
    if (run > 0) durations.push(Math.max(0, ...during.map((task) => task.duration)));
  }
  await page.close();
  collected.measurements.push(
    row(
      setup,
      dtype,
      'longest main-thread task while generating with token probabilities on',
      'ms',
      false,
      durations,
    ),
  );
  say(
    `${setup.label} chat panel, ${dtype}, token probabilities on: longest main-thread task while generating ${perRun(durations, 0)} ms (0: none over 50 ms; ${observed} long tasks observed in the page's life, loading included)`,
  );
}
