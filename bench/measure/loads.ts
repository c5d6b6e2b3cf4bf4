/**
 * Model loads in the bench page, each through a fresh engine: from the network (the mirror, into an emptied
 * store) and from the device's store; the store's time goes beside the native job's load time.
 *
 *   await measureLoads({ page, setup, runs, corpus, collected }, spec);
 */
import { callBenchPage } from '../chromium/browser.ts';
import { settle } from '../chromium/processes.ts';
import { modelFile } from '../models.ts';
import { perRun, say } from '../progress.ts';
import { configurationOf } from '../setups.ts';
import { row, taskName, type Measure } from './collected.ts';

export const measureLoads: Measure = async ({ page, setup, runs, collected }, spec) => {
  const result = { network: [] as number[], storage: [] as number[] };
  for (const from of ['network', 'storage'] as const) {
    for (let run = 0; run <= runs; run++) {
      await settle(); // a terminated engine lets go of its memory slowly
      const ms = await callBenchPage(page, 'load', { ...configurationOf(setup, spec), from });
      if (run > 0) result[from].push(ms); // the first is the warm-up
    }
  }
  const what = taskName(spec);
  const network = row(setup, spec.dtype, `load from network (${what})`, 'ms', false, result.network);
  const storage = row(setup, spec.dtype, `load from storage (${what})`, 'ms', false, result.storage);
  collected.measurements.push(network, storage);
  say(
    `${setup.label} ${spec.id} ${spec.dtype}: load ${perRun(network.app, 0)} ms from the mirror, ${perRun(storage.app, 0)} ms from storage`,
  );
  const native = collected.nativeJobs.find((job) => job.setup === setup && job.job.model === modelFile(spec));
  if (native) native.rows['load'] = storage;
};
