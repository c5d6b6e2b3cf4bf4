/**
 * Model loads in the bench page: from the network (the mirror, into an emptied store) through a fresh engine,
 * and from the device's store through an engine that has started its runtime, as native session creation
 * is timed after a warm-up; the store's time goes beside the native job's load time.
 *
 *   await measureLoads({ page, setup, runs, corpus, collected }, spec);
 */
import type { LoadRun } from '../../src/app/benchmarkPage.ts';
import { callBenchPage } from '../chromium/browser.ts';
import { settle } from '../chromium/processes.ts';
import { modelFile, parameterCount } from '../models.ts';
import { perRun, say } from '../progress.ts';
import { configurationOf } from '../setups.ts';
import { row, taskName, type Measure } from './collected.ts';

export const measureLoads: Measure = async ({ page, setup, runs, collected }, spec) => {
  const result = { network: [] as LoadRun[], storage: [] as LoadRun[] };
  for (const from of ['network', 'storage'] as const) {
    for (let run = 0; run <= runs; run++) {
      await settle(); // a terminated engine lets go of its memory slowly
      const load = await callBenchPage(page, 'load', { ...configurationOf(setup, spec), from });
      if (run > 0) result[from].push(load); // the first is the warm-up
    }
  }
  const what = taskName(spec);
  const runningAs = result.network[0]?.running?.dtype ?? null;
  const timed = (from: keyof typeof result) =>
    row(
      setup,
      spec.dtype,
      `load from ${from} (${what})`,
      'ms',
      false,
      result[from].map((load) => load.loadMs),
      runningAs,
    );
  const [network, storage] = [timed('network'), timed('storage')];
  // Native session creation is timed after a warm-up session; the app's store load likewise comes after
  // the runtime's start, which a tab pays once (in its first load) and is reported on its own.
  const engineStart = row(
    setup,
    spec.dtype,
    `engine start before it (a demo model's load in a fresh engine, once per tab)`,
    'ms',
    false,
    result.storage.flatMap((load) => load.engineStartMs ?? []),
  );
  collected.measurements.push(network, storage, engineStart);
  // Each load from the network rewrites anew (the store was emptied); loads from storage read the result.
  const rewrites = result.network.flatMap((load) => load.running?.rewriteMs ?? []);
  const perHundredMillion = 1e8 / parameterCount(spec.id);
  const rewrite =
    rewrites.length > 0
      ? row(
          setup,
          spec.dtype,
          `rewrite at load, once (${what}, per 100 M parameters)`,
          'ms',
          false,
          rewrites.map((ms) => ms * perHundredMillion),
          runningAs,
        )
      : null;
  if (rewrite) collected.measurements.push(rewrite);
  say(
    `${setup.label} ${spec.id} ${spec.dtype}: load ${perRun(network.app, 0)} ms from the mirror${rewrite ? ` (rewrite ${perRun(rewrite.app, 0)} ms per 100 M parameters)` : ''}, ${perRun(storage.app, 0)} ms from storage after an engine start of ${perRun(engineStart.app, 0)} ms`,
  );
  const native = collected.nativeJobs.find((job) => job.setup === setup && job.job.model === modelFile(spec));
  if (native) native.rows['load'] = storage;
};
