/**
 * The analysis worker: cosine matrix, clusters, PCA and UMAP for the embeddings views, so 2,000
 * sentences never freeze the page. UMAP reports progress per epoch and can be cancelled between them.
 */
import { UMAP } from 'umap-js';
import { messageOf } from '../lib/errors.ts';
import { nextTask } from '../lib/nextTask.ts';
import { Transfer, serve, type CallContext } from '../lib/workerRpc.ts';
import { clusterCountFor, kmeans, pca, seededRandom } from './analysis.ts';
import { HEATMAP_LIMIT, type AnalysisApi, type ProjectProgress, type VectorSet } from './analysisProtocol.ts';
import { EmbeddingsError } from './errors.ts';
import { cosine, cosineMatrix, row } from './similarity.ts';

const EPOCHS_PER_REPORT = 10;

function rows({ vectors, count, dimensions }: VectorSet): number[][] {
  return Array.from({ length: count }, (_, index) => Array.from(row(vectors, dimensions, index)));
}

async function umap(set: VectorSet, seed: number, { signal, progress }: CallContext<ProjectProgress>) {
  if (set.count < 3) return new Float32Array(set.count * 2); // UMAP needs neighbours: nothing to lay out
  progress({ phase: 'finding neighbours', done: 0, total: 1 });
  const layout = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(15, set.count - 1),
    random: seededRandom(seed),
    // Embeddings are compared by angle, so neighbours are found by cosine distance.
    distanceFn: (a, b) => 1 - cosine(Float32Array.from(a), Float32Array.from(b)),
  });
  const epochs = layout.initializeFit(rows(set));
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (epoch % EPOCHS_PER_REPORT === 0) {
      await nextTask(); // lets a cancel in
      if (signal.aborted) throw new EmbeddingsError('cancelled', 'The layout was cancelled.');
      progress({ phase: 'optimizing the layout', done: epoch, total: epochs });
    }
    layout.step();
  }
  return Float32Array.from(layout.getEmbedding().flat());
}

serve<AnalysisApi>(
  {
    analyse({ set }) {
      const matrix = set.count <= HEATMAP_LIMIT ? cosineMatrix(set.vectors, set.count, set.dimensions) : null;
      const clusters = kmeans(set.vectors, set.count, set.dimensions, clusterCountFor(set.count));
      return new Transfer({ matrix, clusters }, [...(matrix ? [matrix.buffer] : []), clusters.buffer]);
    },
    async project({ set, method, seed }, context) {
      if (method === 'pca') {
        const { coordinates, explained } = pca(set.vectors, set.count, set.dimensions, 2);
        return new Transfer({ coordinates, explained }, [coordinates.buffer]);
      }
      const coordinates = await umap(set, seed, context);
      return new Transfer({ coordinates, explained: null }, [coordinates.buffer]);
    },
  },
  (error) =>
    error instanceof EmbeddingsError ? error.toData() : { code: 'internal', message: messageOf(error) },
);
