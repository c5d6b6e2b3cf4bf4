/**
 * The native baseline: runs bench/native.ts in a process of its own per queued job (onnxruntime-node on the
 * same files, threads and token ids) and puts its figures beside the app's in the rows awaiting them.
 *
 *   runNativeBaseline(collected.nativeJobs);
 */
import { join } from 'node:path';
import type { NativeJob, NativeRows } from './measure/collected.ts';
import type { DecoderJob, EncoderJob, NativeResult } from './native.ts';
import { MODELS, ROOT } from './paths.ts';
import { perRun, say } from './progress.ts';
import { runNode } from './runNode.ts';

function runNative(job: DecoderJob | EncoderJob): NativeResult {
  const out = runNode(['--import', 'tsx', join(ROOT, 'bench', 'native.ts')], JSON.stringify(job));
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as NativeResult;
}

/** Gives each row awaiting a native figure its values: the named figures, peak memory (MB) and load. */
export function fillNativeRows(rows: NativeRows, result: NativeResult): void {
  for (const [name, values] of Object.entries(result.figures)) {
    const target = rows[name];
    if (target) target.native = values;
  }
  if (rows['peak memory']) rows['peak memory'].native = [result.peakBytes / 1e6];
  if (rows['load']) rows['load'].native = result.loadMs;
}

export function runNativeBaseline(jobs: readonly NativeJob[]): void {
  say('native baseline: onnxruntime-node on the same files, threads and token ids');
  for (const { setup, job, rows } of jobs) {
    const result = runNative(job);
    fillNativeRows(rows, result);
    const figures = Object.entries(result.figures).map(([name, values]) => `${name} ${perRun(values, 1)}`);
    say(`native ${setup.label} ${job.model.replace(`${MODELS}/`, '')}: ${figures.join(', ')}`);
  }
}
