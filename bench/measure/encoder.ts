/**
 * Embeddings in the bench page: sentences per second at each batch size and the renderers' peak memory; on
 * WASM, the native job that embeds the same token ids.
 *
 *   await measureEncoder({ page, setup, runs, corpus, collected }, spec);
 */
import { callBenchPage } from '../chromium/browser.ts';
import { runWatchingMemory } from '../chromium/processes.ts';
import { modelFile } from '../models.ts';
import type { EncoderJob } from '../native.ts';
import { perRun, say } from '../progress.ts';
import { configurationOf } from '../setups.ts';
import { encoderWorkload, WORKLOAD } from '../workloads.ts';
import { peakMemoryRow, row, type Measure, type NativeRows } from './collected.ts';

const batchName = (batchSize: number) => `embeddings (batch ${batchSize})`;

export const measureEncoder: Measure = async ({ page, setup, runs, corpus, collected }, spec) => {
  const workload = encoderWorkload(configurationOf(setup, spec), runs, corpus);
  const { result, peakBytes } = await runWatchingMemory(() => callBenchPage(page, 'encoder', workload));
  const rows: NativeRows = {};
  const runningAs = result.running?.dtype ?? null;
  for (const batchSize of WORKLOAD.batchSizes) {
    const metric = batchName(batchSize);
    const rates = result.rates[batchSize] ?? [];
    rows[metric] = row(setup, spec.dtype, metric, 'sentences/s', true, rates, runningAs);
  }
  const memory = peakMemoryRow(setup, spec, peakBytes, runningAs);
  if (memory) rows['peak memory'] = memory;
  collected.measurements.push(...Object.values(rows));
  const meanTokens = result.tokens.reduce((sum, ids) => sum + ids.length, 0) / result.tokens.length;
  const rates = WORKLOAD.batchSizes.map((b) => `batch ${b} ${perRun(rows[batchName(b)]?.app ?? [], 0)}`);
  say(
    `${setup.label} ${spec.id} ${spec.dtype}: ${rates.join(', ')} sentences/s (${meanTokens.toFixed(0)} tokens each)`,
  );
  if (setup.backend !== 'wasm') return;
  const job: EncoderJob = {
    kind: 'encoder',
    model: modelFile(spec),
    threads: setup.threads,
    sentences: result.tokens,
    batchSizes: WORKLOAD.batchSizes,
    runs,
  };
  collected.nativeJobs.push({ setup, job, rows });
};
