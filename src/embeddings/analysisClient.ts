/**
 * The page's handle on the analysis worker (lib/workerRpc.ts): started on the first request, replaced
 * after a crash.
 *
 *   const layout = analysis.call('project', { set, method: 'umap', seed: 42 }, (p) => console.log(p.phase));
 *   const { coordinates } = await layout.done;
 */
import { WorkerClient } from '../lib/workerRpc.ts';
import type { AnalysisApi } from './analysisProtocol.ts';
import { EmbeddingsError } from './errors.ts';

export const analysis = new WorkerClient<AnalysisApi, EmbeddingsError>(
  () =>
    new Worker(new URL('./analysis.worker.ts', import.meta.url), {
      type: 'module',
      name: 'glassbox-analysis',
    }),
  {
    fromData: EmbeddingsError.fromData,
    crashed: (reason) =>
      new EmbeddingsError(
        'worker-crashed',
        `The analysis stopped (${reason}): the map and the similarity views could not be computed. Run the layout again.`,
      ),
  },
);
