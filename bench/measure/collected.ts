/**
 * What the browser side collects for the report: every measured row, and per WASM configuration the native
 * job that replays it together with the rows awaiting its figures.
 *
 *   collected.measurements.push(row(setup, 'q8', 'decode', 'tok/s', true, [34, 35, 33]));
 */
import type { Page } from '@playwright/test';
import type { ModelSpec } from '../../src/core/model.ts';
import type { DecoderJob, EncoderJob } from '../native.ts';
import type { Measurement } from '../report.ts';
import type { Setup } from '../setups.ts';

/** Where a native job's figures go: per native figure name, the row awaiting it. */
export type NativeRows = Record<string, Measurement>;

export interface NativeJob {
  setup: Setup;
  job: DecoderJob | EncoderJob;
  rows: NativeRows;
}

export interface Collected {
  measurements: Measurement[];
  nativeJobs: NativeJob[];
  /** The CPU peer as the report names it (measure/wllama.ts), once measured. */
  peer: string | null;
}

export function row(
  setup: Setup,
  dtype: string,
  metric: string,
  unit: string,
  higherIsBetter: boolean,
  app: number[],
  runningAs: string | null = null,
): Measurement {
  return { metric, backend: setup.label, dtype, runningAs, unit, higherIsBetter, app, native: null };
}

/** What the report calls a model's task: `chat` or `embeddings`. */
export const taskName = (spec: ModelSpec) => (spec.task === 'text-generation' ? 'chat' : 'embeddings');

/** The renderers' peak memory while `spec` ran, in MB; null where it was not read. */
export function peakMemoryRow(
  setup: Setup,
  spec: ModelSpec,
  peakBytes: number | null,
  runningAs: string | null,
): Measurement | null {
  if (peakBytes === null) return null;
  const metric = `peak memory (${taskName(spec)})`;
  return row(setup, spec.dtype, metric, 'MB', false, [peakBytes / 1e6], runningAs);
}

/** What a measurement in the bench page works with: the page, the setup and run count, and where results go. */
export interface Measuring {
  page: Page;
  setup: Setup;
  runs: number;
  corpus: readonly string[];
  collected: Collected;
}

/** One measurement of a model under `measuring`'s setup, its rows added to `measuring.collected`. */
export type Measure = (measuring: Measuring, spec: ModelSpec) => Promise<void>;
